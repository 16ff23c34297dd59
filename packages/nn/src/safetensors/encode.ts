import {
  BackendError,
  DTYPES,
  type DType,
  DTypeError,
  ShapeError,
  Tensor,
  type TypedArray,
  ValueError,
} from '@dendrite/tensor';
import { hostToLittleEndian } from './convert.js';
import {
  defineEntry,
  HEADER_ALIGNMENT,
  LENGTH_PREFIX_BYTES,
  METADATA_KEY,
  SAFETENSORS_DTYPE_OF,
  type SafetensorsEntry,
} from './format.js';
import { describe } from './header.js';

const ARRAY_OF: Record<DType, new (n: number) => TypedArray> = {
  float32: Float32Array,
  float64: Float64Array,
  int32: Int32Array,
  bool: Uint8Array,
};

/** A Tensor, also one from another copy of @dendrite/tensor (duplicate installs). */
function isTensor(value: unknown): value is Tensor {
  if (value instanceof Tensor) return true;
  const t = value as Partial<Tensor> | null;
  return (
    typeof t === 'object' && t !== null && typeof t.dataSync === 'function' && typeof t.data === 'function'
  );
}

/** Checks a plain entry and returns it with its shape copied. */
function checkEntry(name: string, entry: SafetensorsEntry): SafetensorsEntry {
  const where = `encodeSafetensors: tensor '${name}'`;
  if (typeof entry !== 'object' || entry === null) {
    throw new ValueError(`${where}: expected a Tensor or { dtype, shape, data }, got ${describe(entry)}`);
  }
  const { dtype, shape, data } = entry;
  if (!(DTYPES as readonly unknown[]).includes(dtype)) {
    throw new DTypeError(`${where}: unknown dtype ${describe(dtype)}; expected one of ${DTYPES.join(', ')}`);
  }
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw new ShapeError(`${where}: shape must be an array of integers ≥ 0, got ${describe(shape)}`);
  }
  const Expected = ARRAY_OF[dtype];
  if (!(data instanceof Expected)) {
    const got = ArrayBuffer.isView(data) ? data.constructor.name : describe(data);
    throw new DTypeError(`${where}: ${dtype} data must be a ${Expected.name}, got ${got}`);
  }
  const size = shape.reduce((n, d) => n * d, 1);
  if (size !== data.length) {
    throw new ShapeError(
      `${where}: shape [${shape.join(',')}] needs ${size} values, data has ${data.length}`,
    );
  }
  if (dtype === 'bool') {
    for (let i = 0; i < data.length; i++) {
      if (data[i] > 1) throw new ValueError(`${where}: bool element ${i} is ${data[i]}, expected 0 or 1`);
    }
  }
  return { dtype, shape: [...shape], data };
}

function checkMetadata(metadata: Record<string, string> | undefined): string[] {
  if (metadata === undefined) return [];
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) {
    throw new ValueError(
      `encodeSafetensors: metadata must be an object of strings, got ${describe(metadata)}`,
    );
  }
  const keys = Object.keys(metadata).sort();
  for (const k of keys) {
    if (typeof metadata[k] !== 'string') {
      throw new ValueError(
        `encodeSafetensors: metadata[${JSON.stringify(k)}] must be a string, got ${describe(metadata[k])}`,
      );
    }
  }
  return keys;
}

/**
 * Encodes tensors as a safetensors file, synchronously. Tensors are written in sorted name order
 * (the same inputs always give the same bytes), contiguously after a header padded with spaces
 * so the data starts 8-byte aligned. float32 → F32, float64 → F64, int32 → I32, bool → BOOL.
 *
 * Tensor inputs are read with `dataSync()`, which only backends that can read synchronously
 * support (the CPU backend does): a tensor on a device that reads only asynchronously (WebGPU) is
 * a `BackendError` naming it; use {@link encodeSafetensorsAsync} (or {@link serializeStateDict}),
 * which awaits `t.data()`.
 *
 * @param entries tensors or `{ dtype, shape, data }` entries by name (`__metadata__` is reserved).
 * @param metadata string-to-string map stored as the header's `__metadata__` (omitted when empty).
 *
 * @example
 * const bytes = encodeSafetensors({ 'fc.weight': w, 'fc.bias': b }, { format: 'pt' });
 */
