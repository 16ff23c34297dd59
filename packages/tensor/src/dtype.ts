import { BackendError, DTypeError } from './errors.js';

/**
 * Element types. `float32` is the default for values, `int32` for ids and indices, `bool` for
 * masks and comparisons, `float64` for gradient checks (CPU backend).
 */
export type DType = 'float32' | 'float64' | 'int32' | 'bool';

/** The typed array that stores each dtype on the CPU and when values are read back. */
export interface DTypeArrays {
  float32: Float32Array;
  float64: Float64Array;
  int32: Int32Array;
  bool: Uint8Array;
}

/** Any of the typed arrays tensors store their values in. */
export type TypedArray = Float32Array | Float64Array | Int32Array | Uint8Array;

export type ArrayFor<D extends DType> = DTypeArrays[D];

/** Every dtype, from most to least common. */
export const DTYPES: readonly DType[] = ['float32', 'float64', 'int32', 'bool'];

export function isDType(value: unknown): value is DType {
  return typeof value === 'string' && (DTYPES as readonly string[]).includes(value);
}

export function assertDType(value: unknown, where: string): DType {
  if (!isDType(value)) {
    throw new DTypeError(
      `${where}: unknown dtype ${JSON.stringify(value)}; expected one of ${DTYPES.join(', ')}`,
    );
  }
  return value;
}

/**
 * Allocates a zeroed typed array for `dtype` on the JavaScript heap (the default `ArrayAllocator`
 * of the CPU kernels). An array the engine cannot make (past its length limit, or more memory than
 * it can get) is a {@link BackendError} naming the element count and bytes, not a bare RangeError.
 */
export function allocArray(dtype: DType, size: number): TypedArray {
  try {
    return newArray(dtype, size);
  } catch (err) {
    if (!(err instanceof RangeError)) throw err;
    const bytes = size * BYTES[dtype];
    throw new BackendError(
      `cannot allocate ${size.toLocaleString('en-US')} ${dtype} elements (${(bytes / 2 ** 30).toFixed(1)} GiB) on the JavaScript heap: ${err.message}`,
    );
  }
}

const BYTES: Record<DType, number> = { float32: 4, float64: 8, int32: 4, bool: 1 };

function newArray(dtype: DType, size: number): TypedArray {
  switch (dtype) {
    case 'float32':
      return new Float32Array(size);
    case 'float64':
      return new Float64Array(size);
    case 'int32':
      return new Int32Array(size);
    case 'bool':
      return new Uint8Array(size);
  }
}

/** The dtype a typed array naturally stores. */
export function dtypeOfArray(values: TypedArray | ArrayLike<number>): DType | undefined {
  if (values instanceof Float32Array) return 'float32';
  if (values instanceof Float64Array) return 'float64';
  if (values instanceof Int32Array) return 'int32';
  if (values instanceof Uint8Array) return 'bool';
  return undefined;
}

/** Whether `dtype` is float32 or float64. */
export function isFloat(dtype: DType): boolean {
  return dtype === 'float32' || dtype === 'float64';
}

const RANK: Record<DType, number> = { bool: 0, int32: 1, float32: 2, float64: 3 };

/** Type promotion for binary ops: bool < int32 < float32 < float64 (as in PyTorch). */
export function promoteTypes(a: DType, b: DType): DType {
  return RANK[a] >= RANK[b] ? a : b;
}

/** The float dtype an op computes in for an input of `dtype` (ints and bools become float32). */
export function toFloat(dtype: DType): DType {
  return isFloat(dtype) ? dtype : 'float32';
}

/** Converts a JS number into the value a `dtype` element stores (truncation toward zero for int32). */
export function castScalar(value: number, dtype: DType): number {
  switch (dtype) {
    case 'bool':
      return value !== 0 ? 1 : 0;
    case 'int32':
      return value | 0;
    case 'float32':
      return Math.fround(value);
    default:
      return value;
  }
}

export function requireFloat(op: string, dtype: DType, what = 'input'): void {
  if (!isFloat(dtype)) throw new DTypeError(`${op}: ${what} must be float32 or float64, got ${dtype}`);
}
