import { cpuBackend, type Handle, sizeOf, type View } from '@dendrite/tensor';
import type { Kernels } from './runtime.js';
import { gemmParallel } from './threads.js';

type F32 = Float32Array;

/** The typed array behind a CPU-style handle (this backend shares the CPU backend's storage). */
function arrayOf(h: Handle): F32 {
  return (h as { data: F32 }).data;
}

/** Offsets of every batch matrix of a view whose leading dims are `batchShape`. */
function batchOffsets(v: View, batchShape: readonly number[]): number[] {
  const n = sizeOf(batchShape);
  const out = new Array<number>(n);
  const coord = new Array<number>(batchShape.length).fill(0);
  let off = v.offset;
  for (let b = 0; b < n; b++) {
    out[b] = off;
    for (let d = batchShape.length - 1; d >= 0; d--) {
      coord[d]++;
      off += v.strides[d];
      if (coord[d] < batchShape[d]) break;
      off -= v.strides[d] * batchShape[d];
      coord[d] = 0;
    }
  }
  return out;
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
  const r = a.shape.length;
  const M = a.shape[r - 2];
  const K = a.shape[r - 1];
  const N = b.shape[r - 1];
  const batchShape = a.shape.slice(0, r - 2);
  const batch = sizeOf(batchShape);
  const C = new Float32Array(batch * M * N);
  if (C.length === 0 || K === 0) return { data: C };
  const A = arrayOf(a.handle);
  const B = arrayOf(b.handle);
  const ars = a.strides[r - 2];
  const acs = a.strides[r - 1];
  const brs = b.strides[r - 2];
  const bcs = b.strides[r - 1];

  let rows = M;
  let nBatch = batch;
  const bShared = b.strides.slice(0, r - 2).every((s, d) => s === 0 || batchShape[d] === 1);
  if (batch > 1 && bShared && acs === 1) {
    let expected = ars * M;
    let foldable = true;
    for (let d = r - 3; d >= 0; d--) {
      if (batchShape[d] !== 1 && a.strides[d] !== expected) foldable = false;
      expected *= batchShape[d];
    }
    if (foldable) {
      rows = batch * M;
      nBatch = 1;
    }
  }
  const aOffs = nBatch === 1 ? [a.offset] : batchOffsets(a, batchShape);
  const bOffs = nBatch === 1 ? [b.offset] : batchOffsets(b, batchShape);

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

export const cpuMatmul = cpuBackend.matmul;
