import type { Handle, View } from '../backend.js';
import { IndexError } from '../errors.js';
import type { ArrayAllocator } from './alloc.js';
import { contiguousData, handle } from './storage.js';

/**
 * Throws the cross-entropy kernels' `IndexError` for the first target outside [0, C) that is not
 * `ignoreIndex` (every backend that checks targets on the host raises this one, message for message).
 */
export function assertClassTargets(targets: ArrayLike<number>, C: number, ignoreIndex: number): void {
  for (let n = 0; n < targets.length; n++) {
    const c = targets[n];
    if (c !== ignoreIndex && !(c >= 0 && c < C)) {
      throw new IndexError(
        `softmaxCrossEntropy: target ${c} (row ${n}) is outside [0, ${C}) for ${C} classes and is not ignoreIndex ${ignoreIndex}`,
      );
    }
  }
}

/**
 * The class of each row, -1 where it is `ignoreIndex`. Throws for a class outside [0, C) before any
 * result is allocated (a backend running these kernels over memory it owns leaks nothing).
 */
function classesOf(targets: View, C: number, ignoreIndex: number): Int32Array {
  const t = contiguousData(targets);
  assertClassTargets(t, C, ignoreIndex);
  const out = new Int32Array(t.length);
  for (let n = 0; n < t.length; n++) out[n] = t[n] === ignoreIndex ? -1 : t[n];
  return out;
}

/** log Σ_c e^(x_c) of one row, max-shifted. */
function logSumExp(x: ArrayLike<number>, base: number, C: number): number {
  let m = Number.NEGATIVE_INFINITY;
  for (let c = 0; c < C; c++) if (x[base + c] > m) m = x[base + c];
  if (m === Number.NEGATIVE_INFINITY || m === Number.POSITIVE_INFINITY) return m;
  let s = 0;
  for (let c = 0; c < C; c++) s += Math.exp(x[base + c] - m);
  return m + Math.log(s);
}

/** loss = (1−ε)·(lse − x_t) + ε·(lse − mean_c x_c), lse = log Σ_c e^(x_c); 0 where t = ignoreIndex. */
export function crossEntropy(
  alloc: ArrayAllocator,
  logits: View,
  targets: View,
  ignoreIndex: number,
  smoothing: number,
): Handle {
  const [N, C] = logits.shape;
  const t = classesOf(targets, C, ignoreIndex);
  const x = contiguousData(logits);
  const out = alloc(logits.dtype, N);
  for (let n = 0; n < N; n++) {
    const target = t[n];
    if (target < 0) continue;
    const base = n * C;
    const lse = logSumExp(x, base, C);
    let loss = (1 - smoothing) * (lse - x[base + target]);
    if (smoothing > 0) {
      let sum = 0;
      for (let c = 0; c < C; c++) sum += x[base + c];
      loss += smoothing * (lse - sum / C);
    }
    out[n] = loss;
  }
  return handle(out);
}

/** dL/dx_c = g·(p_c − (1−ε)·[c = t] − ε/C), p = softmax(x); a zero row where t = ignoreIndex. */
export function crossEntropyBackward(
  alloc: ArrayAllocator,

  logits: View,
  targets: View,
  grad: View,
  ignoreIndex: number,
  smoothing: number,
): Handle {
  const [N, C] = logits.shape;
  const t = classesOf(targets, C, ignoreIndex);
  const x = contiguousData(logits);
  const g = contiguousData(grad);
  const out = alloc(logits.dtype, N * C);
  const uniform = smoothing / C;
  const e = new Float64Array(C); // scratch: the row's exponentials, each computed once
  for (let n = 0; n < N; n++) {
    const target = t[n];
    if (target < 0) continue;
    const base = n * C;
    let m = Number.NEGATIVE_INFINITY;
    for (let c = 0; c < C; c++) if (x[base + c] > m) m = x[base + c];
    let s = 0;
    for (let c = 0; c < C; c++) {
      const v = Math.exp(x[base + c] - m);
      e[c] = v;
      s += v;
    }
    const inv = 1 / s;
    const gn = g[n];
    for (let c = 0; c < C; c++) {
      const hot = c === target ? 1 - smoothing : 0;
      out[base + c] = gn * (e[c] * inv - hot - uniform);
    }
  }
  return handle(out);
}
