// This backend indexes in float32, exact up to 2²⁴ elements per tensor (the README's Limits);
// past that, results would be wrong (an add over 25,165,824 elements on lavapipe returned 1 for its
// last element), so the backend refuses such a tensor. A GPT batch whose activations would pass it — shakespeare_char at batch 64:
// its attention scores [64, 6, 256, 256] and MLP hidden layer [64, 256, 1536] have 25.2 M elements
// — runs as k micro-batches with their gradients accumulated: the same update as the whole batch.

import { MAX_TENSOR_ELEMENTS } from '../src/handle.js';

/** The most elements one tensor of this backend may have (the backend refuses more). */
export const MAX_ELEMENTS = MAX_TENSOR_ELEMENTS;

/**
 * The fewest micro-batches k (a divisor of `batch`) whose activations stay within
 * {@link MAX_ELEMENTS}: per sequence the largest of the attention scores (heads·T²), the MLP's
 * hidden layer (4·width·T) and the logits (vocabulary·T).
 */
export function microBatches(
  config: { blockSize: number; nHead: number; nEmbd: number; vocabSize: number },
  batch: number,
): number {
  if (!Number.isInteger(batch) || batch < 1)
    throw new RangeError(`microBatches: batch must be a positive integer, got ${batch}`);
  const T = config.blockSize;
  const perSequence = Math.max(config.nHead * T * T, 4 * config.nEmbd * T, config.vocabSize * T);
  if (perSequence > MAX_ELEMENTS) {
    throw new RangeError(
      `microBatches: one sequence needs ${perSequence} elements in a tensor, over ${MAX_ELEMENTS}`,
    );
  }
  let k = Math.ceil((batch * perSequence) / MAX_ELEMENTS);
  while (batch % k !== 0) k++;
  return k;
}