export function encodeSafetensors(
  entries: Record<string, SafetensorsEntry | Tensor>,
  metadata?: Record<string, string>,
): Uint8Array {
  if (typeof entries !== 'object' || entries === null || Array.isArray(entries)) {
    throw new ValueError(
      `encodeSafetensors: expected an object of tensors by name, got ${describe(entries)}`,
    );
  }
  const metaKeys = checkMetadata(metadata);
  const names = Object.keys(entries).sort();

  const parts: string[] = [];
  if (metaKeys.length > 0) {
    const meta = metaKeys.map((k) => `${JSON.stringify(k)}:${JSON.stringify(metadata?.[k])}`);
    parts.push(`${JSON.stringify(METADATA_KEY)}:{${meta.join(',')}}`);
  }
  const chunks: Uint8Array[] = [];
  let offset = 0;
  for (const name of names) {
    if (name === METADATA_KEY) {
      throw new ValueError(
        `encodeSafetensors: '${METADATA_KEY}' is reserved for metadata, not a tensor name`,
      );
    }
    const value = entries[name];
    const entry = isTensor(value) ? entryOfTensorSync(name, value) : checkEntry(name, value);
    const bytes = hostToLittleEndian(entry.data);
    const begin = offset;
    offset += bytes.length;
    const dtype = SAFETENSORS_DTYPE_OF[entry.dtype];
    parts.push(
      `${JSON.stringify(name)}:{"dtype":"${dtype}","shape":[${entry.shape.join(',')}],"data_offsets":[${begin},${offset}]}`,
    );
    chunks.push(bytes);
  }

  const header = new TextEncoder().encode(`{${parts.join(',')}}`);
  // Pad with spaces (valid JSON whitespace) so the data buffer starts at a multiple of 8.
  const headerLength = Math.ceil(header.length / HEADER_ALIGNMENT) * HEADER_ALIGNMENT;
  const dataStart = LENGTH_PREFIX_BYTES + headerLength;
  const out = new Uint8Array(dataStart + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerLength), true);
  out.set(header, LENGTH_PREFIX_BYTES);
  out.fill(0x20, LENGTH_PREFIX_BYTES + header.length, dataStart);
  let at = dataStart;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}

function entryOfTensorSync(name: string, t: Tensor): SafetensorsEntry {
  if (!t.backend.canReadSync) {
    throw new BackendError(
      `encodeSafetensors: tensor '${name}' is on backend '${t.backend.name}' and cannot be read synchronously; ` +
        'use `await encodeSafetensorsAsync(...)` (or `await serializeStateDict(...)`) for tensors on this backend',
    );
  }
  return { dtype: t.dtype, shape: [...t.shape], data: t.dataSync() };
}

/** `entries` with every tensor read (`await t.data()`, all reads in flight at once). */
async function readTensors(
  entries: Record<string, SafetensorsEntry | Tensor>,
): Promise<Record<string, SafetensorsEntry>> {
  const names = Object.keys(entries);
  const read = await Promise.all(
    names.map(async (name): Promise<SafetensorsEntry> => {
      const value = entries[name];
      if (!isTensor(value)) return value;
      return { dtype: value.dtype, shape: [...value.shape], data: await value.data() };
    }),
  );
  const out: Record<string, SafetensorsEntry> = {};
  names.forEach((name, i) => {
    defineEntry(out, name, read[i]);
  });
  return out;
}

/**
 * {@link encodeSafetensors} reading tensors with `await t.data()`, so it works on every backend,
 * devices that read only asynchronously (WebGPU) included: tensors and `{ dtype, shape, data }`
 * entries may be mixed, and the bytes are the same as `encodeSafetensors` gives for the same
 * values. Checks the arguments before reading anything.
 *
 * @param entries tensors or `{ dtype, shape, data }` entries by name (`__metadata__` is reserved).
 * @param metadata string-to-string map stored as the header's `__metadata__` (omitted when empty).
 *
 * @example
 * const bytes = await encodeSafetensorsAsync({ 'fc.weight': w, step: stepEntry }, { format: 'pt' });
 */
export async function encodeSafetensorsAsync(
  entries: Record<string, SafetensorsEntry | Tensor>,
  metadata?: Record<string, string>,
): Promise<Uint8Array> {
  if (typeof entries !== 'object' || entries === null || Array.isArray(entries)) {
    throw new ValueError(
      `encodeSafetensorsAsync: expected an object of tensors by name, got ${describe(entries)}`,
    );
  }
  checkMetadata(metadata);
  if (Object.hasOwn(entries, METADATA_KEY)) {
    throw new ValueError(
      `encodeSafetensorsAsync: '${METADATA_KEY}' is reserved for metadata, not a tensor name`,
    );
  }
  return encodeSafetensors(await readTensors(entries), metadata);
}

/**
 * Encodes a state dict as safetensors bytes, reading every tensor with `await t.data()`, so it
 * works on every backend (device tensors included). Same layout as {@link encodeSafetensors};
 * {@link encodeSafetensorsAsync} with every value required to be a tensor.
 *
 * @example
 * const bytes = await serializeStateDict(model.stateDict(), { step: String(step) });
 */
export async function serializeStateDict(
  stateDict: Record<string, Tensor>,
  metadata?: Record<string, string>,
): Promise<Uint8Array> {
  if (typeof stateDict !== 'object' || stateDict === null || Array.isArray(stateDict)) {
    throw new ValueError(
      `serializeStateDict: expected an object of tensors by name, got ${describe(stateDict)}`,
    );
  }
  for (const name of Object.keys(stateDict)) {
    const t = stateDict[name];
    if (!isTensor(t)) throw new ValueError(`serializeStateDict: '${name}' is ${describe(t)}, not a Tensor`);
  }
  return encodeSafetensorsAsync(stateDict, metadata);
}
