import {
  DTypeError,
  fmtShape,
  gather,
  IndexError,
  ShapeError,
  softmaxCrossEntropy,
  type Tensor,
  ValueError,
  where,
} from '@dendrite/tensor';

/** How a loss reduces over elements: 'mean' (default), 'sum', or 'none' (one loss per element). */
export type Reduction = 'mean' | 'sum' | 'none';

function reduce(loss: Tensor, reduction: Reduction, op: string): Tensor {
  switch (reduction) {
    case 'mean':
      return loss.mean();
    case 'sum':
      return loss.sum();
    case 'none':
      return loss;
    default:
      throw new ValueError(
        `${op}: reduction must be 'mean', 'sum' or 'none', got ${JSON.stringify(reduction)}`,
      );
  }
}

/** Options of {@link crossEntropy}. */
export interface CrossEntropyOptions {
  /** Targets equal to this id add no loss and are left out of the mean (default −100, as PyTorch). */
  ignoreIndex?: number;
  /** Mix the one-hot target with a uniform distribution: ε in [0, 1] (default 0). */
  labelSmoothing?: number;
  reduction?: Reduction;
}

/**
 * Cross-entropy of logits `[..., classes]` against int32 class ids `[...]`:
 * loss = −log softmax(logits)[target], averaged over the targets that are not `ignoreIndex`.
 * With label smoothing ε: loss = (1 − ε)·nll + ε·mean over classes of (−log p).
 * Runs as one fused op on `[rows, classes]` (`softmaxCrossEntropy`: max-shifted, so large logits
 * never overflow, and the softmax is never stored) where the backend has the kernel.
 */
export function crossEntropy(logits: Tensor, targets: Tensor, options: CrossEntropyOptions = {}): Tensor {
  const ignoreIndex = options.ignoreIndex ?? -100;
  const smoothing = options.labelSmoothing ?? 0;
  const reduction = options.reduction ?? 'mean';
  if (!(smoothing >= 0 && smoothing <= 1)) {
    throw new ValueError(`crossEntropy: labelSmoothing must be in [0, 1], got ${smoothing}`);
  }
  if (targets.dtype !== 'int32')
    throw new DTypeError(`crossEntropy: targets must be int32 class ids, got ${targets.dtype}`);
  if (!logits.isFloatingPoint)
    throw new DTypeError(`crossEntropy: logits must be float, got ${logits.dtype}`);
  const lead = logits.shape.slice(0, -1);
  if (logits.rank < 1 || targets.rank !== lead.length || targets.shape.some((d, i) => d !== lead[i])) {
    throw new ShapeError(
      `crossEntropy: logits ${fmtShape(logits.shape)} need targets of shape ${fmtShape(lead)}, got ${fmtShape(targets.shape)}`,
    );
  }
  const classes = logits.shape[logits.rank - 1];
  const rows = targets.size;
  let loss: Tensor;
  try {
    // loss_n = −(1−ε)·log p_n[t_n] − ε·mean_c log p_n[c], 0 where t_n = ignoreIndex
    loss = softmaxCrossEntropy(logits.reshape(rows, classes), targets.reshape(rows), {
      ignoreIndex,
      labelSmoothing: smoothing,
    });
  } catch (err) {
    if (err instanceof IndexError) {
      throw new IndexError(
        `crossEntropy: a target is outside [0, ${classes}) and is not ignoreIndex ${ignoreIndex} (${err.message})`,
      );
    }
    throw err;
  }
  if (reduction === 'mean') return loss.sum().div(targets.ne(ignoreIndex).sum());
  return reduce(loss.reshape(lead), reduction, 'crossEntropy');
}

/** Negative log-likelihood of log-probabilities `[..., classes]` at int32 targets (`crossEntropy` without the log-softmax). */
export function nllLoss(
  logProbs: Tensor,
  targets: Tensor,
  options: Omit<CrossEntropyOptions, 'labelSmoothing'> = {},
): Tensor {
  if (targets.dtype !== 'int32')
    throw new DTypeError(`nllLoss: targets must be int32 class ids, got ${targets.dtype}`);
  const ignoreIndex = options.ignoreIndex ?? -100;
  const valid = targets.ne(ignoreIndex);
  const picked = gather(logProbs, -1, where(valid, targets, 0).unsqueeze(-1)).squeeze(-1);
  const loss = where(valid, picked.neg(), 0);
  if ((options.reduction ?? 'mean') === 'mean') return loss.sum().div(valid.sum());
  return reduce(loss, options.reduction ?? 'mean', 'nllLoss');
}

function sameShape(op: string, a: Tensor, b: Tensor): void {
  if (a.rank !== b.rank || a.shape.some((d, i) => d !== b.shape[i])) {
    throw new ShapeError(
      `${op}: input ${fmtShape(a.shape)} and target ${fmtShape(b.shape)} must have the same shape`,
    );
  }
}

/** Mean squared error: mean((input − target)²). */
export function mse(input: Tensor, target: Tensor, options: { reduction?: Reduction } = {}): Tensor {
  sameShape('mse', input, target);
  return reduce(input.sub(target).square(), options.reduction ?? 'mean', 'mse');
}

/**
 * Binary cross-entropy of probabilities in [0, 1]: −(t·log p + (1 − t)·log(1 − p)), each log
 * clamped at −100 as PyTorch does, so p = 0 or 1 gives a finite loss.
 */
export function binaryCrossEntropy(
  probs: Tensor,
  targets: Tensor,
  options: { reduction?: Reduction } = {},
): Tensor {
  sameShape('binaryCrossEntropy', probs, targets);
  const logP = probs.log().clamp(-100, null);
  const log1mP = probs.neg().add(1).log().clamp(-100, null);
  const loss = targets.mul(logP).add(targets.neg().add(1).mul(log1mP)).neg();
  return reduce(loss, options.reduction ?? 'mean', 'binaryCrossEntropy');
}

/**
 * Binary cross-entropy on logits, stable for any magnitude:
 * loss = max(x, 0) − x·t + log(1 + e^(−|x|)).
 */
export function binaryCrossEntropyWithLogits(
  logits: Tensor,
  targets: Tensor,
  options: { reduction?: Reduction } = {},
): Tensor {
  sameShape('binaryCrossEntropyWithLogits', logits, targets);
  const loss = logits.relu().sub(logits.mul(targets)).add(logits.abs().neg().exp().add(1).log());
  return reduce(loss, options.reduction ?? 'mean', 'binaryCrossEntropyWithLogits');
}
