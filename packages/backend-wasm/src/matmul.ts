import { type Handle, planMatmul, type View } from '@dendrite/tensor';
import type { Kernels } from './runtime.js';
import { gemmParallel } from './threads.js';

type F32 = Float32Array;

/** The typed array behind a CPU-style handle (this backend shares the CPU backend's storage). */
function arrayOf(h: Handle): F32 {
  return (h as { data: F32 }).data;
}

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
 * float32 batched matrix product on the SIMD kernel: operands are copied into linear memory
 * (B packed into 8-column panels), multiplied in 4×8 register tiles, and the result copied out.
 * A batch that shares one weight (x·W with x [B, T, C]) runs as one [B·T, C] product.
 */
export function wasmMatmul(k: Kernels, a: View, b: View): Handle {
  const { K, N, rows, count, ars, acs, brs, bcs, aOffsets: aOffs, bOffsets: bOffs, size } = planMatmul(a, b);
  const C = new Float32Array(size);
  if (C.length === 0 || K === 0) return { data: C };
  const A = arrayOf(a.handle);
  const B = arrayOf(b.handle);
  const nBatch = count;

  // Layout in linear memory (in floats): A [rows, K] | B raw [K, N] | B packed | C [rows, N]
  const panels = Math.ceil(N / 8);
  const aAt = 16;
  const bAt = aAt + rows * K;
  const pAt = bAt + K * N;
  const cAt = pAt + panels * 8 * K;
  const mem = k.reserve((cAt + rows * N) * 4);
  let lastB = -1;
  for (let i = 0; i < nBatch; i++) {
    copyBlock(A, aOffs[i], ars, acs, rows, K, mem, aAt);
    if (bOffs[i] !== lastB) {
      // B as stored: row-major [K, N], or a transposed [N, K] matrix read with swapped strides.
      if (bcs === 1 || brs !== 1) {
        copyBlock(B, bOffs[i], brs, bcs, K, N, mem, bAt);
        k.exports.packB(bAt * 4, N, 1, K, N, pAt * 4);
      } else {
        copyBlock(B, bOffs[i], bcs, brs, N, K, mem, bAt);
        k.exports.packB(bAt * 4, 1, K, K, N, pAt * 4);
      }
      lastB = bOffs[i];
    }
    if (!gemmParallel(k, aAt * 4, K, pAt * 4, cAt * 4, rows, N, K)) {
      k.exports.gemmPacked(aAt * 4, K, pAt * 4, cAt * 4, rows, N, K);
    }
    C.set(mem.subarray(cAt, cAt + rows * N), i * rows * N);
  }
  return { data: C };
}
