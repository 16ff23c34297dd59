import type { AdamUpdateOptions, Handle, View } from '../backend.js';
import type { ArrayAllocator } from './alloc.js';
import { erf, erf32 } from './math.js';
import { around } from './reduce.js';
import { contiguousData, handle } from './storage.js';

const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);
const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

/** g·(Φ(x) + x·φ(x)), Φ(x) = ½(1 + erf(x/√2)), φ(x) = e^(−x²/2)/√(2π); or the tanh form's derivative. */
export function geluBackward(
  alloc: ArrayAllocator,
  x: View,
  grad: View,
  approximate: 'none' | 'tanh',
): Handle {
  const xs = contiguousData(x);
  const gs = contiguousData(grad);
  const out = alloc(x.dtype, xs.length);
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
export function softmaxBackward(
  alloc: ArrayAllocator,
  y: View,
  grad: View,
  axis: number,
  log: boolean,
): Handle {
  const ys = contiguousData(y);
  const gs = contiguousData(grad);
  const out = alloc(y.dtype, ys.length);
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
  alloc: ArrayAllocator,

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
  const P = alloc(param.dtype, n);
  const M = alloc(param.dtype, n);
  const V = alloc(param.dtype, n);
  const VM = vm ? alloc(param.dtype, n) : null;
  // Each intermediate and each constant is rounded to the storage dtype, exactly as the
  // op-by-op update (whose scalars become tensors of the parameter's dtype) rounds them, so a
  // fused and an unfused step give identical parameters in float32 and float64. The loop is
  // written once per dtype so that rounding is an inlined Math.fround, not an indirect call.
  const f32 = P instanceof Float32Array;
  const r = (x: number) => (f32 ? Math.fround(x) : x);
  const k = {
    decay: o.weightDecay !== 0,
    decoupled: o.decoupled,
    maximize: o.maximize,
    keep: r(1 - o.lr * o.weightDecay),
    wd: r(o.weightDecay),
    b1: r(o.beta1),
    b2: r(o.beta2),
    c1: r(1 - o.beta1),
    c2: r(1 - o.beta2),
    stepSize: r(o.lr / (1 - o.beta1 ** o.step)),
    bias2: r(Math.sqrt(1 - o.beta2 ** o.step)),
    eps: r(o.eps),
  };
  if (f32) adamLoop32(p, g, m, v, vm, P, M, V, VM, k);
  else adamLoop64(p, g, m, v, vm, P, M, V, VM, k);
  return [handle(P), handle(M), handle(V), VM ? handle(VM) : null];
}

interface AdamConstants {
  decay: boolean;
  decoupled: boolean;
  maximize: boolean;
  keep: number;
  wd: number;
  b1: number;
  b2: number;
  c1: number;
  c2: number;
  stepSize: number;
  bias2: number;
  eps: number;
}

type Arr = ArrayLike<number> & { [i: number]: number };

function adamLoop32(
  p: Arr,
  g: Arr,
  m: Arr,
  v: Arr,
  vm: Arr | null,
  P: Arr,
  M: Arr,
  V: Arr,
  VM: Arr | null,
  k: AdamConstants,
): void {
  const f = Math.fround;
  const n = p.length;
  for (let i = 0; i < n; i++) {
    let gi = k.maximize ? -g[i] : g[i];
    let pi = p[i];
    if (k.decay) {
      if (k.decoupled) pi = f(pi * k.keep);
      else gi = f(gi + f(pi * k.wd));
    }
    const mi = f(f(m[i] * k.b1) + f(gi * k.c1));
    const vi = f(f(v[i] * k.b2) + f(f(gi * gi) * k.c2));
    let vh = vi;
    if (VM !== null && vm !== null) {
      vh = Math.max(vm[i], vi);
      VM[i] = vh;
    }
    const denom = f(f(f(Math.sqrt(vh)) / k.bias2) + k.eps);
    P[i] = f(pi - f(f(mi / denom) * k.stepSize));
    M[i] = mi;
    V[i] = vi;
  }
}

function adamLoop64(
  p: Arr,
  g: Arr,
  m: Arr,
  v: Arr,
  vm: Arr | null,
  P: Arr,
  M: Arr,
  V: Arr,
  VM: Arr | null,
  k: AdamConstants,
): void {
  const n = p.length;
  for (let i = 0; i < n; i++) {
    let gi = k.maximize ? -g[i] : g[i];
    let pi = p[i];
    if (k.decay) {
      if (k.decoupled) pi = pi * k.keep;
      else gi = gi + pi * k.wd;
    }
    const mi = m[i] * k.b1 + gi * k.c1;
    const vi = v[i] * k.b2 + gi * gi * k.c2;
    let vh = vi;
    if (VM !== null && vm !== null) {
      vh = Math.max(vm[i], vi);
      VM[i] = vh;
    }
    const denom = Math.sqrt(vh) / k.bias2 + k.eps;
    P[i] = pi - (mi / denom) * k.stepSize;
    M[i] = mi;
    V[i] = vi;
  }
}
