import type { Handle, View } from '../backend.js';
import type { ArrayAllocator } from './alloc.js';
import { contiguousData, handle } from './storage.js';

/** Mean and 1/√(var + ε) of one row (two passes: the variance of centred values). */
function rowStats(x: ArrayLike<number>, base: number, C: number, eps: number): [number, number] {
  let s = 0;
  for (let j = 0; j < C; j++) s += x[base + j];
  const mean = s / C;
  let v = 0;
  for (let j = 0; j < C; j++) {
    const d = x[base + j] - mean;
    v += d * d;
  }
  return [mean, 1 / Math.sqrt(v / C + eps)];
}

/** y = (x − mean)·rstd·w + b, row by row. */
export function layerNorm(
  alloc: ArrayAllocator,
  x: View,
  weight: View | null,
  bias: View | null,
  eps: number,
): Handle {
  const data = contiguousData(x);
  const C = x.shape[x.shape.length - 1];
  const rows = C === 0 ? 0 : data.length / C;
  const out = alloc(x.dtype, data.length);
  const w = weight ? contiguousData(weight) : null;
  const b = bias ? contiguousData(bias) : null;
  for (let r = 0; r < rows; r++) {
    const base = r * C;
    const [mean, rstd] = rowStats(data, base, C, eps);
    for (let j = 0; j < C; j++) {
      let y = (data[base + j] - mean) * rstd;
      if (w) y *= w[j];
      if (b) y += b[j];
      out[base + j] = y;
    }
  }
  return handle(out);
}

/**
 * x̂ = (x − mean)·rstd, ĝ = g·w:  dx = rstd·(ĝ − mean(ĝ) − x̂·mean(ĝ·x̂)),  dw = Σ_rows g·x̂,  db = Σ_rows g.
 */
export function layerNormBackward(
  alloc: ArrayAllocator,

  x: View,
  weight: View | null,
  grad: View,
  eps: number,
  withBias: boolean,
): [Handle, Handle | null, Handle | null] {
  const data = contiguousData(x);
  const g = contiguousData(grad);
  const C = x.shape[x.shape.length - 1];
  const rows = C === 0 ? 0 : data.length / C;
  const w = weight ? contiguousData(weight) : null;
  const dx = alloc(x.dtype, data.length);
  const dw = w ? new Float64Array(C) : null;
  const db = withBias ? new Float64Array(C) : null;
  const xhat = new Float64Array(C);
  for (let r = 0; r < rows; r++) {
    const base = r * C;
    const [mean, rstd] = rowStats(data, base, C, eps);
    let sumG = 0;
    let sumGX = 0;
    for (let j = 0; j < C; j++) {
      const xh = (data[base + j] - mean) * rstd;
      xhat[j] = xh;
      const gj = g[base + j];
      const gh = w ? gj * w[j] : gj;
      sumG += gh;
      sumGX += gh * xh;
      if (dw) dw[j] += gj * xh;
      if (db) db[j] += gj;
    }
    const a = sumG / C;
    const c = sumGX / C;
    for (let j = 0; j < C; j++) {
      const gh = w ? g[base + j] * w[j] : g[base + j];
      dx[base + j] = rstd * (gh - a - xhat[j] * c);
    }
  }
  const cast = (acc: Float64Array | null) => {
    if (!acc) return null;
    const out = alloc(x.dtype, C);
    out.set(acc);
    return handle(out);
  };
  return [handle(dx), cast(dw), cast(db)];
}
