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
export { wasmFeatures, wasmMemory, wasmSupport } from './runtime.js';
export { disableThreads, enableThreads, PARALLEL_MIN_MACS, threadCount, threadSupport } from './threads.js';
