/**
 * The safetensors format, as the public spec (github.com/huggingface/safetensors) defines it:
 *
 * ```
 * [ 8 bytes: N, unsigned little-endian ][ N bytes: UTF-8 JSON header ][ data buffer ]
 * ```
 *
 * The header maps each tensor name to `{ "dtype": "F32", "shape": [2, 3],
 * "data_offsets": [begin, end] }` (byte offsets into the data buffer, `end` exclusive), plus an
 * optional `"__metadata__": { string: string }`. Tensor data is little-endian and row-major
 * (C order); the tensors' byte ranges tile the data buffer exactly: no gaps, no overlaps, no
 * trailing bytes. Writers pad the header with spaces so the data buffer starts 8-byte aligned.
 */
import type { DType, TypedArray } from '@dendrite/tensor';

/** The safetensors dtypes Dendrite reads (and, for F64/F32/I32/BOOL, writes). */
export type SafetensorsDType =
  | 'F64'
  | 'F32'
  | 'F16'
  | 'BF16'
  | 'I64'
  | 'I32'
  | 'I16'
  | 'I8'
  | 'U64'
  | 'U32'
  | 'U16'
  | 'U8'
  | 'BOOL';

/** How one safetensors dtype is stored in a file and what Dendrite decodes it to. */
export interface SafetensorsDTypeInfo {
  /** Bytes per element in the file. */
  readonly bytes: number;
  /** The Dendrite dtype its values become. */
  readonly decodesTo: DType;
}

/**
 * Every safetensors dtype Dendrite reads. Half floats widen exactly to float32; every integer
 * type narrows to int32, and a value outside the int32 range is an error naming the tensor.
 */
export const SAFETENSORS_DTYPES: Readonly<Record<SafetensorsDType, SafetensorsDTypeInfo>> = {
  F64: { bytes: 8, decodesTo: 'float64' },
  F32: { bytes: 4, decodesTo: 'float32' },
  F16: { bytes: 2, decodesTo: 'float32' },
  BF16: { bytes: 2, decodesTo: 'float32' },
  I64: { bytes: 8, decodesTo: 'int32' },
  I32: { bytes: 4, decodesTo: 'int32' },
  I16: { bytes: 2, decodesTo: 'int32' },
  I8: { bytes: 1, decodesTo: 'int32' },
  U64: { bytes: 8, decodesTo: 'int32' },
  U32: { bytes: 4, decodesTo: 'int32' },
  U16: { bytes: 2, decodesTo: 'int32' },
  U8: { bytes: 1, decodesTo: 'int32' },
  BOOL: { bytes: 1, decodesTo: 'bool' },
};

/** Dtypes the spec defines that Dendrite has no tensor type for (rejected with a clear error). */
export const UNSUPPORTED_SAFETENSORS_DTYPES: readonly string[] = [
  'F8_E4M3',
  'F8_E5M2',
  'F8_E8M0',
  'F6_E2M3',
  'F6_E3M2',
  'F4',
  'C64',
];

/** The safetensors dtype each Dendrite dtype is written as. */
export const SAFETENSORS_DTYPE_OF: Readonly<Record<DType, SafetensorsDType>> = {
  float64: 'F64',
  float32: 'F32',
  int32: 'I32',
  bool: 'BOOL',
};

export function isSafetensorsDType(value: string): value is SafetensorsDType {
  return Object.hasOwn(SAFETENSORS_DTYPES, value);
}

/** The reserved header key for the string-to-string metadata map. */
export const METADATA_KEY = '__metadata__';

/** The data buffer starts at a multiple of this many bytes (the header is padded with spaces). */
export const HEADER_ALIGNMENT = 8;

/** Bytes before the header: its length as an unsigned 64-bit little-endian integer. */
export const LENGTH_PREFIX_BYTES = 8;

/** Largest header `decodeSafetensors` accepts unless told otherwise (100 MB, as the spec's readers). */
export const DEFAULT_MAX_HEADER_BYTES = 100_000_000;

/**
 * One tensor as plain values: a Dendrite dtype, a row-major shape, and its elements as the
 * dtype's typed array (Float32Array, Float64Array, Int32Array, or Uint8Array of 0/1 for bool).
 */
export interface SafetensorsEntry {
  dtype: DType;
  shape: number[];
  data: TypedArray;
}

/** What `decodeSafetensors` and `loadSafetensors` return. */
export interface DecodedSafetensors {
  /** Each tensor, by name, in header order; `data` is a fresh copy, not a view of the input. */
  tensors: Record<string, SafetensorsEntry>;
  /** The `__metadata__` map (`{}` when the file has none). */
  metadata: Record<string, string>;
}

/** One tensor's header entry after validation. */
export interface SafetensorsTensorInfo {
  /** The dtype as written in the file. */
  dtype: SafetensorsDType;
  shape: number[];
  /** `[begin, end)` byte range, relative to the start of the data buffer. */
  dataOffsets: [number, number];
}

/** A validated header: what `readSafetensorsHeader` returns. */
export interface SafetensorsHeader {
  /** Each tensor's entry, by name, in header order. */
  tensors: Record<string, SafetensorsTensorInfo>;
  metadata: Record<string, string>;
  /** Byte offset of the data buffer from the start of the file (8 + header length). */
  dataStart: number;
  /** Length of the data buffer in bytes (exactly covered by the tensors' ranges). */
  dataBytes: number;
}

/** Options of `decodeSafetensors`, `readSafetensorsHeader` and `loadSafetensors`. */
export interface DecodeOptions {
  /**
   * Largest header length (in bytes) accepted before anything is parsed; a larger declared
   * length is rejected without allocating. Default 100 MB. `Infinity` turns the limit off.
   */
  maxHeaderBytes?: number;
}

/** Sets `record[key] = value` as an own property, even for keys like `__proto__`. */
export function defineEntry<T>(record: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true });
}
