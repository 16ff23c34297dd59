/**
 * `torch.save` and `torch.load` files (PyTorch ≥ 1.6's zip format) as bytes: a zip whose
 * `<archive>/data.pkl` pickles the saved object, with each tensor storage in `<archive>/data/<key>`
 * as raw little-endian elements, and `<archive>/version`. Runs in a browser too (no file system).
 */
import type { DType, TypedArray } from '@dendrite/tensor';
import { decodeElements, hostToLittleEndian } from '../safetensors/convert.js';
import { SafetensorsError } from '../safetensors/errors.js';
import { SAFETENSORS_DTYPES, type SafetensorsDType } from '../safetensors/format.js';
import { TorchCheckpointError } from './errors.js';
import { type PyCallable, readPickle } from './pickle-read.js';
import { OP, PickleWriter } from './pickle-write.js';
import { PyTuple, type PyValue, TorchTensor } from './values.js';
import { readZip, writeZip, type ZipEntry } from './zip.js';

/** PyTorch's storage classes, by the element type they hold (as safetensors names them). */
const STORAGE_DTYPES: Readonly<Record<string, SafetensorsDType>> = {
  FloatStorage: 'F32',
  DoubleStorage: 'F64',
  HalfStorage: 'F16',
  BFloat16Storage: 'BF16',
  LongStorage: 'I64',
  IntStorage: 'I32',
  ShortStorage: 'I16',
  CharStorage: 'I8',
  ByteStorage: 'U8',
  BoolStorage: 'BOOL',
};

/** The storage class each Dendrite dtype is written as. */
const STORAGE_OF: Readonly<Record<DType, string>> = {
  float32: 'FloatStorage',
  float64: 'DoubleStorage',
  int32: 'IntStorage',
  bool: 'BoolStorage',
};

/** The archive folder Dendrite writes (PyTorch takes whatever folder the first entry is in). */
const ARCHIVE = 'archive';
/** The file-format version `torch.save` has written since PyTorch 1.6 (read by every later one). */
const FORMAT_VERSION = '3\n';

/** Options of {@link encodeTorchSave}. */
export interface EncodeTorchSaveOptions {
  /** The folder inside the zip (default `archive`; PyTorch names it after the file). */
  archive?: string;
}

/**
 * The bytes `torch.save(value, f)` would write for `value` (see `PyValue` for how JavaScript values
 * map to Python's), readable by `torch.load` in PyTorch ≥ 1.6 (with `weights_only=True` too).
 * Tensors with the same `data` array share one storage. The bytes are the same for the same value.
 *
 * @example
 * const bytes = encodeTorchSave({ model: stateDict, iter_num: 200 });
 */
export function encodeTorchSave(value: PyValue, options: EncodeTorchSaveOptions = {}): Uint8Array {
  const archive = options.archive ?? ARCHIVE;
  if (!/^[A-Za-z0-9_.-]+$/.test(archive)) {
    throw new TorchCheckpointError(
      `archive ${JSON.stringify(archive)}: use letters, digits, '_', '-' and '.'`,
    );
  }
  const storages = new Map<TypedArray, string>();
  const records: ZipEntry[] = [];
  const writer = new PickleWriter((w, t, path) => {
    checkTensor(t, path);
    let storageKey = storages.get(t.data);
    if (storageKey === undefined) {
      storageKey = String(storages.size);
      storages.set(t.data, storageKey);
      records.push({ name: `${archive}/data/${storageKey}`, data: hostToLittleEndian(t.data) });
    }
    const strides = rowMajorStrides(t.shape);
    // torch._utils._rebuild_tensor_v2(storage, offset, size, stride, requires_grad, backward_hooks)
    w.global('torch._utils', '_rebuild_tensor_v2');
    w.byte(OP.MARK);
    // persistent id ('storage', torch.<Type>Storage, key, location, number of elements)
    w.byte(OP.MARK);
    w.string('storage');
    w.global('torch', STORAGE_OF[t.dtype]);
    w.string(storageKey);
    w.string('cpu');
    w.int(t.data.length, path);
    w.byte(OP.TUPLE);
    w.byte(OP.BINPERSID);
    w.int(0, path);
    w.tuple(t.shape, path);
    w.tuple(strides, path);
    w.value(t.requiresGrad, path);
    w.global('collections', 'OrderedDict');
    w.byte(OP.EMPTY_TUPLE);
    w.byte(OP.REDUCE);
    w.byte(OP.TUPLE);
    w.byte(OP.REDUCE);
  });
  const pickle = writer.finish(value);
  return writeZip([
    { name: `${archive}/data.pkl`, data: pickle },
    { name: `${archive}/byteorder`, data: new TextEncoder().encode('little') },
    ...records,
    { name: `${archive}/version`, data: new TextEncoder().encode(FORMAT_VERSION) },
  ]);
}

