// Softmax and log-softmax over the rows of a [rows, n] float32 matrix, and their gradients.
// Exponentials in float32 (math.ts), sums in float64; log-softmax's subtraction in float64 like the CPU reference.
import { exp4, expHiLo } from './math';
import { hi64, join32, lanesBelow, lo64, loadPartial, max32, storePartial, sum64 } from './lanes';

// s·x for the 4 keys at p, of which k are visible: −∞ in the lanes past k (they add e^−∞ = 0 to a sum).
@inline function scores(p: usize, k: i32, s: v128): v128 {
  if (k >= 4) return f32x4.mul(v128.load(p), s);
  return v128.bitselect(f32x4.mul(loadPartial(p, k), s), f32x4.splat(-Infinity), lanesBelow(k));
}

// Stores min(k, 4) lanes of v at p.
@inline function put(p: usize, v: v128, k: i32): void {
  if (k >= 4) v128.store(p, v);
  else storePartial(p, v, k);
}

// e^(a − b), the difference carried exactly as hi + lo (Knuth's TwoSum) into exp; lo is 0 where it is not finite
// (an infinite a, b or a − b, where hi alone decides).
@inline function expDiff(a: v128, b: v128): v128 {
  const hi = f32x4.sub(a, b);
  const av = f32x4.add(hi, b); // the part of hi that came from a
  const lo = f32x4.add(f32x4.sub(a, av), f32x4.sub(f32x4.sub(av, hi), b));
  return expHiLo(hi, v128.and(lo, f32x4.lt(f32x4.abs(lo), f32x4.splat(Infinity))));
}

// One row: the first `seen` keys get softmax(s·x) (or log-softmax), keys seen..n−1 get 0 (log: −∞).
@inline function softmaxRow(x: usize, out: usize, seen: i32, n: i32, scale: f32, log: bool): void {
  const s = f32x4.splat(scale);
  let mv = f32x4.splat(-Infinity);
  for (let j = 0; j < seen; j += 4) mv = f32x4.pmax(mv, scores(x + (<usize>j << 2), seen - j, s));
  let m = max32(mv); // pmax skips NaN, as the reference's max does; a NaN still makes the sum, so the row, NaN
  if (m == -Infinity) m = 0; // a row of −∞: e^−∞ = 0 everywhere, as the reference
  const mm = f32x4.splat(m);
  let acc0 = f64x2.splat(0);
  let acc1 = f64x2.splat(0);
  for (let j = 0; j < seen; j += 4) {
    const e = expDiff(scores(x + (<usize>j << 2), seen - j, s), mm); // e^(s·x − m)
    acc0 = f64x2.add(acc0, lo64(e));
    acc1 = f64x2.add(acc1, hi64(e));
    if (!log) put(out + (<usize>j << 2), e, seen - j);
  }
  const sum = sum64(f64x2.add(acc0, acc1));
  if (log) {
    const lse = f64x2.splat(<f64>m + Math.log(sum)); // log Σ e^(s·x)
    for (let j = 0; j < seen; j += 4) {
      const v = scores(x + (<usize>j << 2), seen - j, s);
      put(out + (<usize>j << 2), join32(f64x2.sub(lo64(v), lse), f64x2.sub(hi64(v), lse)), seen - j);
    }
  } else {
    const inv = f32x4.splat(<f32>(1 / sum));
    for (let j = 0; j < seen; j += 4) {
      const p = out + (<usize>j << 2);
      put(p, f32x4.mul(seen - j >= 4 ? v128.load(p) : loadPartial(p, seen - j), inv), seen - j);
    }
  }
  const masked: f32 = log ? -Infinity : 0;
  for (let j = seen; j < n; j++) store<f32>(out + (<usize>j << 2), masked);
}

// y = softmax(scale·x) per row of n (log = 1: scale·x − log Σ e^(scale·x)), max-shifted; causalTq > 0: rows come in
// blocks of causalTq queries and query i = r mod causalTq sees keys j ≤ i + n − causalTq only (needs n ≥ causalTq),
// the others get exactly 0 (log: −∞) and enter neither the max nor the sum. out may be x.
export function softmaxRowsF32(x: usize, out: usize, rows: i32, n: i32, scale: f32, causalTq: i32, log: i32): void {
  const stride = <usize>n << 2;
  for (let r = 0; r < rows; r++) {
    const seen = causalTq > 0 ? max(0, min(n, r % causalTq + n - causalTq + 1)) : n;
    softmaxRow(x + <usize>r * stride, out + <usize>r * stride, seen, n, scale, log != 0);
  }
}

// Σ over a row of n of g·y (log: of g), in float64 (each float32 product is exact in float64).
@inline function rowDot(y: usize, g: usize, n: i32, log: bool): f64 {
  let acc0 = f64x2.splat(0);
  let acc1 = f64x2.splat(0);
  for (let j = 0; j < n; j += 4) {
    const o = <usize>j << 2;
    const gv = n - j >= 4 ? v128.load(g + o) : loadPartial(g + o, n - j);
    if (log) {
      acc0 = f64x2.add(acc0, lo64(gv));
      acc1 = f64x2.add(acc1, hi64(gv));
    } else {
      const yv = n - j >= 4 ? v128.load(y + o) : loadPartial(y + o, n - j);
      acc0 = f64x2.add(acc0, f64x2.mul(lo64(gv), lo64(yv)));
      acc1 = f64x2.add(acc1, f64x2.mul(hi64(gv), hi64(yv)));
    }
  }
  return sum64(f64x2.add(acc0, acc1));
}

// softmax: dx = y·(g − Σ g·y);  log-softmax: dx = g − eʸ·Σ g  (per row of n; the sum and the update in float64). out may be y or g.
export function softmaxBackwardRowsF32(y: usize, g: usize, out: usize, rows: i32, n: i32, log: i32): void {
  const stride = <usize>n << 2;
  for (let r = 0; r < rows; r++) {
    const yr = y + <usize>r * stride;
    const gr = g + <usize>r * stride;
    const or = out + <usize>r * stride;
    const sv = f64x2.splat(rowDot(yr, gr, n, log != 0));
    for (let j = 0; j < n; j += 4) {
      const o = <usize>j << 2;
      const k = n - j;
      const yv = k >= 4 ? v128.load(yr + o) : loadPartial(yr + o, k);
      const gv = k >= 4 ? v128.load(gr + o) : loadPartial(gr + o, k);
      let lo: v128, hi: v128;
      if (log) {
        const e = exp4(yv);
        lo = f64x2.sub(lo64(gv), f64x2.mul(lo64(e), sv));
        hi = f64x2.sub(hi64(gv), f64x2.mul(hi64(e), sv));
      } else {
        lo = f64x2.mul(lo64(yv), f64x2.sub(lo64(gv), sv));
        hi = f64x2.mul(hi64(yv), f64x2.sub(hi64(gv), sv));
      }
      put(or + o, join32(lo, hi), k);
    }
  }
}
