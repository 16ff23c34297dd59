/**
 * Safetensors state-dict I/O: the format PyTorch, Hugging Face and Dendrite share for weights.
 * Everything here runs in the browser and in Node; file helpers live in `@dendrite/nn/node`.
 */

export { decodeSafetensors, readSafetensorsHeader } from './decode.js';
export { encodeSafetensors, encodeSafetensorsAsync, serializeStateDict } from './encode.js';
export { SafetensorsError } from './errors.js';
export {
  DEFAULT_MAX_HEADER_BYTES,
  type DecodedSafetensors,
  type DecodeOptions,
  SAFETENSORS_DTYPES,
  type SafetensorsDType,
  type SafetensorsDTypeInfo,
  type SafetensorsEntry,
  type SafetensorsHeader,
  type SafetensorsTensorInfo,
} from './format.js';
export { type ToTensorsOptions, toTensors } from './tensors.js';
