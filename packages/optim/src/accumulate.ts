import { noGrad } from '@dendrite/autograd';
import { fmtShape, type Tensor, tidy, ValueError } from '@dendrite/tensor';
import { checkInteger } from './validate.js';

/**
 * Gradient accumulation: one optimizer step from `microBatches` forward/backward passes, for a
 * batch too big to fit at once. `.grad` already adds up across `backward()` calls, so the only
 * rule is to divide each micro-batch's (mean) loss by their number: the summed gradients then
 * equal those of the mean loss over the whole batch.
 *
 * `lossFn(microStep)` runs the forward pass of micro-batch `microStep` (0 … k−1) and returns its
 * loss (one element); this calls `(loss / k).backward()` on it inside a `tidy`, so the micro-batch's
 * activations are freed before the next. Returns the mean loss over the micro-batches as a
 * detached 0-d tensor (no readback); the caller owns it.
 *
 * @example
 * opt.zeroGrad();
 * const loss = accumulateGradients(4, (i) => mse(model(xs[i]), ys[i])); // 4 micro-batches
 * opt.step();
 */
export function accumulateGradients(microBatches: number, lossFn: (microStep: number) => Tensor): Tensor {
  const k = checkInteger('accumulateGradients', 'microBatches', microBatches, 1);
  if (typeof lossFn !== 'function') throw new ValueError('accumulateGradients: lossFn must be a function');
  let total: Tensor | undefined;
  for (let i = 0; i < k; i++) {
    const part = tidy(() => {
      const loss = lossFn(i);
      if (loss.size !== 1) {
        throw new ValueError(
          `accumulateGradients: the loss of micro-batch ${i} must have one element, got shape ${fmtShape(loss.shape)}`,
        );
      }
      const scaled = loss.div(k); // L_i / k: each micro-batch's share of the mean
      scaled.backward(); // .grad += ∂(L_i / k)/∂θ
      return scaled.detach();
    });
    const sum: Tensor = total === undefined ? part : noGrad(() => (total as Tensor).add(part)); // Σᵢ L_i / k
    if (total !== undefined) {
      total.dispose();
      part.dispose();
    }
    total = sum;
  }
  const mean = total as Tensor;
  if (mean.rank === 0) return mean;
  const out = mean.reshape([]); // a [1] loss comes back 0-d, like the others
  mean.dispose();
  return out;
}
