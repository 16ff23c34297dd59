import { where } from '../ops/elementwise.js';
import { softmax } from '../ops/softmax.js';
import { triangleMask } from '../ops/triangular.js';
import type { Tensor } from '../tensor.js';

/**
 * Causal softmax from primitives (the default `causalSoftmax` kernel): a lower-triangular mask
 * (query i sees keys j ≤ i + Tk − Tq), −∞ elsewhere, then softmax(scale·x) over the last dim.
 */
export function causalSoftmaxComposite(x: Tensor, scale: number): Tensor {
  const tq = x.shape[x.rank - 2];
  const tk = x.shape[x.rank - 1];
  const visible = triangleMask(x, (d) => d <= tk - tq);
  const scores = scale === 1 ? x : x.mul(scale);
  return softmax(where(visible, scores, Number.NEGATIVE_INFINITY), -1);
}