function checkTensor(t: TorchTensor, path: string): void {
  if (!Object.hasOwn(STORAGE_OF, t.dtype)) {
    throw new TorchCheckpointError(`${path}: dtype ${JSON.stringify(t.dtype)} is not a Dendrite dtype`);
  }
  const count = t.shape.reduce((n, d) => n * d, 1);
  if (!t.shape.every((d) => Number.isInteger(d) && d >= 0) || count !== t.data.length) {
    throw new TorchCheckpointError(
      `${path}: shape [${t.shape.join(', ')}] holds ${count} elements but its data has ${t.data.length}`,
    );
  }
}

function rowMajorStrides(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= Math.max(shape[i], 1);
  }
  return strides;
}

/** A storage named by a persistent id, decoded once however many tensors view it. */
class Storage {
  private decoded: TypedArray | undefined;
  constructor(
    readonly dtype: SafetensorsDType,
    readonly record: string,
    readonly bytes: Uint8Array,
    readonly count: number,
  ) {}
  elements(): TypedArray {
    if (this.decoded === undefined) {
      try {
        this.decoded = decodeElements(this.bytes, this.dtype, this.count, this.record);
      } catch (err) {
        if (err instanceof SafetensorsError) throw new TorchCheckpointError(err.detail);
        throw err;
      }
    }
    return this.decoded;
  }
}

/** A storage class as the pickle names it. */
class StorageType {
  constructor(
    readonly name: string,
    readonly dtype: SafetensorsDType,
  ) {}
}

/** Options of {@link decodeTorchSave}. */
export interface DecodeTorchSaveOptions {
  /** The path the bytes came from, named in errors. */
  file?: string;
}

/**
 * What `torch.load(f, weights_only=True)` gives for the bytes of a `torch.save` file (PyTorch ≥
 * 1.6): dicts as `Map`s, tuples as `PyTuple`s, tensors as `TorchTensor`s (contiguous copies,
 * wherever PyTorch put them: GPU tensors load as their data). Nothing in the file is run: only the
 * classes a checkpoint of tensors and plain values uses are allowed. Throws a
 * {@link TorchCheckpointError} naming the record and what is wrong.
 *
 * @example
 * const ckpt = decodeTorchSave(bytes) as Map<string, PyValue>;
 * const weights = ckpt.get('model') as Map<string, TorchTensor>;
 */
export function decodeTorchSave(bytes: Uint8Array, options: DecodeTorchSaveOptions = {}): PyValue {
  try {
    return decode(bytes);
  } catch (err) {
    if (err instanceof TorchCheckpointError && options.file !== undefined) throw err.withFile(options.file);
    throw err;
  }
}

