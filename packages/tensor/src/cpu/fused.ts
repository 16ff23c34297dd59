import type { AdamUpdateOptions, Handle, View } from '../backend.js';
import { allocArray } from '../dtype.js';
import { erf, erf32 } from './math.js';
import { around } from './reduce.js';
import { contiguousData, handle } from './storage.js';

const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);
const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

/** g·(Φ(x) + x·φ(x)), Φ(x) = ½(1 + erf(x/√2)), φ(x) = e^(−x²/2)/√(2π); or the tanh form's derivative. */
export function geluBackward(x: View, grad: View, approximate: 'none' | 'tanh'): Handle {
  const xs = contiguousData(x);
  const gs = contiguousData(grad);
  const out = allocArray(x.dtype, xs.length);
  const n = xs.length;
  if (approximate === 'tanh') {
    for (let i = 0; i < n; i++) {
      const v = xs[i];
      const t = Math.tanh(SQRT_2_OVER_PI * (v + 0.044715 * v * v * v));
      const du = SQRT_2_OVER_PI * (1 + 3 * 0.044715 * v * v);
      out[i] = gs[i] * (0.5 * (1 + t) + 0.5 * v * (1 - t * t) * du);
    }
  } else {
    const f = out instanceof Float32Array ? erf32 : erf;
    for (let i = 0; i < n; i++) {
      const v = xs[i];
      out[i] = gs[i] * (0.5 * (1 + f(v * Math.SQRT1_2)) + v * INV_SQRT_2PI * Math.exp(-0.5 * v * v));
    }
  }
  return handle(out);
}

/** softmax: dx = y·(g − Σ g·y);  log-softmax: dx = g − eʸ·Σ g  (sums along the axis). */
export function softmaxBackward(y: View, grad: View, axis: number, log: boolean): Handle {
  const ys = contiguousData(y);
  const gs = contiguousData(grad);
  const out = allocArray(y.dtype, ys.length);
  const { outer, n, inner } = around(y.shape, axis);
  for (let o = 0; o < outer; o++) {
    const base = o * n * inner;
    for (let k = 0; k < inner; k++) {
      let s = 0;
      for (let i = 0; i < n; i++) {
        const p = base + i * inner + k;
        s += log ? gs[p] : gs[p] * ys[p];
      }
      for (let i = 0; i < n; i++) {
        const p = base + i * inner + k;
        out[p] = log ? gs[p] - Math.exp(ys[p]) * s : ys[p] * (gs[p] - s);
      }
    }
  }
  return handle(out);
}

/**
 * One Adam/AdamW step per element, in float64, in the same order as the optimizer's tensor ops:
 * g ← −g (maximize); θ ← θ(1 − ηλ) (AdamW) or g ← g + λθ (Adam); m ← β₁m + (1−β₁)g;
 * v ← β₂v + (1−β₂)g²; v̂ ← max(v̂, v) (amsgrad); θ ← θ − (m / (√v̂/√(1−β₂ᵗ) + ε))·η/(1−β₁ᵗ).
 */
export function adamUpdate(
  param: View,
  grad: View,
  expAvg: View,
  expAvgSq: View,
  maxExpAvgSq: View | null,
  o: AdamUpdateOptions,
): [Handle, Handle, Handle, Handle | null] {
  const p = contiguousData(param);
  const g = contiguousData(grad);
  const m = contiguousData(expAvg);
  const v = contiguousData(expAvgSq);
  const vm = maxExpAvgSq ? contiguousData(maxExpAvgSq) : null;
  const n = p.length;
  const P = allocArray(param.dtype, n);
  const M = allocArray(param.dtype, n);
  const V = allocArray(param.dtype, n);
  const VM = vm ? allocArray(param.dtype, n) : null;
  // Each intermediate and each constant is rounded to the storage dtype, exactly as the
  // op-by-op update (whose scalars become tensors of the parameter's dtype) rounds them, so a
  // fused and an unfused step give identical parameters in float32 and float64.
  const r = P instanceof Float32Array ? Math.fround : (x: number) => x;
  const decay = o.weightDecay !== 0;
  const keep = r(1 - o.lr * o.weightDecay);
  const wd = r(o.weightDecay);
  const b1 = r(o.beta1);
  const b2 = r(o.beta2);
  const c1 = r(1 - o.beta1);
  const c2 = r(1 - o.beta2);
  const stepSize = r(o.lr / (1 - o.beta1 ** o.step));
  const bias2 = r(Math.sqrt(1 - o.beta2 ** o.step));
  const eps = r(o.eps);
  for (let i = 0; i < n; i++) {
    let gi = o.maximize ? -g[i] : g[i];
    let pi = p[i];
    if (decay) {
      if (o.decoupled) pi = r(pi * keep);
      else gi = r(gi + r(pi * wd));
    }
    const mi = r(r(m[i] * b1) + r(gi * c1));
    const vi = r(r(v[i] * b2) + r(r(gi * gi) * c2));
    let vh = vi;
    if (VM && vm) {
      vh = Math.max(vm[i], vi);
      VM[i] = vh;
    }
    const denom = r(r(r(Math.sqrt(vh)) / bias2) + eps);
    P[i] = r(pi - r(r(mi / denom) * stepSize));
    M[i] = mi;
    V[i] = vi;
  }
  return [handle(P), handle(M), handle(V), VM ? handle(VM) : null];
}
