import {
  enableRelaxedSimd,
  enableThreads,
  threadCount,
  wasmBackend,
  wasmFeatures,
  wasmSupport,
} from '@dendrite/backend-wasm';
import { type Backend, cpuBackend, getBackend, listBackends, setBackend } from '@dendrite/tensor';
import { UserError } from './errors.js';

/**
 * Resolves `--backend`: `auto` (the default: `wasm` where WebAssembly SIMD runs, else `cpu`), `wasm`
 * (the CPU backend with SIMD matrix products on every core), `cpu`, any backend registered with the tensor core, or the gpu.js
 * backend as `gpujs` (its best mode here) or `gpujs:<mode>` (`webgpu`, `webgl2`, `webgl`,
 * `headlessgl`, `webasm`, `cpu`). The gpu.js package is imported only when asked for, so the CPU
 * path never loads it; `gpujs:webgpu` first installs Node's WebGPU (the optional `webgpu` package).
 * Unknown or unavailable names are a user error saying why.
 */
export async function resolveBackend(name: string): Promise<Backend> {
  if (name === 'cpu') return cpuBackend;
  if (name === 'auto' || name === 'wasm') {
    // Node 20–21 gate relaxed SIMD behind a V8 flag: the fused multiply-add products Node 22 runs
    // anyway (a step about 15% faster). Before wasmSupport(), which starts the kernels.
    enableRelaxedSimd();
    const support = wasmSupport();
    if (!support.supported) {
      if (name === 'auto') return cpuBackend;
      throw new UserError(`--backend 'wasm' is not available here: ${support.reason}`);
    }
    await enableThreads(); // matrix products on every core (worker threads; single-threaded where unavailable)
    return wasmBackend;
  }
  if (listBackends().includes(name)) {
    setBackend(name);
    return getBackend();
  }
  const [base, mode = 'auto', ...rest] = name.split(':');
  if (base === 'gpujs' && rest.length === 0) {
    const gpujs = await import('@dendrite/backend-gpujs');
    if (mode !== 'auto' && !(gpujs.GPUJS_MODES as readonly string[]).includes(mode)) {
      throw new UserError(
        `--backend '${name}' is not available: unknown gpu.js mode '${mode}' (use gpujs or gpujs:<mode>, mode one of ${gpujs.GPUJS_MODES.join(', ')})`,
      );
    }
    try {
      if (mode === 'webgpu') {
        const { installNodeWebGPU } = await import('@dendrite/backend-gpujs/node-webgpu');
        await installNodeWebGPU();
      }
      return await gpujs.gpujsBackend({ mode: mode as 'auto' });
    } catch (err) {
      throw new UserError(`--backend '${name}' is not available: ${(err as Error).message}`);
    }
  }
  const names = ['auto', 'wasm', ...listBackends().filter((b) => b !== 'wasm'), 'gpujs', 'gpujs:<mode>'];
  throw new UserError(`--backend '${name}' is not available (have: ${[...new Set(names)].join(', ')})`);
}

/** The backend's name, and for `wasm` what it runs with, e.g. `wasm (relaxed SIMD, 1 worker thread)`. */
export function backendLabel(backend: Backend): string {
  if (backend !== wasmBackend) return backend.name;
  const n = threadCount();
  const simd = wasmFeatures().relaxedSimd ? 'relaxed SIMD' : 'SIMD';
  return `${backend.name} (${simd}, ${n === 0 ? 'no worker threads' : `${n} worker thread${n === 1 ? '' : 's'}`})`;
}
