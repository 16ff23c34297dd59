import { emitOp, registerOp } from '../dispatch.js';
import { DTypeError, ShapeError, ValueError } from '../errors.js';
import { checkInt, fmtShape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { checkTensor, commonBackend, wrap } from './util.js';

const OP = 'softmaxCrossEntropy';

const SOFTMAX_CROSS_ENTROPY = registerOp(
  OP,
  'reduce',
  'lossₙ = −(1−ε)·log pₙ[tₙ] − ε·mean_c log pₙ[c], pₙ = softmax(logitsₙ); 0 where tₙ = ignoreIndex',
);

/** Options of {@link softmaxCrossEntropy} (PyTorch's `cross_entropy` names and defaults). */
export interface SoftmaxCrossEntropyOptions {
  /** Rows whose target equals this id get loss 0 and gradient 0 (default −100, as PyTorch). */
  ignoreIndex?: number;
  /** ε in [0, 1]: the target distribution is (1−ε)·one-hot + ε/C (default 0). */
  labelSmoothing?: number;
}

function check(logits: Tensor, targets: Tensor, ignoreIndex: number, smoothing: number): void {
  checkTensor(logits, OP, 'logits');
  checkTensor(targets, OP, 'targets');
  commonBackend(OP, [logits, targets]);
  if (!logits.isFloatingPoint)
    throw new DTypeError(`${OP}: logits must be float32 or float64, got ${logits.dtype}`);
  if (targets.dtype !== 'int32')
    throw new DTypeError(`${OP}: targets must be int32 class ids, got ${targets.dtype}`);
  if (logits.rank !== 2 || targets.rank !== 1 || targets.shape[0] !== logits.shape[0]) {
    throw new ShapeError(
      `${OP}: logits must be [N, C] and targets [N], got logits ${fmtShape(logits.shape)} and targets ${fmtShape(targets.shape)}`,
    );
  }
  checkInt(ignoreIndex, 'ignoreIndex', OP);
  if (typeof smoothing !== 'number' || !(smoothing >= 0 && smoothing <= 1)) {
    throw new ValueError(`${OP}: labelSmoothing must be in [0, 1], got ${smoothing}`);
  }
}

/**
 * Cross-entropy of each row of `logits` `[N, C]` against int32 class ids `targets` `[N]`, from
 * the logits in one pass (the softmax is never stored): lossₙ = −(1−ε)·log pₙ[tₙ] − ε·mean_c log pₙ[c],
 * p = softmax(logits), ε = `labelSmoothing`. Rows whose target is `ignoreIndex` get 0. Returns the
 * per-row losses `[N]` (reduce them yourself, or use `crossEntropy` of `@dendrite/nn`). Throws
 * `IndexError` for a target outside [0, C) that is not `ignoreIndex`. One kernel and one gradient
 * kernel (a backend's own, or the defaults from log-softmax and gather in `composite/cross-entropy.ts`).
 */
export function softmaxCrossEntropy(
  logits: Tensor,
  targets: Tensor,
  options: SoftmaxCrossEntropyOptions = {},
): Tensor {
  const ignoreIndex = options.ignoreIndex ?? -100;
  const smoothing = options.labelSmoothing ?? 0;
  check(logits, targets, ignoreIndex, smoothing);
  const b = logits.backend;
  const handle = b.crossEntropy(logits.backendView(OP), targets.backendView(OP), ignoreIndex, smoothing);
  const out = wrap(b, handle, [logits.shape[0]], logits.dtype);
  return emitOp(SOFTMAX_CROSS_ENTROPY, [logits, targets], out, { ignoreIndex, labelSmoothing: smoothing });
}

/**
 * The fused gradient kernel of {@link softmaxCrossEntropy} (not an op: it is not recorded):
 * dL/dlogits = grad·(p − (1−ε)·onehot(t) − ε/C) for upstream gradient `grad` `[N]`, zero rows
 * where the target is `ignoreIndex`.
 */
export function crossEntropyBackward(
  logits: Tensor,
  targets: Tensor,
  grad: Tensor,
  options: SoftmaxCrossEntropyOptions = {},
): Tensor {
  const b = logits.backend;
  const ignoreIndex = options.ignoreIndex ?? -100;
  const smoothing = options.labelSmoothing ?? 0;
  check(logits, targets, ignoreIndex, smoothing);
  checkTensor(grad, 'crossEntropyBackward', 'grad');
  commonBackend('crossEntropyBackward', [logits, grad]);
  if (grad.rank !== 1 || grad.shape[0] !== logits.shape[0]) {
    throw new ShapeError(
      `crossEntropyBackward: grad must be [${logits.shape[0]}] for logits ${fmtShape(logits.shape)}, got ${fmtShape(grad.shape)}`,
    );
  }
  const g = grad.dtype === logits.dtype ? grad : grad.to(logits.dtype);
  const handle = b.crossEntropyBackward(
    logits.backendView('crossEntropyBackward'),
    targets.backendView('crossEntropyBackward'),
    g.backendView('crossEntropyBackward'),
    ignoreIndex,
    smoothing,
  );
  return wrap(b, handle, logits.shape, logits.dtype);
}
