import { full } from '../creation.js';
import { IndexError } from '../errors.js';
import { where } from '../ops/elementwise.js';
import { gather, scatterAddZeros } from '../ops/indexing.js';
import { logSoftmax } from '../ops/softmax.js';
import type { Tensor } from '../tensor.js';

/**
 * Per-row softmax cross-entropy from primitives (the default `crossEntropy` kernel):
 * lossₙ = −(1−ε)·log pₙ[tₙ] − ε·mean_c log pₙ[c], p = softmax(logits); 0 where tₙ = ignoreIndex.
 */
export function crossEntropyComposite(
  logits: Tensor,
  targets: Tensor,
  ignoreIndex: number,
  smoothing: number,
): Tensor {
  const C = logits.shape[1];
  const logp = logSoftmax(logits, -1);
  const valid = targets.ne(ignoreIndex);
  let picked: Tensor;
  try {
    picked = gather(logp, 1, where(valid, targets, 0).unsqueeze(1)).squeeze(1);
  } catch (err) {
    if (err instanceof IndexError) {
      throw new IndexError(
        `softmaxCrossEntropy: a target is outside [0, ${C}) for ${C} classes and is not ignoreIndex ${ignoreIndex} (${err.message})`,
      );
    }
    throw err;
  }
  let loss = picked.neg();
  if (smoothing > 0) loss = loss.mul(1 - smoothing).sub(logp.mean(-1).mul(smoothing));
  return where(valid, loss, 0);
}

/**
 * dL/dlogits of {@link crossEntropyComposite} for upstream gradient `grad` `[N]`, from primitives
 * (the default `crossEntropyBackward` kernel, and what a recorded backward pass runs):
 * gradₙ·(softmax(logitsₙ) − (1−ε)·onehot(tₙ) − ε/C), zero rows where tₙ = ignoreIndex.
 */
export function crossEntropyBackwardComposite(
  logits: Tensor,
  targets: Tensor,
  grad: Tensor,
  ignoreIndex: number,
  smoothing: number,
): Tensor {
  const [N, C] = logits.shape;
  const valid = targets.ne(ignoreIndex);
  // (1−ε)·onehot(t), scattered into zeros (no C×C identity table to upload)
  const picked = full([N, 1], 1 - smoothing, { dtype: logits.dtype, backend: logits.backend });
  const hot = scatterAddZeros([N, C], 1, where(valid, targets, 0).unsqueeze(1), picked);
  let dlogits = logits.softmax(-1).sub(hot);
  if (smoothing > 0) dlogits = dlogits.sub(smoothing / C);
  return where(valid.unsqueeze(1), dlogits.mul(grad.unsqueeze(1)), 0);
}
