import { type FusedKernel, hasFusedKernel, type Tensor } from '@dendrite/tensor';
import { isGradEnabled } from '../mode.js';

/**
 * Whether a rule may call a backend's fused gradient kernel: the backend has it, and the
 * backward pass is not itself being recorded (a kernel call is not an op, so gradients of
 * gradients must go through primitives).
 */
export function fusedOk(t: Tensor, kernel: FusedKernel): boolean {
  return !isGradEnabled() && hasFusedKernel(t.backend, kernel);
}
