import { type GpuJsModule, loadGpuJs } from './gpujs.js';

/**
 * The gpu.js modes this backend runs on:
 * - `webgpu`: WGSL compute shaders on GPU buffers (browser, or Node with the npm `webgpu` package —
 *   see `@dendrite/backend-gpujs/node-webgpu`); the only mode whose kernels are asynchronous;
 * - `webgl2`, `webgl`: fragment shaders on float textures (browser);
 * - `headlessgl`: WebGL 1 in Node through the optional native `gl` package;
 * - `webasm`: WebAssembly with SIMD on the CPU (anywhere);
 * - `cpu`: gpu.js's JavaScript kernels (anywhere; computes in float64, stores float32).
 */
export type GpujsMode = 'webgpu' | 'webgl2' | 'webgl' | 'headlessgl' | 'webasm' | 'cpu';

/** A mode, or `'auto'`: the first available of {@link AUTO_ORDER}. */
export type GpujsModeRequest = GpujsMode | 'auto';

/** Every mode name, for validating user input. */
export const GPUJS_MODES: readonly GpujsMode[] = ['webgpu', 'webgl2', 'webgl', 'headlessgl', 'webasm', 'cpu'];

/**
 * The order `'auto'` tries modes in: a GPU first, then WebAssembly, then plain JavaScript — only
 * modes that pass the conformance suite where they were tested. `headlessgl` is left out: on the
 * only driver it was run on (Mesa's llvmpipe) it fails six NaN-propagation cases (see the README);
 * ask for it by name.
 */
export const AUTO_ORDER: readonly GpujsMode[] = ['webgpu', 'webgl2', 'webgl', 'webasm', 'cpu'];

/** The gpu.js kernel class that runs each mode (how a silent fallback is detected). */
export const KERNEL_CLASS: Readonly<Record<GpujsMode, string>> = {
  webgpu: 'WebGPUKernel',
  webgl2: 'WebGL2Kernel',
  webgl: 'WebGLKernel',
  headlessgl: 'HeadlessGLKernel',
  webasm: 'WebAssemblyKernel',
  cpu: 'CPUKernel',
};

/** Whether gpu.js can run `mode` here. webgpu needs an adapter to answer, not just `navigator.gpu`. */
export async function modeAvailable(mode: GpujsMode, gpujs?: GpuJsModule): Promise<boolean> {
  const { GPU } = gpujs ?? (await loadGpuJs());
  switch (mode) {
    case 'webgpu':
      return GPU.isWebGPUSupported && (await GPU.isWebGPUAvailable());
    case 'webgl2':
      return GPU.isWebGL2Supported;
    case 'webgl':
      return GPU.isWebGLSupported;
    case 'headlessgl':
      return GPU.isHeadlessGLSupported;
    case 'webasm':
      return GPU.isWebAssemblySupported;
    case 'cpu':
      return true;
  }
}

/**
 * The modes that can run here, in the order of {@link GPUJS_MODES}. In Node without a GPU stack that is
 * `['webasm', 'cpu']`; with `installNodeWebGPU()` and an adapter, `webgpu` comes first.
 */
export async function availableModes(): Promise<GpujsMode[]> {
  const gpujs = await loadGpuJs();
  const out: GpujsMode[] = [];
  for (const mode of GPUJS_MODES) if (await modeAvailable(mode, gpujs)) out.push(mode);
  return out;
}

/** Whether kernel calls in `mode` return Promises (reads are then asynchronous only). */
export function isAsyncMode(mode: GpujsMode): boolean {
  return mode === 'webgpu';
}

/** Whether kernel outputs are plain `Float32Array`s (no device memory to free). */
export function isHostMode(mode: GpujsMode): boolean {
  return mode === 'webasm' || mode === 'cpu';
}
