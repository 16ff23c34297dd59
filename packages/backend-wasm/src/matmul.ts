import { cpuBackend, type Handle, planMatmul, type View } from '@dendrite/tensor';
import type { Kernels } from './runtime.js';
import { addressOf, allocate, freeScratch, scratch, type WasmHandle } from './storage.js';
import { gemmParallel } from './threads.js';

type F32 = Float32Array;

/** Copies a [rows, cols] strided block into `dst` (row-major) at element offset `at`. */
function copyBlock(
  src: F32,
  off: number,
  rs: number,
  cs: number,
  rows: number,
  cols: number,
  dst: F32,
  at: number,
): void {
  if (cs === 1) {
    if (rs === cols) {
      dst.set(src.subarray(off, off + rows * cols), at);
      return;
    }
    for (let r = 0; r < rows; r++) dst.set(src.subarray(off + r * rs, off + r * rs + cols), at + r * cols);
    return;
  }
  let o = at;
  for (let r = 0; r < rows; r++) {
    let p = off + r * rs;
    for (let c = 0; c < cols; c++, p += cs) dst[o++] = src[p];
  }
}

/**
 * float32 batched matrix product on the SIMD kernel, in place in linear memory: A is read where
 * it lies when its rows are contiguous (any row stride), else staged row-major in scratch; B is
 * packed into 8-column panels (scratch, once per distinct B); C is written straight into the
 * result's block. A batch that shares one weight (x·W with x [B, T, C]) runs as one product.
 * Operands on the JavaScript heap (linear memory was full) are staged like strided ones.
 */
export function wasmMatmul(k: Kernels, a: View, b: View): Handle {
  const { K, N, rows, count, ars, acs, brs, bcs, aOffsets, bOffsets, size } = planMatmul(a, b);
  const out = allocate('float32', size, K === 0);
  if (size === 0 || K === 0) return out;
  const aAddr = addressOf(a.handle);
  const bAddr = addressOf(b.handle);
  const aDirect = aAddr >= 0 && acs === 1;
  const bDirect = bAddr >= 0 && (bcs === 1 || brs === 1);
  const aBytes = aDirect ? 0 : rows * K * 4;
  const bBytes = bDirect ? 0 : K * N * 4;
  const pBytes = Math.ceil(N / 8) * 8 * K * 4;
  const cBytes = out.at >= 0 ? 0 : rows * N * 4;
  const aAt = aBytes > 0 ? scratch(aBytes) : 0;
  const bAt = bBytes > 0 ? scratch(bBytes) : 0;
  const pAt = scratch(pBytes);
  const cOut = cBytes > 0 ? scratch(cBytes) : out.at;
  const release = () => {
    for (const [at, bytes] of [
      [aAt, aBytes],
      [bAt, bBytes],
      [pAt, pBytes],
      [cBytes > 0 ? cOut : 0, cBytes],
    ])
      if (at > 0) freeScratch(at, bytes);
  };
  if (aAt < 0 || bAt < 0 || pAt < 0 || cOut < 0) {
    // Linear memory is full: the TypeScript kernel computes the same product on the heap.
    release();
    return copyToOut(out, cpuBackend.matmul(a, b));
  }
  // A view of the whole memory, made after the scratch allocations (which may grow it).
  const mem = new Float32Array(k.memory.buffer);
  try {
    const A = (a.handle as WasmHandle).data as F32;
    const B = (b.handle as WasmHandle).data as F32;
    let lastB = -1;
    for (let i = 0; i < count; i++) {
      let aPtr: number;
      let lda: number;
      if (aDirect) {
        aPtr = aAddr + aOffsets[i] * 4;
        lda = ars;
      } else {
        copyBlock(A, aOffsets[i], ars, acs, rows, K, mem, aAt / 4);
        aPtr = aAt;
        lda = K;
      }
      if (bOffsets[i] !== lastB) {
        if (bDirect && bcs === 1) {
          k.exports.packB(bAddr + bOffsets[i] * 4, brs, 1, K, N, pAt);
        } else if (bDirect) {
          k.exports.packB(bAddr + bOffsets[i] * 4, 1, bcs, K, N, pAt);
        } else {
          copyBlock(B, bOffsets[i], brs, bcs, K, N, mem, bAt / 4);
          k.exports.packB(bAt, N, 1, K, N, pAt);
        }
        lastB = bOffsets[i];
      }
      const cPtr = cOut + (out.at >= 0 ? i * rows * N * 4 : 0);
      if (!gemmParallel(k, aPtr, lda, pAt, cPtr, rows, N, K)) {
        k.exports.gemmPacked(aPtr, lda, pAt, cPtr, rows, N, K);
      }
      if (out.at < 0) out.data.set(mem.subarray(cOut / 4, cOut / 4 + rows * N), i * rows * N);
    }
  } finally {
    release();
  }
  return out;
}

/** The CPU kernel's heap result copied into `out` (allocated for it). */
function copyToOut(out: WasmHandle, h: Handle): WasmHandle {
  out.data.set((h as { data: F32 }).data);
  return out;
}
