import type { Handle, View } from '../backend.js';
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