function decode(bytes: Uint8Array): PyValue {
  const records = readZip(bytes);
  const pkl = [...records.keys()].find((name) => /^[^/]+\/data\.pkl$/.test(name));
  if (pkl === undefined) {
    throw new TorchCheckpointError(
      `no '<archive>/data.pkl' record among ${[...records.keys()].slice(0, 5).join(', ') || 'no records'}: not a torch.save file`,
    );
  }
  const archive = pkl.slice(0, -'data.pkl'.length);
  const byteorder = records.get(`${archive}byteorder`);
  if (byteorder !== undefined && new TextDecoder().decode(byteorder) !== 'little') {
    throw new TorchCheckpointError(
      'the storages are big-endian (byteorder record), which Dendrite does not read',
    );
  }
  const storages = new Map<string, Storage>();
  const globals = new Map<string, unknown>();
  for (const [name, dtype] of Object.entries(STORAGE_DTYPES))
    globals.set(`torch.${name}`, new StorageType(name, dtype));
  const ordered: PyCallable = () => new Map();
  globals.set('collections.OrderedDict', ordered);
  globals.set('torch._utils._rebuild_tensor_v2', rebuildTensor);
  globals.set('torch._utils._rebuild_parameter', (args: readonly unknown[]) => args[0]);
  globals.set('torch._utils._rebuild_parameter_with_state', (args: readonly unknown[]) => args[0]);
  globals.set('torch.Size', (args: readonly unknown[]) => args[0]);
  const value = readPickle(records.get(pkl) as Uint8Array, {
    where: pkl,
    globals,
    persistentLoad(pid) {
      const items = pid instanceof PyTuple ? pid.items : [];
      const [kind, type, key, , count] = items;
      if (
        kind !== 'storage' ||
        !(type instanceof StorageType) ||
        typeof key !== 'string' ||
        typeof count !== 'number'
      ) {
        throw new TorchCheckpointError(`${pkl}: a persistent id that is not a storage of torch.save`);
      }
      const record = `${archive}data/${key}`;
      let storage = storages.get(key);
      if (storage === undefined) {
        const data = records.get(record);
        if (data === undefined)
          throw new TorchCheckpointError(`record '${record}' is missing (a tensor's storage)`);
        const width = SAFETENSORS_DTYPES[type.dtype].bytes;
        if (data.length < count * width) {
          throw new TorchCheckpointError(
            `record '${record}' holds ${data.length} bytes; its ${count} ${type.name} elements need ${count * width}`,
          );
        }
        storage = new Storage(type.dtype, record, data.subarray(0, count * width), count);
        storages.set(key, storage);
      }
      return storage;
    },
  });
  return value as PyValue;
}

/** `torch._utils._rebuild_tensor_v2(storage, offset, size, stride, requires_grad, hooks[, metadata])`. */
function rebuildTensor(args: readonly unknown[], where: string): TorchTensor {
  const [storage, offset, size, stride, requiresGrad] = args;
  const dims = (v: unknown) =>
    v instanceof PyTuple && v.items.every((d) => typeof d === 'number' && Number.isInteger(d) && d >= 0)
      ? (v.items as number[])
      : null;
  const shape = dims(size);
  const strides = dims(stride);
  if (
    !(storage instanceof Storage) ||
    typeof offset !== 'number' ||
    !shape ||
    !strides ||
    shape.length !== strides.length
  ) {
    throw new TorchCheckpointError(`${where}: a tensor rebuilt from arguments torch.save does not write`);
  }
  const count = shape.reduce((n, d) => n * d, 1);
  let last = offset;
  for (let i = 0; i < shape.length; i++) if (shape[i] > 0) last += (shape[i] - 1) * strides[i];
  if (count > 0 && last >= storage.count) {
    throw new TorchCheckpointError(
      `${where}: a tensor of shape [${shape.join(', ')}] at offset ${offset} with strides [${strides.join(', ')}] reaches element ${last} of '${storage.record}', which holds ${storage.count}`,
    );
  }
  const src = storage.elements();
  const dtype = SAFETENSORS_DTYPES[storage.dtype].decodesTo;
  const out = new (src.constructor as new (n: number) => TypedArray)(count);
  const dense = rowMajorStrides(shape);
  const contiguous = strides.every((s, i) => shape[i] <= 1 || s === dense[i]);
  if (contiguous) out.set(src.subarray(offset, offset + count));
  else {
    const index = new Array<number>(shape.length).fill(0);
    for (let k = 0; k < count; k++) {
      let at = offset;
      for (let d = 0; d < shape.length; d++) at += index[d] * strides[d];
      out[k] = src[at];
      for (let d = shape.length - 1; d >= 0 && ++index[d] === shape[d]; d--) index[d] = 0;
    }
  }
  return new TorchTensor(dtype, shape, out, requiresGrad === true);
}
