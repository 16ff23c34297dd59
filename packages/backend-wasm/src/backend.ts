import type { Backend, DType, Handle, TypedArray, View } from '@dendrite/tensor';
import { type ArrayAllocator, createCpuBackend } from '@dendrite/tensor/backend';
import { SIMD_LIMITS, type SimdLimits } from './limits.js';
import { wasmMatmul } from './matmul.js';
import { guarded } from './reclaim.js';
import { kernels } from './runtime.js';
import { simdKernels } from './simd.js';
import { allocate, release, WasmHandle } from './storage.js';
import { opStarted } from './threads.js';

/**
 * The handles the CPU kernels allocated (through {@link toLinearMemory}) during the calls now
 * running, by position; a call adopts its results from the entries after its own start and frees
 * the rest (null: adopted).
 */
const placed: (WasmHandle | null)[] = [];

/** The CPU kernels' result allocator, pointed at linear memory. */
const toLinearMemory: ArrayAllocator = (dtype: DType, size: number) => {
  const h = allocate(dtype, size);
  placed.push(h);
  return h.data;
};

/** A CPU kernel's `{ data }` result as this backend's handle (with its linear-memory address). */
function adopt(h: Handle, from: number): WasmHandle {
  const data = (h as { data: TypedArray }).data;
  for (let i = from; i < placed.length; i++) {
    const p = placed[i];
    if (p !== null && p.data === data) {
      placed[i] = null;
      return p;
    }
  }
  return new WasmHandle(data, -1, data.byteLength);
}

type AnyKernel = (...args: never[]) => unknown;

/**
 * A CPU kernel (of a CPU backend built on {@link toLinearMemory}) whose results become this
 * backend's handles, and whose other allocations are freed when it returns.
 */
function onLinearMemory<F extends AnyKernel>(kernel: F): F {
  const f = kernel as unknown as (...a: unknown[]) => unknown;
  return ((...args: unknown[]) => {
    const from = placed.length;
    try {
      const out = f(...args);
      return Array.isArray(out)
        ? out.map((h) => (h === null ? null : adopt(h, from)))
        : adopt(out as Handle, from);
    } finally {
      // What the kernel allocated and did not return (everything, when it threw) is free again.
      for (let i = from; i < placed.length; i++) {
        const p = placed[i];
        if (p !== null) release(p);
      }
      placed.length = from;
    }
  }) as unknown as F;
}

/** The CPU backend's kernels, each result allocated in linear memory. */
const cpuKernelsOnLinearMemory = createCpuBackend({ allocate: toLinearMemory });

const cpuKernels = Object.fromEntries(
  Object.entries(cpuKernelsOnLinearMemory)
    .filter(([name, f]) => typeof f === 'function' && !['upload', 'read', 'readSync', 'free'].includes(name))
    .map(([name, f]) => [name, onLinearMemory(f as AnyKernel)]),
) as Partial<Backend>;

/** The CPU backend with its results in linear memory: what every op without a SIMD kernel runs. */
export const cpuOnLinearMemory: Backend = { ...cpuKernelsOnLinearMemory, ...cpuKernels };

/**
 * The backend's members — the CPU kernels on linear memory (`cpu`), the SIMD kernels where they
 * apply and `limits` allow — before the sweep's guard (what bench/small-ops.bench.mjs times).
 */
export function wasmMembers(limits: SimdLimits, cpu: Backend = cpuOnLinearMemory): Backend {
  return {
    ...cpu,
    ...simdKernels(cpu, limits),
    name: 'wasm',
    // Never-disposed tensors are this backend's own business (reclaim.ts), not the core's finalizer.
    gcManaged: true,

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
      if (!k || macs < limits.matmul) return cpu.matmul(a, b);
      return wasmMatmul(k, a, b);
    },
  };
}

/**
 * A fast CPU backend. Storage is WebAssembly linear memory owned by this backend (a size-class
 * allocator, see heap.ts; blocks return to it when tensors are disposed, and the blocks of tensors
 * dropped without `dispose` are reclaimed by a generation sweep, see reclaim.ts). Each handle is
 * also a typed array over its block, so every CPU reference kernel runs on it unchanged, while the
 * SIMD kernels — matrix products, element-wise arithmetic, GELU, softmax (causal too), layer norm,
 * the Adam step and their gradients — read and write the same bytes in place, without copies.
 * Every member but `free` runs behind the sweep's guard (operands stamped, a due sweep first).
 */
export const wasmBackend: Backend = Object.fromEntries(
  Object.entries(wasmMembers(SIMD_LIMITS)).map(([name, m]) => [
    name,
    typeof m !== 'function' || name === 'free'
      ? m
      : busy(guarded(m as AnyKernel, name !== 'read' && name !== 'readSync')),
  ]),
) as unknown as Backend;

/** `f`, telling the worker threads an op started (they stay awake while ops keep coming). */
function busy<F extends AnyKernel>(f: F): F {
  return function (this: unknown, ...args: never[]) {
    opStarted();
    return f.apply(this, args);
  } as F;
}
