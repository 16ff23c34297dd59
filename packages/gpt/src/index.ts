/**
 * @dendrite/gpt — a GPT language model composed from @dendrite/nn, with nanoGPT-compatible
 * parameter names, presets and KV-cached generation.
 */

export {
  countParameters,
  type GPTConfig,
  type GPTPreset,
  NANOGPT_FIELD_NAMES,
  type NanoGPTConfig,
  PRESETS,
  presetConfig,
  toNanoGPTConfig,
  validateConfig,
} from './config.js';
export { ConfigError, InteropError } from './errors.js';
export { fromHFGPT2Config, toHFGPT2Config } from './hf-gpt2-format.js';
export {
  detectGPTFormat,
  type ExportGPTOptions,
  exportGPT,
  GPT_FORMATS,
  type GPTFiles,
  type GPTFormat,
  type ImportedGPT,
  type ImportGPTOptions,
  importGPT,
} from './interop.js';
export { GPT, GPTCache, type GPTOptions, type GPTOutput } from './model.js';
export {
  exportNanoGPTCheckpoint,
  type ImportedNanoGPTCheckpoint,
  type ImportNanoGPTCheckpointOptions,
  importNanoGPTCheckpoint,
  NANOGPT_CHECKPOINT,
  type NanoGPTCheckpointOptions,
} from './nanogpt-checkpoint.js';
