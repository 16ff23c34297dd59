import type { Handle, View } from '@dendrite/tensor';
import { assertClassTargets } from '@dendrite/tensor/backend';
import { asHandle, handOutHost, launch, type OpContext } from '../context.js';
import { hostValues } from '../host-values.js';
import { crossEntropyBackwardKernel, crossEntropyKernel } from '../kernels/cross-entropy.js';
import { softmaxStatsKernel } from '../kernels/reduce.js';

/**
 * Softmax cross-entropy and its gradient, this backend's own kernels (overrides of the defaults
 * composed from primitives): 1 launch forward, 2 backward (the row statistics of softmax, then
 * the gradient). Targets the host knows are checked first, with the CPU backend's `IndexError`;
 * a target computed on the device and out of range makes its row NaN.
 */

/** Raises the CPU backend's IndexError for a host-known target outside [0, C) that is not ignoreIndex. */
function checkTargets(targets: View, C: number, ignoreIndex: number): void {
  const t = hostValues(targets);
  if (t !== null) assertClassTargets(t, C, ignoreIndex);
}

/** The logits' and the targets' geometry, as the kernels' first scalars. */
function geometry(logits: View, targets: View): number[] {
  return [
    logits.offset,
    logits.strides[0],
    logits.strides[1],
    logits.shape[1],
    targets.offset,
    targets.strides[0],
  ];
}

/** lossₙ = −(1−ε)·log pₙ[tₙ] − ε·mean_c log pₙ[c], p = softmax(logitsₙ); 0 where tₙ = ignoreIndex. */
export function crossEntropy(
  ctx: OpContext,
  logits: View,
  targets: View,
  ignoreIndex: number,
  smoothing: number,
): Handle {
  const [N, C] = logits.shape;
  checkTargets(targets, C, ignoreIndex);
  if (N === 0) return handOutHost(ctx, new Float32Array(0));
  return launch(
    ctx,
    crossEntropyKernel(),
    [asHandle(logits.handle), asHandle(targets.handle)],
    [...geometry(logits, targets), ignoreIndex, smoothing, Number.POSITIVE_INFINITY, Number.NaN],
    N,
  );
}

/** dL/dlogits = gradₙ·(softmax(logitsₙ) − (1−ε)·onehot(tₙ) − ε/C), zero rows where tₙ = ignoreIndex. */
export function crossEntropyBackward(
  ctx: OpContext,
  logits: View,
  targets: View,
  grad: View,
  ignoreIndex: number,
  smoothing: number,
): Handle {
  const [N, C] = logits.shape;
  checkTargets(targets, C, ignoreIndex);
  if (N * C === 0) return handOutHost(ctx, new Float32Array(0));
  const xh = asHandle(logits.handle);
  const stats = ctx.runner.run(
    softmaxStatsKernel(1),
    [xh],
    [logits.offset, logits.strides[0], N, logits.strides[1], C, Number.POSITIVE_INFINITY],
    2 * N,
  );
  const out = launch(
    ctx,
    crossEntropyBackwardKernel(),
    [xh, asHandle(targets.handle), asHandle(grad.handle), stats],
    [...geometry(logits, targets), grad.offset, grad.strides[0], ignoreIndex, smoothing, Number.NaN],
    N * C,
  );
  ctx.runner.release(stats);
  return out;
}
