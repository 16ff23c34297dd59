/**
 * `@dendrite/nn/node`: the Node-only entry. Everything in the browser-safe safetensors API, plus
 * file I/O: atomic saves, loads with errors naming the file, and the atomic writer every
 * checkpoint file goes through.
 */

export { loadSafetensors, saveSafetensors, writeFileAtomic } from './safetensors/fs.js';
export * from './safetensors/index.js';
