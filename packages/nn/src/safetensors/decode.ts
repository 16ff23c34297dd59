import { decodeElements } from './convert.js';
import {
  type DecodedSafetensors,
  type DecodeOptions,
  defineEntry,
  SAFETENSORS_DTYPES,
  type SafetensorsEntry,
  type SafetensorsHeader,
} from './format.js';
import { asBytes, parseHeader } from './header.js';

/**
 * Validates the header of a safetensors buffer without decoding any tensor: names, file dtypes,
 * shapes, byte ranges and metadata. Useful to list a checkpoint or check it before a full read.
 *
 * @throws SafetensorsError if the header or the layout breaks the format.
 */
export function readSafetensorsHeader(
  bytes: Uint8Array | ArrayBuffer,
  options?: DecodeOptions,
): SafetensorsHeader {
  return parseHeader(asBytes(bytes, 'readSafetensorsHeader'), options, 'readSafetensorsHeader');
}

/**
 * Decodes a safetensors buffer into plain typed arrays. Runs anywhere (browser included: no
 * Node `Buffer` needed). Every tensor's data is copied into a fresh aligned buffer, so any byte
 * offset in the file is fine and the input can be dropped afterwards.
 *
 * Dtype mapping: F32 → float32, F64 → float64, I32 → int32, BOOL → bool (bytes must be 0/1);
 * F16 and BF16 widen exactly to float32; I64, U64, U32, I16, U16, I8 and U8 become int32, and a
 * value outside the int32 range is an error naming the tensor and the element.
 *
 * Files written by PyTorch's `safetensors.torch.save_file` (F16, BF16 and I64 included) load
 * here, as long as each integer fits int32.
 *
 * @example
 * const { tensors, metadata } = decodeSafetensors(new Uint8Array(await response.arrayBuffer()));
 * tensors['fc.weight'] // { dtype: 'float32', shape: [4, 3], data: Float32Array(12) }
 *
 * @throws SafetensorsError for any malformed input (short or truncated file, bad header JSON,
 *   a missing or mistyped field, an unknown dtype, offsets that do not tile the data buffer …).
 */
export function decodeSafetensors(
  bytes: Uint8Array | ArrayBuffer,
  options?: DecodeOptions,
): DecodedSafetensors {
  const all = asBytes(bytes, 'decodeSafetensors');
  const header = parseHeader(all, options, 'decodeSafetensors');
  const data = all.subarray(header.dataStart);
  const tensors: Record<string, SafetensorsEntry> = {};
  for (const name of Object.keys(header.tensors)) {
    const { dtype, shape, dataOffsets } = header.tensors[name];
    const [begin, end] = dataOffsets;
    const info = SAFETENSORS_DTYPES[dtype];
    const count = (end - begin) / info.bytes;
    defineEntry(tensors, name, {
      dtype: info.decodesTo,
      shape: [...shape],
      data: decodeElements(data.subarray(begin, end), dtype, count, name),
    });
  }
  return { tensors, metadata: header.metadata };
}
