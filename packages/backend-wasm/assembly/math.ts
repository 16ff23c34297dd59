// Float32 SIMD math for the fused kernels, four lanes at a time: eˣ, the normal CDF Φ, and GELU's slope Φ + x·φ.
// Each is accurate to a few float32 ulp, with ±∞ and NaN handled as Math.* handles them. Clamps use
// pmin/pmax (one instruction each; pmin(x, c) = c < x ? c : x keeps a NaN x) rather than the NaN-aware min/max.

const LOG2E: f32 = 1.4426950408889634;
const LN2_HI: f32 = 0.693359375; // 9 significant bits: k·LN2_HI is exact (Cody–Waite reduction)
const LN2_LO: f32 = -2.12194440e-4; // ln 2 − LN2_HI
const ROUNDER: f32 = 12582912; // 1.5·2²³
const INV_SQRT2: f32 = 0.7071067811865476;
const INV_SQRT_2PI: f32 = 0.3989422804014327;

// e^(hi + lo), the argument carried in two parts (|lo| ≤ 2; clamped, as beyond e^±104 only hi matters):
// 2ᵏ·eʳ with k = round((hi + lo)/ln2), r = hi − k·ln2 + lo; eʳ ≈ 1 + r + r²·P(r) on |r| ≤ ln2/2 (P: Cephes expf's degree-5 minimax fit);
// 2ᵏ is built in the exponent bits as 2^⌊k/2⌋·2^(k−⌊k/2⌋), so underflow to subnormals/0 and overflow to ∞ are right.
@inline export function expHiLo(hi: v128, lo: v128): v128 {
  hi = f32x4.pmax(f32x4.pmin(hi, f32x4.splat(89)), f32x4.splat(-104)); // e⁸⁹ = ∞, e⁻¹⁰⁴ = 0 in float32; NaN stays
  lo = f32x4.pmax(f32x4.pmin(lo, f32x4.splat(2)), f32x4.splat(-2));
  // k = round((hi + lo)/ln2) by adding 1.5·2²³: the sum's low mantissa bits are then k as an integer
  const shifted = f32x4.add(f32x4.mul(f32x4.add(hi, lo), f32x4.splat(LOG2E)), f32x4.splat(ROUNDER));
  const k = f32x4.sub(shifted, f32x4.splat(ROUNDER));
  const r = f32x4.add(f32x4.sub(f32x4.sub(hi, f32x4.mul(k, f32x4.splat(LN2_HI))), f32x4.mul(k, f32x4.splat(LN2_LO))), lo);
  let p = f32x4.add(f32x4.mul(f32x4.splat(1.9875691500e-4), r), f32x4.splat(1.3981999507e-3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(8.3334519073e-3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(4.1665795894e-2));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.6666665459e-1));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(5.0000001201e-1));
  p = f32x4.add(f32x4.add(f32x4.mul(f32x4.mul(p, r), r), r), f32x4.splat(1));
  const ki = i32x4.sub(shifted, f32x4.splat(ROUNDER));
  const k1 = i32x4.shr_s(ki, 1);
  const k2 = i32x4.sub(ki, k1);
  const s1 = i32x4.shl(i32x4.add(k1, i32x4.splat(127)), 23);
  const s2 = i32x4.shl(i32x4.add(k2, i32x4.splat(127)), 23);
  return f32x4.mul(f32x4.mul(p, s1), s2);
}

// eˣ
@inline export function exp4(x: v128): v128 {
  return expHiLo(x, f32x4.splat(0));
}

// |x| (clamped to 20, beyond which φ = 0 and Φ ∈ {0, 1}) split as ah + al, ah with 12 significant bits:
// −x²/2 = −ah²/2 (exact) − al·(|x| + ah)/2, so e^(−x²/2) carries no rounding from squaring x.
@inline function clampAbs(x: v128): v128 {
  return f32x4.pmin(f32x4.abs(x), f32x4.splat(20)); // NaN stays NaN
}
@inline function highBits(a: v128): v128 {
  return v128.and(a, i32x4.splat(-4096)); // 0xfffff000: clears the low 12 mantissa bits
}
@inline function halfSquareLo(a: v128, ah: v128): v128 {
  return f32x4.mul(f32x4.mul(f32x4.sub(a, ah), f32x4.add(a, ah)), f32x4.splat(-0.5));
}

