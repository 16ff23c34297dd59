/**
 * Reading and validating the header of a safetensors buffer. Every check runs before any tensor
 * data is touched, and nothing is allocated from a size the file declares until that size has
 * been checked against the bytes that are actually there.
 */
import { ValueError } from '@dendrite/tensor';
import { SafetensorsError } from './errors.js';
import {
  DEFAULT_MAX_HEADER_BYTES,
  type DecodeOptions,
  defineEntry,
  isSafetensorsDType,
  LENGTH_PREFIX_BYTES,
  METADATA_KEY,
  SAFETENSORS_DTYPES,
  type SafetensorsHeader,
  type SafetensorsTensorInfo,
  UNSUPPORTED_SAFETENSORS_DTYPES,
} from './format.js';

/** A short, non-recursive description of a JSON value for error messages. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  switch (typeof value) {
    case 'string':
      return value.length > 40 ? `${JSON.stringify(value.slice(0, 40))}…` : JSON.stringify(value);
    case 'object':
      return 'an object';
    default:
      return String(value);
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isIndex(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/** A plain `Uint8Array` over the same memory (so `subarray` never yields a Node `Buffer`). */
export function asBytes(input: Uint8Array | ArrayBuffer, op: string): Uint8Array {
  if (ArrayBuffer.isView(input)) return new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  const tag = Object.prototype.toString.call(input);
  if (tag === '[object ArrayBuffer]' || tag === '[object SharedArrayBuffer]') {
    return new Uint8Array(input as ArrayBuffer);
  }
  throw new ValueError(`${op}: expected a Uint8Array or ArrayBuffer, got ${describe(input)}`);
}

