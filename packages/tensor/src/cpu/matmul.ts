import type { Handle, View } from '../backend.js';
import { allocArray, type TypedArray } from '../dtype.js';
import type { ArrayAllocator } from './alloc.js';
import { planMatmul } from './matmul-plan.js';
import { arrayOf, handle } from './storage.js';

/**
 * C = A·B as dot products of A's rows with Bᵀ's rows, in 4×4 register blocks:
 * C[i][j] = Σₖ A[i][k]·Bᵀ[j][k]. Both operands are read along k with unit stride, so a transposed
 * weight (`x·Wᵀ`, the Linear layer) needs no copy. Sums accumulate in float64.
 * Measured on this machine's JS engine: about 4.4 GFLOPS vs 2.4 for the classic i-k-j loop.
 */
function gemmNT(
  A: TypedArray,
  aOff: number,
  lda: number,
  Bt: TypedArray,
  bOff: number,
  ldb: number,
  C: TypedArray,
  cOff: number,
  M: number,
  N: number,
  K: number,
): void {
  let i = 0;
  for (; i + 3 < M; i += 4) {
    const a0 = aOff + i * lda;
    const a1 = a0 + lda;
    const a2 = a1 + lda;
    const a3 = a2 + lda;
    const c0 = cOff + i * N;
    let j = 0;
    for (; j + 3 < N; j += 4) {
      const b0 = bOff + j * ldb;
      const b1 = b0 + ldb;
      const b2 = b1 + ldb;
      const b3 = b2 + ldb;
      let s00 = 0;
      let s01 = 0;
      let s02 = 0;
      let s03 = 0;
      let s10 = 0;
      let s11 = 0;
      let s12 = 0;
      let s13 = 0;
      let s20 = 0;
      let s21 = 0;
      let s22 = 0;
      let s23 = 0;
      let s30 = 0;
      let s31 = 0;
      let s32 = 0;
      let s33 = 0;
      for (let k = 0; k < K; k++) {
        const x0 = A[a0 + k];
        const x1 = A[a1 + k];
        const x2 = A[a2 + k];
        const x3 = A[a3 + k];
        const y0 = Bt[b0 + k];
        const y1 = Bt[b1 + k];
        const y2 = Bt[b2 + k];
        const y3 = Bt[b3 + k];
        s00 += x0 * y0;
        s01 += x0 * y1;
        s02 += x0 * y2;
        s03 += x0 * y3;
        s10 += x1 * y0;
        s11 += x1 * y1;
        s12 += x1 * y2;
        s13 += x1 * y3;
        s20 += x2 * y0;
        s21 += x2 * y1;
        s22 += x2 * y2;
        s23 += x2 * y3;
        s30 += x3 * y0;
        s31 += x3 * y1;
        s32 += x3 * y2;
        s33 += x3 * y3;
      }
      const c = c0 + j;
      C[c] = s00;
      C[c + 1] = s01;
      C[c + 2] = s02;
      C[c + 3] = s03;
      C[c + N] = s10;
      C[c + N + 1] = s11;
      C[c + N + 2] = s12;
      C[c + N + 3] = s13;
      C[c + 2 * N] = s20;
      C[c + 2 * N + 1] = s21;
      C[c + 2 * N + 2] = s22;
      C[c + 2 * N + 3] = s23;
      C[c + 3 * N] = s30;
      C[c + 3 * N + 1] = s31;
      C[c + 3 * N + 2] = s32;
      C[c + 3 * N + 3] = s33;
    }
    for (; j < N; j++) {
      const b = bOff + j * ldb;
      for (let r = 0; r < 4; r++) {
        const a = a0 + r * lda;
        let s = 0;
        for (let k = 0; k < K; k++) s += A[a + k] * Bt[b + k];
        C[c0 + r * N + j] = s;
      }
    }
  }
  for (; i < M; i++) {
    const a = aOff + i * lda;
    for (let j = 0; j < N; j++) {
      const b = bOff + j * ldb;
      let s = 0;
      for (let k = 0; k < K; k++) s += A[a + k] * Bt[b + k];
      C[cOff + i * N + j] = s;
    }
  }
}

/** Copies an [rows, cols] strided block into a row-major array. */
function pack(
  src: TypedArray,
  off: number,
  rs: number,
  cs: number,
  rows: number,
  cols: number,
  out: TypedArray,
): void {
  let o = 0;
  for (let r = 0; r < rows; r++) {
    let p = off + r * rs;
    for (let c = 0; c < cols; c++, p += cs) out[o++] = src[p];
  }
}

export function matmul(alloc: ArrayAllocator, a: View, b: View): Handle {
  const { K, N, rows, count, ars, acs, brs, bcs, aOffsets, bOffsets, size } = planMatmul(a, b);
  const C = alloc(a.dtype, size);
  if (C.length === 0 || K === 0) return handle(C);
  const A = arrayOf(a.handle);
  const B = arrayOf(b.handle);
  const aPacked = acs === 1 ? null : allocArray(a.dtype, rows * K);
  // Bᵀ rows run along k: free when B is a transposed contiguous matrix (brs = 1).
  const btPacked = brs === 1 ? null : allocArray(a.dtype, N * K);
  let lastB = -1;
  for (let i = 0; i < count; i++) {
    let Ad = A;
    let aOff = aOffsets[i];
    let lda = ars;
    if (aPacked) {
      pack(A, aOff, ars, acs, rows, K, aPacked);
      Ad = aPacked;
      aOff = 0;
      lda = K;
    }
    let Bd = B;
    let bOff = bOffsets[i];
    let ldb = bcs;
    if (btPacked) {
      if (bOffsets[i] !== lastB) pack(B, bOffsets[i], bcs, brs, N, K, btPacked);
      lastB = bOffsets[i];
      Bd = btPacked;
      bOff = 0;
      ldb = K;
    }
    gemmNT(Ad, aOff, lda, Bd, bOff, ldb, C, i * rows * N, rows, N, K);
  }
  return handle(C);
}