// Φ(x) = ½(1 + erf(x/√2)). With z = |x|/√2:
//   z < ½: erf(z) = z·Σₙ cₙz²ⁿ, the Maclaurin series cₙ = 2/√π·(−1)ⁿ/(n!(2n+1)) to n = 6 (remainder < 1e-9);
//   z ≥ ½: erfc(z) = t·e^(−z² + P(t)), t = 1/(1 + z/2) (the Chebyshev fit in Numerical Recipes, §6.2,
//          fractional error < 1.2e-7; the same fit as the CPU's erf32), Φ = ½erfc(z) for x < 0, 1 − ½erfc(z) for x ≥ 0
//          — never 1 + erf with erf ≈ −1, which would cancel.
@inline export function normalCdf(x: v128): v128 {
  const a = clampAbs(x);
  const z = f32x4.mul(a, f32x4.splat(INV_SQRT2));
  // tail: erfc
  const t = f32x4.div(f32x4.splat(1), f32x4.add(f32x4.splat(1), f32x4.mul(z, f32x4.splat(0.5))));
  let p = f32x4.add(f32x4.mul(f32x4.splat(0.17087277), t), f32x4.splat(-0.82215223));
  p = f32x4.add(f32x4.mul(p, t), f32x4.splat(1.48851587));
  p = f32x4.add(f32x4.mul(p, t), f32x4.splat(-1.13520398));
  p = f32x4.add(f32x4.mul(p, t), f32x4.splat(0.27886807));
  p = f32x4.add(f32x4.mul(p, t), f32x4.splat(-0.18628806));
  p = f32x4.add(f32x4.mul(p, t), f32x4.splat(0.09678418));
  p = f32x4.add(f32x4.mul(p, t), f32x4.splat(0.37409196));
  p = f32x4.add(f32x4.mul(p, t), f32x4.splat(1.00002368));
  p = f32x4.add(f32x4.mul(p, t), f32x4.splat(-1.26551223));
  const ah = highBits(a);
  const halfErfc = f32x4.mul(f32x4.mul(t, expHiLo(f32x4.mul(f32x4.mul(ah, ah), f32x4.splat(-0.5)), f32x4.add(halfSquareLo(a, ah), p))), f32x4.splat(0.5));
  const negative = f32x4.lt(x, f32x4.splat(0));
  const tail = v128.bitselect(halfErfc, f32x4.sub(f32x4.splat(1), halfErfc), negative);
  return v128.bitselect(centreCdf(x), tail, inCentre(x));
}

// Lanes where Φ takes the series (|x|/√2 < ½; false for NaN), by the same arithmetic normalCdf uses.
@inline export function inCentre(x: v128): v128 {
  return f32x4.lt(f32x4.mul(clampAbs(x), f32x4.splat(INV_SQRT2)), f32x4.splat(0.5));
}

// Φ(x) = ½ + ½·erf(x/√2) by the series, for |x|/√2 < ½ (normalCdf's centre)
@inline export function centreCdf(x: v128): v128 {
  const zs = f32x4.mul(x, f32x4.splat(INV_SQRT2));
  const z2 = f32x4.mul(zs, zs);
  let s = f32x4.add(f32x4.mul(f32x4.splat(0.00012055332981789664), z2), f32x4.splat(-0.0008548327023450852));
  s = f32x4.add(f32x4.mul(s, z2), f32x4.splat(0.005223977625442188));
  s = f32x4.add(f32x4.mul(s, z2), f32x4.splat(-0.026866170645131252));
  s = f32x4.add(f32x4.mul(s, z2), f32x4.splat(0.11283791670955126));
  s = f32x4.add(f32x4.mul(s, z2), f32x4.splat(-0.37612638903183754));
  s = f32x4.add(f32x4.mul(s, z2), f32x4.splat(1.1283791670955126));
  return f32x4.add(f32x4.splat(0.5), f32x4.mul(f32x4.mul(zs, s), f32x4.splat(0.5)));
}

// Φ(x) + x·φ(x), the slope of GELU, with Φ and φ sharing one exponential E = e^(−x²/2) (= e^(−z²),
// z = |x|/√2): φ = E/√(2π);
//   z < 1: Φ = ½ + ½·erf(x/√2), erf(w) = w·T(w²) (Cephes erff's degree-6 fit, |w| ≤ 1);
//   z ≥ 1: ½erfc(z) = ½·E·P(1/z²)/z (Cephes erfcf's fits: P of degree 8 for z < 2, R of degree 7 beyond),
//          Φ = ½erfc(z) for x < 0, 1 − ½erfc(z) for x ≥ 0.
// On z < 1 and x < 0, ½ − ½erf cancels to at most 5× erf's rounding (Φ ≥ 0.079 there).
@inline export function geluSlope(x: v128): v128 {
  const a = clampAbs(x);
  const e = expHalfSquare(a);
  const z = f32x4.mul(a, f32x4.splat(INV_SQRT2));
  const cdf = v128.bitselect(slopeCentre(x), slopeTail(x, z, e), f32x4.lt(z, f32x4.splat(1)));
  return f32x4.add(cdf, f32x4.mul(x, f32x4.mul(e, f32x4.splat(INV_SQRT_2PI))));
}

