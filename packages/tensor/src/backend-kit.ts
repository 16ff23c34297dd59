/**
 * `@dendrite/tensor/backend` — for backend authors (and the gradient rules): build a backend from
 * primitives and overrides, run the CPU kernels over memory you own, plan strided loops, and the
 * composites (`src/composite/`) that define what every fused kernel computes.
 *
 * @example
 * import { composeBackend, createCpuBackend, primitivesOf } from '@dendrite/tensor/backend';
 * // The CPU primitives with every fused kernel at its default (composed from primitives):
 * const composed = composeBackend({ ...primitivesOf(createCpuBackend()), name: 'cpu-composites' });
 */

export { type AsyncOnlyBackendOptions, createAsyncOnlyBackend } from './async-only.js';
export type {
  AdamUpdateOptions,
  ArgReduceOp,
  Backend,
  BackendPrimitives,
  BinaryOp,
  FusedKernelName,
  FusedKernels,
  Handle,
  ReduceOp,
  UnaryOp,
  View,
} from './backend.js';
export { FUSED_KERNEL_NAMES } from './backend.js';
export { composeBackend, primitivesOf } from './compose.js';
export { type AdamUpdateResult, adamUpdateComposite } from './composite/adam.js';
export { causalSoftmaxComposite } from './composite/causal-softmax.js';
export { crossEntropyBackwardComposite, crossEntropyComposite } from './composite/cross-entropy.js';
export { geluBackwardComposite } from './composite/gelu-backward.js';
export {
  type LayerNormGrads,
  layerNormBackwardComposite,
  layerNormComposite,
} from './composite/layer-norm.js';
export { softmaxBackwardComposite } from './composite/softmax-backward.js';
export { type ArrayAllocator, heapAllocator } from './cpu/alloc.js';
export { assertClassTargets } from './cpu/cross-entropy.js';
export { type CpuBackendOptions, createCpuBackend } from './cpu/index.js';
export { type MatmulPlan, planMatmul } from './cpu/matmul-plan.js';
export { forEachRow } from './cpu/storage.js';
