// Layer normalisation over the last dim C of a [rows, C] float32 matrix, and its gradients.
// Statistics, normalised values and gradient sums in float64 (f64x2 lanes), as the CPU reference computes them;
// each float32 result is rounded once at the end.
import { hi64, join32, lo64, sum64 } from './lanes';

// mean of the C floats at x (float64).
@inline function rowMean(x: usize, C: i32): f64 {
  let acc = f64x2.splat(0);
  let j = 0;
  for (; j + 4 <= C; j += 4) {
    const v = v128.load(x + (<usize>j << 2));
    acc = f64x2.add(acc, f64x2.add(lo64(v), hi64(v)));
  }
  let s = sum64(acc);
  for (; j < C; j++) s += <f64>load<f32>(x + (<usize>j << 2));
  return s / C;
}

// 1/√(var + ε) of the C floats at x, var = mean((x − mean)²) (biased).
@inline function rowRstd(x: usize, C: i32, mean: f64, eps: f64): f64 {
  const mv = f64x2.splat(mean);
  let acc = f64x2.splat(0);
  let j = 0;
  for (; j + 4 <= C; j += 4) {
    const v = v128.load(x + (<usize>j << 2));
    const d0 = f64x2.sub(lo64(v), mv);
    const d1 = f64x2.sub(hi64(v), mv);
    acc = f64x2.add(acc, f64x2.add(f64x2.mul(d0, d0), f64x2.mul(d1, d1)));
  }
  let s = sum64(acc);
  for (; j < C; j++) {
    const d = <f64>load<f32>(x + (<usize>j << 2)) - mean;
    s += d * d;
  }
  return 1 / Math.sqrt(s / C + eps);
}

// y = (x − mean)·rstd·w + b per row, rstd = 1/√(var + ε); w, b: [C] or 0 (absent). out may be x.
export function layerNormF32(x: usize, w: usize, b: usize, out: usize, rows: i32, C: i32, eps: f64): void {
  const stride = <usize>C << 2;
  for (let r = 0; r < rows; r++) {
    const xr = x + <usize>r * stride;
    const or = out + <usize>r * stride;
    const mean = rowMean(xr, C);
    const rstd = rowRstd(xr, C, mean, eps);
    const mv = f64x2.splat(mean);
    const rv = f64x2.splat(rstd);
    let j = 0;
    for (; j + 4 <= C; j += 4) {
      const o = <usize>j << 2;
      const v = v128.load(xr + o);
      let y0 = f64x2.mul(f64x2.sub(lo64(v), mv), rv);
      let y1 = f64x2.mul(f64x2.sub(hi64(v), mv), rv);
      if (w) {
        const wv = v128.load(w + o);
        y0 = f64x2.mul(y0, lo64(wv));
        y1 = f64x2.mul(y1, hi64(wv));
      }
      if (b) {
        const bv = v128.load(b + o);
        y0 = f64x2.add(y0, lo64(bv));
        y1 = f64x2.add(y1, hi64(bv));
      }
      v128.store(or + o, join32(y0, y1));
    }
    for (; j < C; j++) {
      const o = <usize>j << 2;
      let y = (<f64>load<f32>(xr + o) - mean) * rstd;
      if (w) y *= <f64>load<f32>(w + o);
      if (b) y += <f64>load<f32>(b + o);
      store<f32>(or + o, <f32>y);
    }
  }
}

