/**
 * @dendrite/backend-wasm — a fast CPU backend: WebAssembly SIMD kernels behind the CPU backend's
 * storage, in Node and the browser.
 *
 * @example
 * import { setBackend } from '@dendrite/tensor';
 * import { wasmBackend } from '@dendrite/backend-wasm';
 * setBackend(wasmBackend);
 */
export { wasmBackend } from './backend.js';
export { enableRelaxedSimd, wasmFeatures, wasmMemory, wasmSupport } from './runtime.js';
export {
  DEFAULT_SPIN_MS,
  disableThreads,
  enableThreads,
  PARALLEL_MIN_MACS,
  type ThreadOptions,
  threadCount,
  threadSupport,
} from './threads.js';
