import type { AdamUpdateOptions } from '../backend.js';
import type { Tensor } from '../tensor.js';

/** The new values of one Adam/AdamW step (the inputs are not modified). */
export interface AdamUpdateResult {
  param: Tensor;
  expAvg: Tensor;
  expAvgSq: Tensor;
  maxExpAvgSq: Tensor | null;
}

/**
 * One Adam or AdamW step from primitives: the reference every backend's `adamUpdate` kernel is
 * checked against, and the default kernel of backends without one (PyTorch's update, in order):
 */
export function adamUpdateComposite(
  param: Tensor,
  grad: Tensor,
  expAvg: Tensor,
  expAvgSq: Tensor,
  maxExpAvgSq: Tensor | null,
  o: AdamUpdateOptions,
): AdamUpdateResult {
  let p = param;
  let g = o.maximize ? grad.neg() : grad; // g ← −g when maximizing
  if (o.weightDecay !== 0) {
    if (o.decoupled)
      p = p.mul(1 - o.lr * o.weightDecay); // θ ← θ·(1 − ηλ)  (AdamW)
    else g = g.add(p.mul(o.weightDecay)); // g ← g + λθ  (Adam: L2 in the gradient)
  }
  const m = expAvg.mul(o.beta1).add(g.mul(1 - o.beta1)); // m ← β₁m + (1−β₁)g
  const v = expAvgSq.mul(o.beta2).add(g.square().mul(1 - o.beta2)); // v ← β₂v + (1−β₂)g²
  const vMax = o.amsgrad && maxExpAvgSq ? maxExpAvgSq.maximum(v) : null; // v̂ ← max(v̂, v)
  const stepSize = o.lr / (1 - o.beta1 ** o.step); // η / (1 − β₁ᵗ)
  const denom = (vMax ?? v)
    .sqrt()
    .div(Math.sqrt(1 - o.beta2 ** o.step))
    .add(o.eps); // √v̂ / √(1 − β₂ᵗ) + ε
  const next = p.sub(m.div(denom).mul(stepSize)); // θ ← θ − η/(1 − β₁ᵗ) · m / denom
  return { param: next, expAvg: m, expAvgSq: v, maxExpAvgSq: vMax };
}