function maxHeaderBytesOf(options: DecodeOptions | undefined, op: string): number {
  const max = options?.maxHeaderBytes ?? DEFAULT_MAX_HEADER_BYTES;
  if (
    typeof max !== 'number' ||
    !(max === Number.POSITIVE_INFINITY || (Number.isSafeInteger(max) && max >= 0))
  ) {
    throw new ValueError(`${op}: maxHeaderBytes must be an integer ≥ 0 or Infinity, got ${describe(max)}`);
  }
  return max;
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Parses and validates the 8-byte length prefix and the JSON header of `bytes` (the whole file).
 * Throws `SafetensorsError` for anything the spec does not allow.
 */
export function parseHeader(
  bytes: Uint8Array,
  options: DecodeOptions | undefined,
  op: string,
): SafetensorsHeader {
  const maxHeaderBytes = maxHeaderBytesOf(options, op);
  if (bytes.length < LENGTH_PREFIX_BYTES) {
    throw new SafetensorsError(
      `${bytes.length} bytes is shorter than the ${LENGTH_PREFIX_BYTES}-byte header-length prefix`,
    );
  }
  const declared = new DataView(bytes.buffer, bytes.byteOffset, LENGTH_PREFIX_BYTES).getBigUint64(0, true);
  const available = bytes.length - LENGTH_PREFIX_BYTES;
  if (declared > BigInt(available)) {
    throw new SafetensorsError(
      `header length ${declared} runs past the end of the data: only ${available} bytes follow the ` +
        `${LENGTH_PREFIX_BYTES}-byte prefix (truncated file, or not safetensors)`,
    );
  }
  const headerBytes = Number(declared);
  if (headerBytes > maxHeaderBytes) {
    throw new SafetensorsError(`header length ${headerBytes} exceeds maxHeaderBytes ${maxHeaderBytes}`);
  }
  const dataStart = LENGTH_PREFIX_BYTES + headerBytes;
  const dataBytes = bytes.length - dataStart;

  let text: string;
  try {
    text = utf8.decode(bytes.subarray(LENGTH_PREFIX_BYTES, dataStart));
  } catch {
    throw new SafetensorsError(`header (${headerBytes} bytes) is not valid UTF-8`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new SafetensorsError(`header (${headerBytes} bytes) is not valid JSON: ${(err as Error).message}`);
  }
  if (!isPlainObject(json)) {
    throw new SafetensorsError(`header must be a JSON object, got ${describe(json)}`);
  }

  const tensors: Record<string, SafetensorsTensorInfo> = {};
  const metadata: Record<string, string> = {};
  for (const key of Object.keys(json)) {
    const value = json[key];
    if (key === METADATA_KEY) {
      readMetadata(value, metadata);
      continue;
    }
    defineEntry(tensors, key, readTensorInfo(key, value, dataBytes));
  }
  checkCoverage(tensors, dataBytes);
  return { tensors, metadata, dataStart, dataBytes };
}

function readMetadata(value: unknown, into: Record<string, string>): void {
  if (!isPlainObject(value)) {
    throw new SafetensorsError(`${METADATA_KEY} must be an object of strings, got ${describe(value)}`);
  }
  for (const k of Object.keys(value)) {
    const v = value[k];
    if (typeof v !== 'string') {
      throw new SafetensorsError(
        `${METADATA_KEY}[${JSON.stringify(k)}] must be a string, got ${describe(v)}`,
      );
    }
    defineEntry(into, k, v);
  }
}

function readTensorInfo(name: string, entry: unknown, dataBytes: number): SafetensorsTensorInfo {
  const where = `tensor '${name}'`;
  if (!isPlainObject(entry)) {
    throw new SafetensorsError(`${where}: entry must be an object, got ${describe(entry)}`);
  }
  for (const field of ['dtype', 'shape', 'data_offsets']) {
    if (!Object.hasOwn(entry, field)) throw new SafetensorsError(`${where}: missing field '${field}'`);
  }

  const dtype = entry.dtype;
  if (typeof dtype !== 'string') {
    throw new SafetensorsError(`${where}: dtype must be a string, got ${describe(dtype)}`);
  }
  if (!isSafetensorsDType(dtype)) {
    const supported = Object.keys(SAFETENSORS_DTYPES).join(', ');
    if (UNSUPPORTED_SAFETENSORS_DTYPES.includes(dtype)) {
      throw new SafetensorsError(
        `${where}: dtype ${dtype} is not supported by Dendrite (supported: ${supported})`,
      );
    }
    throw new SafetensorsError(`${where}: unknown dtype ${describe(dtype)} (supported: ${supported})`);
  }

  const shape = entry.shape;
  if (!Array.isArray(shape)) {
    throw new SafetensorsError(`${where}: shape must be an array of integers, got ${describe(shape)}`);
  }
  for (let i = 0; i < shape.length; i++) {
    if (!isIndex(shape[i])) {
      throw new SafetensorsError(
        `${where}: shape[${i}] is ${describe(shape[i])}; dims must be integers ≥ 0 (shape has ${shape.length} dims)`,
      );
    }
  }

  const offsets = entry.data_offsets;
  if (!Array.isArray(offsets) || offsets.length !== 2) {
    throw new SafetensorsError(`${where}: data_offsets must be [begin, end], got ${describe(offsets)}`);
  }
  const [begin, end] = offsets;
  if (!isIndex(begin) || !isIndex(end)) {
    throw new SafetensorsError(
      `${where}: data_offsets must be two integers ≥ 0, got [${describe(begin)}, ${describe(end)}]`,
    );
  }
  if (begin > end) {
    throw new SafetensorsError(`${where}: data_offsets [${begin}, ${end}] has begin > end`);
  }
  if (end > dataBytes) {
    throw new SafetensorsError(
      `${where}: data_offsets [${begin}, ${end}] run past the data buffer of ${dataBytes} bytes`,
    );
  }

  // Element count; a product past 2^53 bytes cannot match any real range, so stop there exactly.
  const elementBytes = SAFETENSORS_DTYPES[dtype].bytes;
  const rangeBytes = end - begin;
  const dims = shape as number[];
  let count = dims.includes(0) ? 0 : 1;
  let overflow = false;
  for (let i = 0; i < dims.length && count !== 0; i++) {
    count *= dims[i];
    if (count > Number.MAX_SAFE_INTEGER / elementBytes) {
      overflow = true;
      break;
    }
  }
  if (overflow || count * elementBytes !== rangeBytes) {
    const needed = overflow ? `more than ${Number.MAX_SAFE_INTEGER}` : `${count * elementBytes}`;
    throw new SafetensorsError(
      `${where}: shape [${dims.join(',')}] of ${dtype} (${elementBytes} bytes each) needs ${needed} bytes, ` +
        `not the ${rangeBytes} bytes of data_offsets [${begin}, ${end}]`,
    );
  }
  return { dtype, shape: [...dims], dataOffsets: [begin, end] };
}

/** The tensors' byte ranges must tile [0, dataBytes) exactly, as the spec requires. */
function checkCoverage(tensors: Record<string, SafetensorsTensorInfo>, dataBytes: number): void {
  const ranges = Object.keys(tensors)
    .map((name) => ({ name, begin: tensors[name].dataOffsets[0], end: tensors[name].dataOffsets[1] }))
    .sort((a, b) => a.begin - b.begin || a.end - b.end);
  let covered = 0;
  let previous: (typeof ranges)[number] | undefined;
  for (const r of ranges) {
    if (r.begin < covered) {
      throw new SafetensorsError(
        `tensor '${r.name}' data_offsets [${r.begin}, ${r.end}] overlap tensor '${previous?.name}' ` +
          `[${previous?.begin}, ${previous?.end}]`,
      );
    }
    if (r.begin > covered) {
      throw new SafetensorsError(
        `data buffer bytes [${covered}, ${r.begin}) belong to no tensor (gap before tensor '${r.name}')`,
      );
    }
    covered = r.end;
    previous = r;
  }
  if (covered !== dataBytes) {
    throw new SafetensorsError(
      `data buffer has ${dataBytes} bytes but the tensors cover only [0, ${covered}): ` +
        `${dataBytes - covered} trailing bytes belong to no tensor`,
    );
  }
}
