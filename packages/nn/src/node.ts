/**
 * `@dendrite/nn/node`: the Node-only entry. Everything in the browser-safe safetensors API, plus
 * file I/O: one-call `saveWeights` / `loadWeights` for a module, atomic saves, loads with errors
 * naming the file, and the atomic writer every checkpoint file goes through.
 */

export { loadSafetensors, saveSafetensors, writeFileAtomic } from './safetensors/fs.js';
export * from './safetensors/index.js';
export { type LoadWeightsOptions, type LoadWeightsResult, loadWeights, saveWeights } from './weights.js';
