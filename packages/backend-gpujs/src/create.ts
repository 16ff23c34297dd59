import { type Backend, BackendError, registerBackend } from '@dendrite/tensor';
import { composeBackend } from '@dendrite/tensor/backend';
import { GpujsBackend } from './backend.js';
import { type GPUAdapterLike, loadGpuJs } from './gpujs.js';
import { AUTO_ORDER, GPUJS_MODES, type GpujsMode, modeAvailable } from './modes.js';
import type { GpujsBackendOptions } from './options.js';

/** Why a mode cannot run here, for the error message. */
function unavailableReason(mode: GpujsMode): string {
  switch (mode) {
    case 'webgpu':
      return typeof navigator === 'undefined' || !(navigator as { gpu?: unknown }).gpu
        ? "navigator.gpu is missing (in Node, call installNodeWebGPU() from '@dendrite/backend-gpujs/node-webgpu' first)"
        : 'navigator.gpu is present but no WebGPU adapter answered';
    case 'headlessgl':
      return "gpu.js's optional native 'gl' package is not installed or not built";
    case 'webgl2':
    case 'webgl':
      return `no ${mode} context can be created here (a browser is needed)`;
    case 'webasm':
      return 'WebAssembly is not supported here';
    case 'cpu':
      return 'unreachable';
  }
}

/**
 * Creates the gpu.js backend and registers it with the tensor core under its name
 * (`gpujs:<mode>` unless `options.name` is given). Switch to it with one line:
 *
 * ```ts
 * setBackend(await gpujsBackend({ mode: 'webasm' }));
 * ```
 *
 * `mode` defaults to `'auto'`: the first mode of webgpu, webgl2, webgl, headlessgl, webasm, cpu
 * that can run here. An explicit mode that cannot run is a `BackendError` naming the reason —
 * never a silent fallback. Before returning, a probe kernel (a sum over 1500 elements, past
 * gpu.js's default loop cap) runs and is read back, so a broken device fails here, not mid-training;
 * `backend.info().mode` says which mode runs.
 */
export async function gpujsBackend(options: GpujsBackendOptions = {}): Promise<GpujsBackend & Backend> {
  const requested = options.mode ?? 'auto';
  if (requested !== 'auto' && !GPUJS_MODES.includes(requested)) {
    throw new BackendError(
      `gpujsBackend: unknown mode '${String(requested)}' (expected 'auto' or one of ${GPUJS_MODES.join(', ')})`,
    );
  }
  const gpujs = await loadGpuJs();
  let mode: GpujsMode | undefined;
  if (requested === 'auto') {
    for (const m of AUTO_ORDER) {
      if (await modeAvailable(m, gpujs)) {
        mode = m;
        break;
      }
    }
  } else if (await modeAvailable(requested, gpujs)) mode = requested;
  if (mode === undefined) {
    throw new BackendError(
      `gpujsBackend: mode '${requested}' is not available: ${unavailableReason(requested as GpujsMode)}`,
    );
  }
  let adapter: string | undefined;
  let context: { device: unknown } | undefined;
  if (mode === 'webgpu') {
    context = await gpujs.WebGPUContext.acquire();
    const info = (context as unknown as { adapter: GPUAdapterLike }).adapter.info ?? {};
    adapter =
      [info.vendor, info.architecture, info.device, info.description].filter(Boolean).join(' ') || 'unknown';
  }
  const backend = composeBackend(new GpujsBackend(gpujs, mode, requested, options, adapter, context));
  await probe(backend);
  registerBackend(backend);
  return backend;
}

/** Sums 1500 ones on the backend and reads the result back. */
async function probe(backend: GpujsBackend & Backend): Promise<void> {
  const ones = backend.fill(1500, 1, 'float32');
  const view = { handle: ones, dtype: 'float32' as const, shape: [1500], strides: [1], offset: 0 };
  const total = backend.reduce('sum', view, [0]);
  try {
    const [value] = await backend.read(total, 'float32', 1);
    if (value !== 1500) {
      throw new BackendError(
        `gpujsBackend: the probe kernel on mode '${backend.mode}' summed 1500 ones to ${value}`,
      );
    }
  } finally {
    backend.free(total);
    backend.free(ones);
  }
}
