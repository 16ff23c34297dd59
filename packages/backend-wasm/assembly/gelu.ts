// GELU and its gradient, exact (erf) and tanh forms, float32 four lanes at a time (see math.ts).
// The tail (n % 4 elements) is loaded into one partial vector, so every element takes the same path.
import { hi64, join32, lo64, loadPartial, storePartial } from './lanes';
import { centreCdf, expHiLo, geluSlope, geluSlopeCentre, inCentre, inSlopeCentre, normalCdf } from './math';

const SQRT_2_OVER_PI = 0.7978845608028654;
const C = 0.044715;

// gelu(x) = x·Φ(x)
@inline function gelu4(x: v128): v128 {
  return f32x4.mul(x, normalCdf(x));
}

// e^(−2u), u = √(2/π)(x + 0.044715x³): −2u is formed in float64 (clamped to ±120, where e^(−2u) is 0 or ∞ in float32)
// and handed to exp as hi + lo floats, so a large |u| loses nothing to rounding before the exponential.
@inline function expMinus2U(x: v128): v128 {
  const w0 = minus2U(lo64(x));
  const w1 = minus2U(hi64(x));
  const hi = join32(w0, w1);
  return expHiLo(hi, join32(f64x2.sub(w0, lo64(hi)), f64x2.sub(w1, hi64(hi))));
}
@inline function minus2U(x: v128): v128 {
  const w = f64x2.mul(f64x2.mul(x, f64x2.splat(-2 * SQRT_2_OVER_PI)), f64x2.add(f64x2.splat(1), f64x2.mul(f64x2.mul(x, x), f64x2.splat(C))));
  return f64x2.pmax(f64x2.pmin(w, f64x2.splat(120)), f64x2.splat(-120)); // NaN stays NaN
}

// ½x(1 + tanh u) = x/(1 + e^(−2u))
@inline function geluTanh4(x: v128): v128 {
  return f32x4.div(x, f32x4.add(f32x4.splat(1), expMinus2U(x)));
}

// g·(Φ(x) + x·φ(x)), Φ and φ from one exponential (math.ts)
@inline function geluGrad4(x: v128, g: v128): v128 {
  return f32x4.mul(g, geluSlope(x));
}

// g·(s + 2x·u′·s·(1 − s)): s = ½(1 + tanh u) = 1/(1 + e), e = e^(−2u), 1 − s = e·s, u′ = √(2/π)(1 + 3·0.044715x²).
// x is clamped to ±10 (where s is 0 or 1 in float32); adding x − x makes ±∞ and NaN give NaN, as the reference does.
@inline function geluTanhGrad4(x: v128, g: v128): v128 {
  const xc = f32x4.pmax(f32x4.pmin(x, f32x4.splat(10)), f32x4.splat(-10));
  const x2 = f32x4.mul(xc, xc);
  const e = expMinus2U(xc);
  const s = f32x4.div(f32x4.splat(1), f32x4.add(f32x4.splat(1), e));
  const du = f32x4.mul(f32x4.splat(<f32>SQRT_2_OVER_PI), f32x4.add(f32x4.splat(1), f32x4.mul(x2, f32x4.splat(<f32>(3 * C)))));
  const d = f32x4.add(s, f32x4.mul(f32x4.mul(f32x4.mul(f32x4.add(xc, xc), du), f32x4.mul(e, s)), s));
  return f32x4.add(f32x4.mul(g, d), f32x4.sub(x, x));
}

// out = f(x) over n elements, f one of the forward forms. For the exact form, four lanes all in
// Φ's centre (|x| < 0.707: most of a GPT's pre-activations) skip the tail (erfc, a division and an
// exponential) that normalCdf would compute and then discard: the same bits, about 4× faster.
@inline function mapLoop(x: usize, out: usize, n: i32, tanh: bool): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const v = v128.load(x + o);
    if (tanh) v128.store(out + o, geluTanh4(v));
    else if (i32x4.all_true(inCentre(v))) v128.store(out + o, f32x4.mul(v, centreCdf(v)));
    else v128.store(out + o, gelu4(v));
  }
  if (i < n) {
    const o = <usize>i << 2;
    const v = loadPartial(x + o, n - i);
    storePartial(out + o, tanh ? geluTanh4(v) : gelu4(v), n - i);
  }
}

// out = f′(x)·g over n elements. For the exact form, where most groups of four lanes lie in the
// slope's centre (|x| < √2: a GPT's pre-activations early in training), such groups skip the tail
// (a division, two polynomials) that geluSlope would compute and discard — the same bits, 1.3×
// faster at standard deviation 0.3. Where few do (wide inputs), the branch would only cost (16% at
// standard deviation 2), so a sample of every 8th group picks the loop (the shortcut where two thirds of it qualify).
@inline function gradLoop(x: usize, g: usize, out: usize, n: i32, tanh: bool): void {
  let i = 0;
  if (!tanh && mostlyCentre(x, n)) {
    for (; i + 4 <= n; i += 4) {
      const o = <usize>i << 2;
      const v = v128.load(x + o);
      const slope = i32x4.all_true(inSlopeCentre(v)) ? geluSlopeCentre(v) : geluSlope(v);
      v128.store(out + o, f32x4.mul(v128.load(g + o), slope));
    }
  }
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const v = v128.load(x + o);
    const gv = v128.load(g + o);
    v128.store(out + o, tanh ? geluTanhGrad4(v, gv) : geluGrad4(v, gv));
  }
  if (i < n) {
    const o = <usize>i << 2;
    const v = loadPartial(x + o, n - i);
    const gv = loadPartial(g + o, n - i);
    storePartial(out + o, tanh ? geluTanhGrad4(v, gv) : geluGrad4(v, gv), n - i);
  }
}

// Whether more than two thirds of the sampled groups of four (every 8th) lie wholly in the slope's centre
// (below that, about a third of the branches would go the other way).
@inline function mostlyCentre(x: usize, n: i32): bool {
  let seen = 0;
  let inside = 0;
  for (let i = 0; i + 4 <= n; i += 32) {
    seen++;
    if (i32x4.all_true(inSlopeCentre(v128.load(x + (<usize>i << 2))))) inside++;
  }
  return inside * 3 > seen * 2;
}

export function geluF32(x: usize, out: usize, n: i32): void { mapLoop(x, out, n, false); } // y = x·½(1 + erf(x/√2))
export function geluTanhF32(x: usize, out: usize, n: i32): void { mapLoop(x, out, n, true); } // y = ½x(1 + tanh(√(2/π)(x + 0.044715x³)))
export function geluBackwardF32(x: usize, g: usize, out: usize, n: i32): void { gradLoop(x, g, out, n, false); } // dx = g·(Φ(x) + x·φ(x))
export function geluTanhBackwardF32(x: usize, g: usize, out: usize, n: i32): void { gradLoop(x, g, out, n, true); } // dx = g·d/dx[½x(1 + tanh u)]
