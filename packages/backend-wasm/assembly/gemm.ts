// WebAssembly SIMD kernels for @dendrite/backend-wasm, in AssemblyScript.
// Compiled by scripts/build-wasm.mjs into generated/kernels.ts (base64, not committed), bundled into dist/.
// Memory is imported: the JS side owns it and lays out operands before each call.
import { transpose4 } from './lanes';

// Pack B [K, N] (element strides rs, cs: row-major, or a transposed view such as Wᵀ) into 8-wide
// column panels: P[jb][k][0..8] = B[k][jb*8 .. jb*8+8] (zero-padded).
export function packB(b: usize, rs: i32, cs: i32, K: i32, N: i32, p: usize): void {
  packBPanels(b, rs, cs, K, N, p, 0, (N + 7) >> 3);
}

// Panels [from, from + count) of packB's P (threads pack disjoint ranges of panels).
export function packBPanels(b: usize, rs: i32, cs: i32, K: i32, N: i32, p: usize, from: i32, count: i32): void {
  for (let jb = from; jb < from + count; jb++) {
    const j0 = jb << 3;
    const w = min(8, N - j0);
    let out = p + <usize>(jb * K * 8) * 4;
    let k = 0;
    if (w == 8 && cs == 1) {
      for (; k < K; k++) {
        const row = b + <usize>(k * rs + j0) * 4;
        v128.store(out, v128.load(row));
        v128.store(out + 16, v128.load(row + 16));
        out += 32;
      }
    } else if (w == 8 && rs == 1) {
      // A transposed view (x·Wᵀ): B's columns j0…j0+7 are 8 contiguous rows of W; 4×4 blocks of
      // them are transposed in registers, 4 values of k at a time.
      const col = <usize>cs * 4;
      const w0 = b + <usize>(j0 * cs) * 4;
      for (; k + 4 <= K; k += 4) {
        const r = w0 + <usize>k * 4;
        transpose4(r, col, out, 32); // four packed rows of 8, their first halves
        transpose4(r + 4 * col, col, out + 16, 32);
        out += 128;
      }
    }
    for (; k < K; k++) {
      const row = b + <usize>(k * rs + j0 * cs) * 4;
      for (let t = 0; t < 8; t++) store<f32>(out + <usize>t * 4, t < w ? load<f32>(row + <usize>(t * cs) * 4) : 0);
      out += 32;
    }
  }
}

