/**
 * @dendrite/autograd — reverse-mode automatic differentiation for @dendrite/tensor.
 *
 * Importing this package installs the tensor core's op hook and adds `requiresGrad`, `grad`,
 * `backward()`, `detach()` … to every Tensor. Gradient rules live in `rules/`, one per op.
 */
import './tensor-api.js';
import { installHook } from './record.js';

installHook();

export { type BackwardOptions, backward } from './backward.js';
export { checkpoint } from './checkpoint.js';
export { AutogradError } from './errors.js';
export { type GradOptions, grad, valueAndGrad } from './functional.js';
export { type GradcheckOptions, type GradcheckResult, type GradcheckWorst, gradcheck } from './gradcheck.js';
export {
  type ExportOptions,
  exportGraph,
  type GraphEdge,
  type GraphJSON,
  type GraphNode,
  setGraphName,
  toDot,
} from './graph.js';
export { enableGrad, isGradEnabled, noGrad, setGradEnabled } from './mode.js';
export { Node, type TensorMeta } from './node.js';
export {
  defineGrad,
  type GradContext,
  type GradRule,
  gradRule,
  isDifferentiable,
  markNotDifferentiable,
  notDifferentiableReason,
  type PlacedGrad,
  sumToShape,
} from './rules/index.js';

/** Sets `.grad` of every given tensor to null (PyTorch's `zero_grad(set_to_none=True)`). */
export function zeroGrad(tensors: Iterable<import('@dendrite/tensor').Tensor>): void {
  for (const t of tensors) {
    const g = t.grad;
    t.grad = null;
    g?.dispose();
  }
}
