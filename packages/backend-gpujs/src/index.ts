/**
 * @dendrite/backend-gpujs — the gpu.js backend of Dendrite: tensors that stay on the device
 * (WebGPU buffers, WebGL textures, or WebAssembly/JavaScript arrays) between ops, in every gpu.js
 * mode. `setBackend(await gpujsBackend({ mode }))` switches a whole model to it.
 */

export {
  GpujsBackend,
  type GpujsBackendOptions,
  type GpujsInfo,
  type GpujsStats,
  type IndexCheck,
} from './backend.js';
export { gpujsBackend } from './create.js';
export {
  AUTO_ORDER,
  availableModes,
  GPUJS_MODES,
  type GpujsMode,
  type GpujsModeRequest,
  modeAvailable,
} from './modes.js';
export type { RunnerStats } from './runner.js';