// Lanes where geluSlope takes its centre (|x| < √2; false for NaN), by the same arithmetic.
@inline export function inSlopeCentre(x: v128): v128 {
  return f32x4.lt(f32x4.mul(clampAbs(x), f32x4.splat(INV_SQRT2)), f32x4.splat(1));
}

// geluSlope for four lanes all in its centre: the same bits, without the tail it would discard.
@inline export function geluSlopeCentre(x: v128): v128 {
  const e = expHalfSquare(clampAbs(x));
  return f32x4.add(slopeCentre(x), f32x4.mul(x, f32x4.mul(e, f32x4.splat(INV_SQRT_2PI))));
}

// E = e^(−a²/2) for a = clampAbs(x), −a²/2 carried in two parts (see halfSquareLo): geluSlope's exponential
@inline function expHalfSquare(a: v128): v128 {
  const ah = highBits(a);
  return expHiLo(f32x4.mul(f32x4.mul(ah, ah), f32x4.splat(-0.5)), halfSquareLo(a, ah));
}

// Φ on the centre of geluSlope: ½ + ½·w·T(w²), w = x/√2
@inline function slopeCentre(x: v128): v128 {
  const w = f32x4.mul(x, f32x4.splat(INV_SQRT2));
  const w2 = f32x4.mul(w, w);
  let t = f32x4.add(f32x4.mul(f32x4.splat(7.853861353153693e-5), w2), f32x4.splat(-8.010193625184903e-4));
  t = f32x4.add(f32x4.mul(t, w2), f32x4.splat(5.188327685732524e-3));
  t = f32x4.add(f32x4.mul(t, w2), f32x4.splat(-2.685381193529856e-2));
  t = f32x4.add(f32x4.mul(t, w2), f32x4.splat(1.128358514861418e-1));
  t = f32x4.add(f32x4.mul(t, w2), f32x4.splat(-3.76126258242330e-1));
  t = f32x4.add(f32x4.mul(t, w2), f32x4.splat(1.12837916572671));
  return f32x4.add(f32x4.splat(0.5), f32x4.mul(f32x4.mul(w, t), f32x4.splat(0.5)));
}

// Φ on the tail of geluSlope: ½erfc(z) = ½·E·p(y)/z, y = 1/z², mirrored for x ≥ 0
@inline function slopeTail(x: v128, z: v128, e: v128): v128 {
  const q = f32x4.div(f32x4.splat(1), z);
  const y = f32x4.mul(q, q);
  let p = f32x4.add(f32x4.mul(f32x4.splat(2.326819970068386e-2), y), f32x4.splat(-1.387039388740657e-1));
  p = f32x4.add(f32x4.mul(p, y), f32x4.splat(3.687424674597105e-1));
  p = f32x4.add(f32x4.mul(p, y), f32x4.splat(-5.824733027278666e-1));
  p = f32x4.add(f32x4.mul(p, y), f32x4.splat(6.210004621745983e-1));
  p = f32x4.add(f32x4.mul(p, y), f32x4.splat(-4.944515323274145e-1));
  p = f32x4.add(f32x4.mul(p, y), f32x4.splat(3.404879937665872e-1));
  p = f32x4.add(f32x4.mul(p, y), f32x4.splat(-2.741127028184656e-1));
  p = f32x4.add(f32x4.mul(p, y), f32x4.splat(5.638259427386472e-1));
  let r = f32x4.add(f32x4.mul(f32x4.splat(-1.047766399936249e1), y), f32x4.splat(1.297719955372516e1));
  r = f32x4.add(f32x4.mul(r, y), f32x4.splat(-7.495518717768503));
  r = f32x4.add(f32x4.mul(r, y), f32x4.splat(2.921019019210786));
  r = f32x4.add(f32x4.mul(r, y), f32x4.splat(-1.0152652792027));
  r = f32x4.add(f32x4.mul(r, y), f32x4.splat(4.218463358204948e-1));
  r = f32x4.add(f32x4.mul(r, y), f32x4.splat(-2.820767439740514e-1));
  r = f32x4.add(f32x4.mul(r, y), f32x4.splat(5.641895067754075e-1));
  const fit = v128.bitselect(p, r, f32x4.lt(z, f32x4.splat(2)));
  const halfErfc = f32x4.mul(f32x4.mul(f32x4.mul(e, q), fit), f32x4.splat(0.5));
  return v128.bitselect(halfErfc, f32x4.sub(f32x4.splat(1), halfErfc), f32x4.lt(x, f32x4.splat(0)));
}

