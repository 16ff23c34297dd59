/**
 * @dendrite/backend-gpujs — the gpu.js backend of Dendrite: tensors that stay on the device
 * (WebGPU buffers, WebGL textures, or WebAssembly/JavaScript arrays) between ops, in every gpu.js
 * mode. `setBackend(await gpujsBackend({ mode }))` switches a whole model to it.
 */

export { GpujsBackend } from './backend.js';
export { gpujsBackend } from './create.js';
export { MAX_TENSOR_ELEMENTS } from './handle.js';
export {
  AUTO_ORDER,
  availableModes,
  GPUJS_MODES,
  type GpujsMode,
  type GpujsModeRequest,
  modeAvailable,
} from './modes.js';
export type { GpujsBackendOptions, GpujsInfo, IndexCheck } from './options.js';
export type { GpujsStats, RunnerStats } from './stats.js';
