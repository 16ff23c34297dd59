import { type Backend, cpuBackend, type Handle, type View } from '@dendrite/tensor';
import { wasmMatmul } from './matmul.js';
import { kernels } from './runtime.js';

/** Below this many multiply-adds a product stays on the plain CPU kernel (copying costs more). */
const MIN_MACS = 4096;

/**
 * The CPU backend with WebAssembly SIMD kernels where they pay: float32 matrix products (the hot
 * spot of training) run in 4×8 f32x4 register tiles; every other op, and float64/int32 products,
 * run on the CPU reference kernels. Storage is the CPU backend's (typed arrays), so tensors move
 * between the two without copies and every CPU kernel applies unchanged.
 */
export const wasmBackend: Backend = {
  ...cpuBackend,
  name: 'wasm',
  matmul(a: View, b: View): Handle {
    const k = a.dtype === 'float32' ? kernels() : null;
    const r = a.shape.length;
    const macs = a.shape[r - 2] * a.shape[r - 1] * b.shape[r - 1];
    if (!k || macs < MIN_MACS) return cpuBackend.matmul(a, b);
    return wasmMatmul(k, a, b);
  },
};