// C[M,N] = A[M,K] · B: A read through element strides (ars, acs) — row-major, or a transposed
// view (gᵀ·x), never staged whole — B packed by packB. Each block of 4 rows of A is first packed
// k-major into `s` (K·16 bytes, stays in L1: s[k][r] = A[i+r][k]), then each 4×8 tile of C stays
// in eight f32x4 registers while k runs: per k, one 8-wide row of B and the block's four values,
// each loaded straight into all four lanes (v128.load32_splat: a load, no shuffle) at fixed
// offsets from one pointer. C[i][j] = Σₖ A[i][k]·B[k][j]
export function gemmPacked(
  a: usize, ars: i32, acs: i32, p: usize, c: usize, M: i32, N: i32, K: i32, s: usize,
): void {
  const panels = (N + 7) >> 3;
  const rs = <usize>N * 4;
  const la = <usize>ars * 4;
  const step = <usize>acs * 4;
  const send = s + <usize>K * 16;
  let i = 0;
  for (; i + 4 <= M; i += 4) {
    let ap = a + <usize>i * la;
    for (let q = s; q < send; q += 16) {
      store<f32>(q, load<f32>(ap));
      store<f32>(q, load<f32>(ap + la), 4);
      store<f32>(q, load<f32>(ap + 2 * la), 8);
      store<f32>(q, load<f32>(ap + 3 * la), 12);
      ap += step;
    }
    for (let jb = 0; jb < panels; jb++) {
      let bp = p + <usize>(jb * K * 8) * 4;
      let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c10 = f32x4.splat(0), c11 = f32x4.splat(0);
      let c20 = f32x4.splat(0), c21 = f32x4.splat(0), c30 = f32x4.splat(0), c31 = f32x4.splat(0);
      for (let q = s; q < send; q += 16) {
        const b0 = v128.load(bp);
        const b1 = v128.load(bp, 16);
        const x0 = v128.load32_splat(q);
        c00 = madd(x0, b0, c00); c01 = madd(x0, b1, c01);
        const x1 = v128.load32_splat(q, 4);
        c10 = madd(x1, b0, c10); c11 = madd(x1, b1, c11);
        const x2 = v128.load32_splat(q, 8);
        c20 = madd(x2, b0, c20); c21 = madd(x2, b1, c21);
        const x3 = v128.load32_splat(q, 12);
        c30 = madd(x3, b0, c30); c31 = madd(x3, b1, c31);
        bp += 32;
      }
      const j0 = jb << 3;
      const cp = c + <usize>(i * N + j0) * 4;
      if (j0 + 8 <= N) {
        v128.store(cp, c00); v128.store(cp + 16, c01);
        v128.store(cp + rs, c10); v128.store(cp + rs + 16, c11);
        v128.store(cp + 2 * rs, c20); v128.store(cp + 2 * rs + 16, c21);
        v128.store(cp + 3 * rs, c30); v128.store(cp + 3 * rs + 16, c31);
      } else {
        storeTail(cp, c00, c01, N - j0);
        storeTail(cp + rs, c10, c11, N - j0);
        storeTail(cp + 2 * rs, c20, c21, N - j0);
        storeTail(cp + 3 * rs, c30, c31, N - j0);
      }
    }
  }
  for (; i < M; i++) {
    const a0 = a + <usize>i * la;
    for (let jb = 0; jb < panels; jb++) {
      let bp = p + <usize>(jb * K * 8) * 4;
      let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
      let ap = a0;
      for (let k = 0; k < K; k++) {
        const x0 = v128.load32_splat(ap);
        c00 = madd(x0, v128.load(bp), c00);
        c01 = madd(x0, v128.load(bp + 16), c01);
        bp += 32;
        ap += step;
      }
      const j0 = jb << 3;
      storeTail(c + <usize>(i * N + j0) * 4, c00, c01, min(8, N - j0));
    }
  }
}

@inline function storeTail(cp: usize, lo: v128, hi: v128, w: i32): void {
  if (w >= 8) { v128.store(cp, lo); v128.store(cp + 16, hi); return; }
  if (w > 0) store<f32>(cp, f32x4.extract_lane(lo, 0));
  if (w > 1) store<f32>(cp + 4, f32x4.extract_lane(lo, 1));
  if (w > 2) store<f32>(cp + 8, f32x4.extract_lane(lo, 2));
  if (w > 3) store<f32>(cp + 12, f32x4.extract_lane(lo, 3));
  if (w > 4) store<f32>(cp + 16, f32x4.extract_lane(hi, 0));
  if (w > 5) store<f32>(cp + 20, f32x4.extract_lane(hi, 1));
  if (w > 6) store<f32>(cp + 24, f32x4.extract_lane(hi, 2));
}

// A batch of products C_t = A_t · B_t for t in [from, to): `table` holds three u32 byte addresses
// per product (A_t, B_t, C_t); A and B are read through element strides (ars, acs) and (brs, bcs).
// `scratch` takes B_t's packed panels (repacked only when B_t changes), then gemmPacked's K·16
// bytes for a block of A. C_t[i][j] = Σₖ A_t[i][k]·B_t[k][j]
export function gemmBatch(
  table: usize, from: i32, to: i32, ars: i32, acs: i32, brs: i32, bcs: i32,
  M: i32, N: i32, K: i32, scratch: usize,
): void {
  let lastB: usize = 0;
  for (let t = from; t < to; t++) {
    const row = table + <usize>t * 12;
    const a = <usize>load<u32>(row);
    const b = <usize>load<u32>(row + 4);
    const c = <usize>load<u32>(row + 8);
    if (b != lastB) {
      packB(b, brs, bcs, K, N, scratch);
      lastB = b;
    }
    gemmPacked(a, ars, acs, scratch, c, M, N, K, scratch + <usize>(((N + 7) >> 3) * 8 * K) * 4);
  }
}

// c + a·b per lane: one fused multiply-add where the engine runs relaxed SIMD (the build's
// relaxed variant; rounding once instead of twice), else a multiply and an add.
@inline function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(c, f32x4.mul(a, b));
}
