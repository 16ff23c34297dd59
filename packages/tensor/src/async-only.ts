import type { Backend, BackendPrimitives, FusedKernels } from './backend.js';
import { FUSED_KERNEL_NAMES } from './backend.js';
import { composeBackend, primitivesOf } from './compose.js';
import { createCpuBackend } from './cpu/index.js';
import { BackendError } from './errors.js';

/** Options of {@link createAsyncOnlyBackend}. */
export interface AsyncOnlyBackendOptions {
  /** The backend that computes and stores (default: a new CPU backend). */
  base?: Backend;
  /** The name of the result (default: `'<base name>-async-only'`). */
  name?: string;
}

/**
 * A backend that computes exactly as `base` but reads back only asynchronously, as a WebGPU
 * device does: `canReadSync` is false, `readSync` throws a `BackendError`, and `read` resolves
 * on a later microtask. Its purpose is testing: run a library's calls on it to prove they work on a
 * device that cannot read synchronously (the async forms give `base`'s values) and that the
 * synchronous forms refuse with a clear error instead of failing deep inside. `base`'s own fused
 * kernels are kept, so the numbers match `base` bit for bit.
 *
 * @example
 * import { tensor } from '@dendrite/tensor';
 * import { createAsyncOnlyBackend } from '@dendrite/tensor/backend';
 * const device = createAsyncOnlyBackend();
 * const t = tensor([1, 2, 3], { backend: device });
 * await t.data(); // Float32Array [1, 2, 3]; t.dataSync() throws a BackendError
 */
export function createAsyncOnlyBackend(options: AsyncOnlyBackendOptions = {}): Backend {
  const base = options.base ?? createCpuBackend();
  const name = options.name ?? `${base.name}-async-only`;
  const primitives: BackendPrimitives = {
    ...primitivesOf(base),
    name,
    canReadSync: false,
    readSync(): never {
      throw new BackendError(`readSync: backend '${name}' cannot read synchronously; use 'await read(...)'`);
    },
    async read(handle, dtype, size) {
      await Promise.resolve(); // a device read resolves later, never in the caller's turn
      return base.read(handle, dtype, size);
    },
  };
  const kernels: Partial<FusedKernels> = {};
  for (const kernel of FUSED_KERNEL_NAMES) {
    Object.assign(kernels, { [kernel]: (base[kernel] as (...args: never[]) => unknown).bind(base) });
  }
  return composeBackend(primitives, kernels);
}
