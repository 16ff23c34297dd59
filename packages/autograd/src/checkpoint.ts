import type { Tensor } from '@dendrite/tensor';
import { ensureMeta } from './meta.js';
import { enableGrad, isGradEnabled, noGrad } from './mode.js';
import { Node } from './node.js';
import { edgeOf } from './record.js';
import type { GradRule } from './rules/registry.js';

/**
 * Activation checkpointing (PyTorch's `torch.utils.checkpoint`): runs `fn` without keeping its
 * intermediate tensors, and runs it again during backward to get its gradients. Trades compute
 * for memory. `fn` must compute the same thing both times (no fresh randomness inside).
 */
export function checkpoint(fn: (...inputs: Tensor[]) => Tensor, ...inputs: Tensor[]): Tensor {
  if (!isGradEnabled()) return fn(...inputs);
  const output = noGrad(() => fn(...inputs));
  const rule: GradRule = {
    save: (e) => [...e.inputs],
    backward: (g, ctx) => {
      const xs = ctx.saved.map((x, i) => (ctx.needs[i] ? x.detach().requiresGrad_(true) : x.detach()));
      const y = enableGrad(() => fn(...xs));
      if (y.requiresGrad) y.backward(g);
      return xs.map((x, i) => (ctx.needs[i] ? (x.grad ?? x.mul(0)) : null));
    },
  };
  // A function of parameters alone still needs a node: its recompute reaches them.
  const meta = ensureMeta(output);
  const node = Node.fromEvent({ op: 'checkpoint', inputs, output, attrs: {} }, rule, inputs.map(edgeOf));
  meta.requiresGrad = true;
  meta.gradFn = node;
  return output;
}
