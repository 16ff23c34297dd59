import type { Tensor } from '../tensor.js';

/**
 * dL/dx of softmax or log-softmax along `axis` from the op's output `y` and upstream gradient
 * `grad`, from primitives (the default `softmaxBackward` kernel, and what a recorded backward runs):
 * softmax: y ⊙ (g − Σⱼ gⱼ·yⱼ);  log-softmax: g − eʸ·Σⱼ gⱼ
 */
export function softmaxBackwardComposite(y: Tensor, grad: Tensor, axis: number, log: boolean): Tensor {
  if (log) return grad.sub(y.exp().mul(grad.sum(axis, true)));
  return y.mul(grad.sub(grad.mul(y).sum(axis, true)));
}
