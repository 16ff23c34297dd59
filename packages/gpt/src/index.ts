/**
 * @dendrite/gpt — a GPT language model composed from @dendrite/nn, with nanoGPT-compatible
 * parameter names, presets and KV-cached generation.
 */

export {
  countParameters,
  type GPTConfig,
  type GPTPreset,
  PRESETS,
  presetConfig,
  validateConfig,
} from './config.js';
export { ConfigError } from './errors.js';
export { GPT, GPTCache, type GPTOptions, type GPTOutput } from './model.js';
