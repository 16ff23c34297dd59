// Lane helpers the float32 kernels share: partial vectors for the tail of a row (n % 4 elements),
// and float32 ↔ float64 halves for sums and differences kept in float64 like the CPU reference.

// The first k (1..3) floats at p in lanes 0..k−1, zeros above.
@inline export function loadPartial(p: usize, k: i32): v128 {
  let v = f32x4.replace_lane(f32x4.splat(0), 0, load<f32>(p));
  if (k > 1) v = f32x4.replace_lane(v, 1, load<f32>(p + 4));
  if (k > 2) v = f32x4.replace_lane(v, 2, load<f32>(p + 8));
  return v;
}

// Stores lanes 0..k−1 (k = 1..3) of v at p.
@inline export function storePartial(p: usize, v: v128, k: i32): void {
  store<f32>(p, f32x4.extract_lane(v, 0));
  if (k > 1) store<f32>(p + 4, f32x4.extract_lane(v, 1));
  if (k > 2) store<f32>(p + 8, f32x4.extract_lane(v, 2));
}

// All-ones in the lanes whose index is below k, zeros elsewhere (a mask for v128.bitselect).
@inline export function lanesBelow(k: i32): v128 {
  return i32x4.lt_s(i32x4(0, 1, 2, 3), i32x4.splat(k));
}

// Lanes 0, 1 of a float32 vector as float64 (exact).
@inline export function lo64(v: v128): v128 {
  return f64x2.promote_low_f32x4(v);
}

// Lanes 2, 3 of a float32 vector as float64 (exact).
@inline export function hi64(v: v128): v128 {
  return f64x2.promote_low_f32x4(v128.shuffle<f32>(v, v, 2, 3, 2, 3));
}

// Two float64 pairs rounded to one float32 vector [lo0, lo1, hi0, hi1].
@inline export function join32(lo: v128, hi: v128): v128 {
  return v128.shuffle<f32>(f32x4.demote_f64x2_zero(lo), f32x4.demote_f64x2_zero(hi), 0, 1, 4, 5);
}

// The sum of the two float64 lanes.
@inline export function sum64(v: v128): f64 {
  return f64x2.extract_lane(v, 0) + f64x2.extract_lane(v, 1);
}

// The largest of the four lanes; NaN if any lane is NaN.
@inline export function max32(v: v128): f32 {
  return max(max(f32x4.extract_lane(v, 0), f32x4.extract_lane(v, 1)), max(f32x4.extract_lane(v, 2), f32x4.extract_lane(v, 3)));
}

// out[t·outRow + k] = r[k·col + t] for t, k < 4 (byte strides col, outRow): four 4-runs, one per
// k, become four 4-runs, one per t — a 4×4 block transposed by shuffles.
@inline export function transpose4(r: usize, col: usize, out: usize, outRow: usize): void {
  const r0 = v128.load(r);
  const r1 = v128.load(r + col);
  const r2 = v128.load(r + 2 * col);
  const r3 = v128.load(r + 3 * col);
  const t0 = i32x4.shuffle(r0, r1, 0, 4, 1, 5);
  const t1 = i32x4.shuffle(r0, r1, 2, 6, 3, 7);
  const t2 = i32x4.shuffle(r2, r3, 0, 4, 1, 5);
  const t3 = i32x4.shuffle(r2, r3, 2, 6, 3, 7);
  v128.store(out, i32x4.shuffle(t0, t2, 0, 1, 4, 5));
  v128.store(out + outRow, i32x4.shuffle(t0, t2, 2, 3, 6, 7));
  v128.store(out + 2 * outRow, i32x4.shuffle(t1, t3, 0, 1, 4, 5));
  v128.store(out + 3 * outRow, i32x4.shuffle(t1, t3, 2, 3, 6, 7));
}
