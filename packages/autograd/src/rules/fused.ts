import { isGradEnabled } from '../mode.js';

/**
 * Runs a fused gradient kernel, or its composite while the backward pass is itself being recorded
 * (gradients of gradients): a kernel call is one step, not an op, so nothing of it is recorded,
 * while the composite (`@dendrite/tensor/backend`, the same math) runs as recorded primitives.
 * Every backend has every kernel: there is nothing to probe.
 */
export function fusedOrComposite<T>(kernel: () => T, composite: () => T): T {
  return isGradEnabled() ? composite() : kernel();
}
