import { Tensor, ValueError } from '@dendrite/tensor';
import { checkInteger, checkNumber } from './validate.js';

/** A parameter group carrying its own weight decay, as {@link decayGroups} makes. */
export interface DecayGroup {
  params: Tensor[];
  weightDecay: number;
}

/**
 * nanoGPT's parameter split in one line: weights with at least `minDims` dimensions (matrices,
 * embeddings; default 2) get `weightDecay`, the rest (biases, LayerNorm gains) get 0. Both
 * groups are always returned (possibly empty) so the state-dict layout does not depend on the model.
 *
 * @example
 * const opt = new AdamW(decayGroups(model.parameters(), 0.1), { lr: 6e-4, betas: [0.9, 0.95] });
 */
export function decayGroups(
  params: Iterable<Tensor>,
  weightDecay: number,
  { minDims = 2 }: { minDims?: number } = {},
): [DecayGroup, DecayGroup] {
  checkNumber('decayGroups', 'weightDecay', weightDecay);
  checkInteger('decayGroups', 'minDims', minDims, 0);
  const decay: Tensor[] = [];
  const noDecay: Tensor[] = [];
  for (const p of params) {
    if (!(p instanceof Tensor)) throw new ValueError('decayGroups: params must be Tensors');
    (p.rank >= minDims ? decay : noDecay).push(p);
  }
  return [
    { params: decay, weightDecay },
    { params: noDecay, weightDecay: 0 },
  ];
}
