import type { Handle, View } from '../backend.js';
import type { ArrayAllocator } from './alloc.js';
import { contiguousData, handle } from './storage.js';

/**
 * y[i][j] = e^(s·x[i][j] − m) / Σ_{j' ≤ i+Tk−Tq} e^(s·x[i][j'] − m) for j ≤ i + (Tk − Tq), else 0;
 * m = max over the visible keys. One pass per row of `[..., Tq, Tk]`; the masked tail is never read.
 */
export function causalSoftmax(alloc: ArrayAllocator, x: View, scale: number): Handle {
  const data = contiguousData(x);
  const rank = x.shape.length;
  const tq = x.shape[rank - 2];
  const tk = x.shape[rank - 1];
  const out = alloc(x.dtype, data.length); // zeroed: masked entries stay exactly 0
  const rows = tk === 0 ? 0 : data.length / tk;
  const past = tk - tq;
  const e = new Float64Array(tk); // scratch: the row's exponentials, kept in float64
  for (let r = 0; r < rows; r++) {
    const base = r * tk;
    const seen = (r % tq) + past + 1; // keys 0 … i + past
    let m = Number.NEGATIVE_INFINITY;
    for (let j = 0; j < seen; j++) {
      const v = scale * data[base + j];
      if (v > m) m = v;
    }
    if (m === Number.NEGATIVE_INFINITY) m = 0; // every visible score -inf: 0/0 = NaN, as softmax
    let s = 0;
    for (let j = 0; j < seen; j++) {
      const v = Math.exp(scale * data[base + j] - m);
      e[j] = v;
      s += v;
    }
    const inv = 1 / s;
    for (let j = 0; j < seen; j++) out[base + j] = e[j] * inv;
  }
  return handle(out);
}