// x̂ = (x − mean)·rstd, ĝ = g·w (g when w = 0): dx = rstd·(ĝ − mean(ĝ) − x̂·mean(ĝ·x̂)) per row; each
// row's mean and rstd are written to stats (two float64 per row, 8-aligned) unless it is 0, for
// layerNormGradSumsF32. dx may be g.
export function layerNormBackwardF32(
  x: usize, w: usize, g: usize, dx: usize, rows: i32, C: i32, eps: f64, stats: usize,
): void {
  const stride = <usize>C << 2;
  for (let r = 0; r < rows; r++) {
    const xr = x + <usize>r * stride;
    const gr = g + <usize>r * stride;
    const mean = rowMean(xr, C);
    const rstd = rowRstd(xr, C, mean, eps);
    if (stats) {
      store<f64>(stats + (<usize>r << 4), mean);
      store<f64>(stats + (<usize>r << 4), rstd, 8);
    }
    const mv = f64x2.splat(mean);
    const rv = f64x2.splat(rstd);
    // pass 1: Σ ĝ and Σ ĝ·x̂ along the row
    let accG = f64x2.splat(0);
    let accGX = f64x2.splat(0);
    let j = 0;
    for (; j + 4 <= C; j += 4) {
      const o = <usize>j << 2;
      const xv = v128.load(xr + o);
      const gv = v128.load(gr + o);
      const xh0 = f64x2.mul(f64x2.sub(lo64(xv), mv), rv);
      const xh1 = f64x2.mul(f64x2.sub(hi64(xv), mv), rv);
      let gh0 = lo64(gv);
      let gh1 = hi64(gv);
      if (w) {
        const wv = v128.load(w + o);
        gh0 = f64x2.mul(gh0, lo64(wv));
        gh1 = f64x2.mul(gh1, hi64(wv));
      }
      accG = f64x2.add(accG, f64x2.add(gh0, gh1));
      accGX = f64x2.add(accGX, f64x2.add(f64x2.mul(gh0, xh0), f64x2.mul(gh1, xh1)));
    }
    let sumG = sum64(accG);
    let sumGX = sum64(accGX);
    for (; j < C; j++) {
      const o = <usize>j << 2;
      const xh = (<f64>load<f32>(xr + o) - mean) * rstd;
      const gj = <f64>load<f32>(gr + o);
      const gh = w ? gj * <f64>load<f32>(w + o) : gj;
      sumG += gh;
      sumGX += gh * xh;
    }
    const a = sumG / C;
    const c = sumGX / C;
    const av = f64x2.splat(a);
    const cv = f64x2.splat(c);
    // pass 2: dx = rstd·(ĝ − a − x̂·c)
    const dr = dx + <usize>r * stride;
    j = 0;
    for (; j + 4 <= C; j += 4) {
      const o = <usize>j << 2;
      const xv = v128.load(xr + o);
      const gv = v128.load(gr + o);
      const xh0 = f64x2.mul(f64x2.sub(lo64(xv), mv), rv);
      const xh1 = f64x2.mul(f64x2.sub(hi64(xv), mv), rv);
      let gh0 = lo64(gv);
      let gh1 = hi64(gv);
      if (w) {
        const wv = v128.load(w + o);
        gh0 = f64x2.mul(gh0, lo64(wv));
        gh1 = f64x2.mul(gh1, hi64(wv));
      }
      const d0 = f64x2.mul(rv, f64x2.sub(f64x2.sub(gh0, av), f64x2.mul(xh0, cv)));
      const d1 = f64x2.mul(rv, f64x2.sub(f64x2.sub(gh1, av), f64x2.mul(xh1, cv)));
      v128.store(dr + o, join32(d0, d1));
    }
    for (; j < C; j++) {
      const o = <usize>j << 2;
      const xh = (<f64>load<f32>(xr + o) - mean) * rstd;
      const gj = <f64>load<f32>(gr + o);
      const gh = w ? gj * <f64>load<f32>(w + o) : gj;
      store<f32>(dr + o, <f32>(rstd * (gh - a - xh * c)));
    }
  }
}

// The weight and bias gradients of layer norm over columns [0, cols) at x and g (each already
// offset to the first of them; rows of C floats): dw = Σ_rows g·x̂, db = Σ_rows g in float64, rows
// in order, x̂ from the per-row mean and rstd layerNormBackwardF32 wrote to stats. The threads split
// the columns, so every column is summed as one thread would. dw/db: 0 when not wanted; g must
// still hold the gradient (dx not written over it).
export function layerNormGradSumsF32(
  x: usize, g: usize, stats: usize, dw: usize, db: usize, rows: i32, C: i32, cols: i32,
): void {
  const stride = <usize>C << 2;
  let j = 0;
  for (; j + 4 <= cols; j += 4) {
    const o = <usize>j << 2;
    let sw0 = f64x2.splat(0);
    let sw1 = f64x2.splat(0);
    let sb0 = f64x2.splat(0);
    let sb1 = f64x2.splat(0);
    for (let r = 0; r < rows; r++) {
      const mv = v128.load64_splat(stats + (<usize>r << 4));
      const rv = v128.load64_splat(stats + (<usize>r << 4), 8);
      const xv = v128.load(x + <usize>r * stride + o);
      const gv = v128.load(g + <usize>r * stride + o);
      const g0 = lo64(gv);
      const g1 = hi64(gv);
      sw0 = f64x2.add(sw0, f64x2.mul(g0, f64x2.mul(f64x2.sub(lo64(xv), mv), rv)));
      sw1 = f64x2.add(sw1, f64x2.mul(g1, f64x2.mul(f64x2.sub(hi64(xv), mv), rv)));
      sb0 = f64x2.add(sb0, g0);
      sb1 = f64x2.add(sb1, g1);
    }
    if (dw) v128.store(dw + o, join32(sw0, sw1));
    if (db) v128.store(db + o, join32(sb0, sb1));
  }
  for (; j < cols; j++) {
    const o = <usize>j << 2;
    let sw: f64 = 0;
    let sb: f64 = 0;
    for (let r = 0; r < rows; r++) {
      const xh = (<f64>load<f32>(x + <usize>r * stride + o) - load<f64>(stats + (<usize>r << 4))) * load<f64>(stats + (<usize>r << 4), 8);
      const gj = <f64>load<f32>(g + <usize>r * stride + o);
      sw += gj * xh;
      sb += gj;
    }
    if (dw) store<f32>(dw + o, <f32>sw);
    if (db) store<f32>(db + o, <f32>sb);
  }
}
