import {
  type ArrayAllocator,
  type Backend,
  cpuBackend,
  type DType,
  type Handle,
  type TypedArray,
  type View,
  withArrayAllocator,
} from '@dendrite/tensor';
import { wasmMatmul } from './matmul.js';
import { kernels } from './runtime.js';
import { simdKernels } from './simd.js';
import { allocate, release, type WasmHandle } from './storage.js';

/** Below this many multiply-adds a product stays on the plain CPU kernel. */
const MIN_MACS = 4096;

/** Where the arrays the CPU kernels allocated (through {@link toLinearMemory}) live. */
const placed = new WeakMap<TypedArray, WasmHandle>();

/** The CPU kernels' result allocator, pointed at linear memory. */
const toLinearMemory: ArrayAllocator = (dtype: DType, size: number) => {
  const h = allocate(dtype, size);
  placed.set(h.data, h);
  return h.data;
};

/** A CPU kernel's `{ data }` result as this backend's handle (with its linear-memory address). */
function adopt(h: Handle): WasmHandle {
  const data = (h as { data: TypedArray }).data;
  return placed.get(data) ?? { data, at: -1, bytes: data.byteLength };
}

type AnyKernel = (...args: never[]) => unknown;

/** A CPU kernel that allocates its results in linear memory. */
function onLinearMemory<F extends AnyKernel>(kernel: F): F {
  return ((...args: Parameters<F>) => {
    const out = withArrayAllocator(toLinearMemory, () =>
      (kernel as unknown as (...a: unknown[]) => unknown)(...args),
    );
    return Array.isArray(out) ? out.map((h) => (h === null ? null : adopt(h))) : adopt(out as Handle);
  }) as F;
}

const cpuKernels = Object.fromEntries(
  Object.entries(cpuBackend)
    .filter(([name, f]) => typeof f === 'function' && !['upload', 'read', 'readSync', 'free'].includes(name))
    .map(([name, f]) => [name, onLinearMemory((f as AnyKernel).bind(cpuBackend) as AnyKernel)]),
) as Partial<Backend>;

/** The CPU backend with its results in linear memory: what every op without a SIMD kernel runs. */
const cpuOnLinearMemory = { ...cpuBackend, ...cpuKernels } as Backend;

/**
 * A fast CPU backend. Storage is WebAssembly linear memory owned by this backend (a size-class
 * allocator, see heap.ts; blocks return to it when tensors are disposed, or through the tensor
 * core's finalizer for tensors never disposed). Each handle is also a typed array over its block,
 * so every CPU reference kernel runs on it unchanged, while the SIMD kernels — matrix products,
 * element-wise arithmetic, GELU, softmax (causal too), layer norm, the Adam step and their
 * gradients — read and write the same bytes in place, without copies.
 */
export const wasmBackend: Backend = {
  ...cpuOnLinearMemory,
  ...simdKernels(cpuOnLinearMemory),
  name: 'wasm',
  gcManaged: false,

  upload(values: TypedArray, dtype: DType): Handle {
    const h = allocate(dtype, values.length, false);
    h.data.set(values);
    return h;
  },
  read(h: Handle): Promise<TypedArray> {
    return Promise.resolve((h as WasmHandle).data.slice());
  },
  readSync(h: Handle): TypedArray {
    return (h as WasmHandle).data.slice();
  },
  free(h: Handle): void {
    release(h);
  },

  matmul(a: View, b: View): Handle {
    const k = a.dtype === 'float32' ? kernels() : null;
    const r = a.shape.length;
    const macs = a.shape[r - 2] * a.shape[r - 1] * b.shape[r - 1];
    if (!k || macs < MIN_MACS) return (cpuKernels.matmul as Backend['matmul'])(a, b);
    return wasmMatmul(k, a, b);
  },
};
