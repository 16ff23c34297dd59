/** Helpers shared by this package's tests (not exported from the package). */
import '@dendrite/autograd';
import { type DType, type Tensor, tensor } from '@dendrite/tensor';

/** A trainable parameter (a leaf that requires grad) holding `values`. */
export function param(values: number[] | number[][], dtype: DType = 'float64'): Tensor {
  return tensor(values, { dtype }).requiresGrad_();
}

/** Sets a parameter's gradient by hand (as backward() would), in its dtype and shape. */
export function setGrad(p: Tensor, values: number[] | number[][]): void {
  const old = p.grad;
  p.grad = tensor(values.flat(), { dtype: p.dtype, shape: p.shape });
  old?.dispose();
}

/** A tensor's values as a plain flat array. */
export function values(t: Tensor): number[] {
  return Array.from(t.dataSync());
}

/** Rounds to float32 precision (what a float32 tensor stores). */
export const f32 = Math.fround;
