import { ValueError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { where } from './elementwise.js';
import { checkTensor } from './util.js';

/** Options of {@link softplus}, as `torch.nn.functional.softplus`. */
export interface SoftplusOptions {
  /** β, how sharply the curve bends at 0 (default 1): any finite number but 0. */
  beta?: number;
  /** Where β·x > threshold the result is x itself (default 20: there ln(1 + e^(βx)) = βx in float32). */
  threshold?: number;
}

/**
 * Softplus, a smooth ReLU, as `torch.nn.functional.softplus`: y = (1/β)·ln(1 + e^(βx)), and y = x
 * where βx > threshold. Ints and bools compute in float32. A composition of primitives (`mul`,
 * `gt`, `where`, `exp`, `log1p`, `div`), so its gradient σ(βx) comes from theirs; `log1p` keeps
 * the tail accurate where e^(βx) is tiny, and e^(βx) is never taken above the threshold, so it
 * cannot overflow into a NaN gradient.
 *
 * @example softplus(tensor([-1, 0, 30])) // [0.3133, 0.6931, 30]
 */
export function softplus(x: Tensor, options: SoftplusOptions = {}): Tensor {
  checkTensor(x, 'softplus', 'input');
  const beta = options.beta ?? 1;
  const threshold = options.threshold ?? 20;
  if (typeof beta !== 'number' || !Number.isFinite(beta) || beta === 0) {
    throw new ValueError(`softplus: beta must be a finite number other than 0, got ${String(beta)}`);
  }
  if (typeof threshold !== 'number' || Number.isNaN(threshold)) {
    throw new ValueError(`softplus: threshold must be a number, got ${String(threshold)}`);
  }
  const input = x.isFloatingPoint ? x : x.float();
  const bx = input.mul(beta); // βx
  const linear = bx.gt(threshold);
  // y = ln(1 + e^(βx))/β, with βx capped at the threshold where the linear branch is taken anyway
  const smooth = where(linear, threshold, bx).exp().log1p().div(beta);
  return where(linear, input, smooth);
}
