import type { Backend } from './backend.js';
import { allocArray, assertDType, castScalar, type DType, dtypeOfArray, type TypedArray } from './dtype.js';
import { DTypeError, ShapeError, ValueError } from './errors.js';
import { type Generator, getDefaultGenerator } from './random.js';
import { resolveBackend } from './registry.js';
import { checkShape, fmtShape, type Shape, sizeOf } from './shape.js';
import { Tensor } from './tensor.js';

/** Where and how a new tensor is made. */
export interface CreateOptions {
  /** Element type (default float32; `tensor()` infers bool from booleans and keeps a typed array's type). */
  dtype?: DType;
  /** Backend instance or registered name (default: the current backend). */
  backend?: Backend | string;
}

export interface RandomOptions extends CreateOptions {
  /** Source of randomness (default: the generator `manualSeed` sets). */
  generator?: Generator;
}

/** Nested arrays of numbers or booleans. */
export type TensorLike = number | boolean | TypedArray | readonly TensorLike[];

function backendFor(options: CreateOptions | undefined, op: string): Backend {
  return resolveBackend(options?.backend, op);
}

function dtypeFor(
  options: CreateOptions | undefined,
  backend: Backend,
  op: string,
  fallback: DType = 'float32',
): DType {
  const dtype = options?.dtype === undefined ? fallback : assertDType(options.dtype, op);
  if (!backend.dtypes.has(dtype))
    throw new DTypeError(`${op}: backend '${backend.name}' does not support ${dtype}`);
  return dtype;
}

/** Wraps host values (already of `dtype`) as a tensor on `backend`. */
function fromValues(values: TypedArray, shape: Shape, dtype: DType, backend: Backend): Tensor {
  return Tensor.fromHandle(backend, backend.upload(values, dtype), shape, dtype);
}

function checkValue(v: number, dtype: DType, op: string, where: string): number {
  if (dtype === 'int32') {
    if (!Number.isInteger(v) || v < -2147483648 || v > 2147483647) {
      throw new DTypeError(`${op}: value ${v} at ${where} is not a 32-bit integer but dtype is int32`);
    }
  } else if (dtype === 'bool' && v !== 0 && v !== 1) {
    throw new DTypeError(`${op}: value ${v} at ${where} is not 0/1/true/false but dtype is bool`);
  }
  return v;
}

/** Whether every leaf of a nested array is a boolean. */
function allBooleans(value: unknown): boolean {
  if (Array.isArray(value)) return value.every(allBooleans);
  return typeof value === 'boolean';
}

/**
 * Makes a tensor from a number, nested arrays, or a typed array (with `shape`, default 1-D).
 * Ragged nesting, non-numeric entries and values a dtype cannot hold are rejected.
 *
 * @example tensor([[1, 2], [3, 4]]) // float32 [2,2]
 * @example tensor(new Int32Array([5, 7]), { shape: [2, 1] })
 */
export function tensor(data: TensorLike, options: CreateOptions & { shape?: Shape } = {}): Tensor {
  const backend = backendFor(options, 'tensor');
  if (ArrayBuffer.isView(data)) {
    const natural = dtypeOfArray(data as TypedArray);
    if (natural === undefined)
      throw new DTypeError(
        'tensor: unsupported typed array type (use Float32Array, Float64Array, Int32Array or Uint8Array)',
      );
    const dtype = dtypeFor(options, backend, 'tensor', natural);
    const src = data as TypedArray;
    const shape = options.shape ? checkShape(options.shape, 'tensor') : [src.length];
    if (sizeOf(shape) !== src.length) {
      throw new ShapeError(
        `tensor: shape ${fmtShape(shape)} needs ${sizeOf(shape)} values, got ${src.length}`,
      );
    }
    const values = allocArray(dtype, src.length);
    for (let i = 0; i < src.length; i++)
      values[i] = castScalar(checkValue(src[i], dtype, 'tensor', `[${i}]`), dtype);
    return fromValues(values, shape, dtype, backend);
  }
  const inferredShape: number[] = [];
  let sawBool = false;
  let probe: unknown = data;
  while (Array.isArray(probe)) {
    inferredShape.push(probe.length);
    probe = probe[0];
  }
  // bool only when every element is a boolean; booleans among numbers count as 0/1 (float32).
  if (typeof probe === 'boolean') sawBool = allBooleans(data);
  const dtype = dtypeFor(options, backend, 'tensor', sawBool ? 'bool' : 'float32');
  const flat = allocArray(dtype, sizeOf(inferredShape));
  let k = 0;
  const walk = (value: unknown, depth: number, path: number[]): void => {
    const where = `[${path.join('][')}]`;
    if (depth === inferredShape.length) {
      if (Array.isArray(value))
        throw new ShapeError(
          `tensor: ragged nested array: ${where} has more nesting than ${fmtShape(inferredShape)}`,
        );
      let v: number;
      if (typeof value === 'number') v = value;
      else if (typeof value === 'boolean') v = value ? 1 : 0;
      else
        throw new DTypeError(
          `tensor: element ${where} is ${value === null ? 'null' : typeof value}, expected a number or boolean`,
        );
      flat[k++] = castScalar(checkValue(v, dtype, 'tensor', where), dtype);
      return;
    }
    if (!Array.isArray(value) || value.length !== inferredShape[depth]) {
      const got = Array.isArray(value) ? `length ${value.length}` : 'a scalar';
      throw new ShapeError(
        `tensor: ragged nested array: ${where || 'the top level'} has ${got}, expected length ${inferredShape[depth]} (shape ${fmtShape(inferredShape)})`,
      );
    }
    for (let i = 0; i < value.length; i++) walk(value[i], depth + 1, [...path, i]);
  };
  walk(data, 0, []);
  let shape: number[] = inferredShape;
  if (options.shape) {
    shape = checkShape(options.shape, 'tensor');
    if (sizeOf(shape) !== flat.length) {
      throw new ShapeError(
        `tensor: shape ${fmtShape(shape)} needs ${sizeOf(shape)} values, got ${flat.length}`,
      );
    }
  }
  return fromValues(flat, shape, dtype, backend);
}

/** A 0-d tensor. */
export function scalar(value: number, options: CreateOptions = {}): Tensor {
  return tensor(value, options);
}

/** `full` under the name of the op the user called, so messages name it. */
function filled(op: string, shape: Shape, value: number, options: CreateOptions): Tensor {
  const backend = backendFor(options, op);
  const s = checkShape(shape, op);
  const dtype = dtypeFor(options, backend, op);
  if (typeof value !== 'number') throw new DTypeError(`${op}: value must be a number, got ${typeof value}`);
  checkValue(value, dtype, op, 'value');
  return Tensor.fromHandle(backend, backend.fill(sizeOf(s), castScalar(value, dtype), dtype), s, dtype);
}

/** A tensor of `shape` filled with `value`. */
export function full(shape: Shape, value: number, options: CreateOptions = {}): Tensor {
  return filled('full', shape, value, options);
}

/** A tensor of `shape` filled with 0. */
export function zeros(shape: Shape, options: CreateOptions = {}): Tensor {
  return filled('zeros', shape, 0, options);
}

/** A tensor of `shape` filled with 1. */
export function ones(shape: Shape, options: CreateOptions = {}): Tensor {
  return filled('ones', shape, 1, options);
}

function likeOptions(t: Tensor, options: CreateOptions): CreateOptions {
  return { dtype: options.dtype ?? t.dtype, backend: options.backend ?? t.backend };
}

/** Zeros with the shape (and, unless given, dtype and backend) of `t`. */
export function zerosLike(t: Tensor, options: CreateOptions = {}): Tensor {
  return filled('zerosLike', t.shape, 0, likeOptions(t, options));
}

/** Ones with the shape (and, unless given, dtype and backend) of `t`. */
export function onesLike(t: Tensor, options: CreateOptions = {}): Tensor {
  return filled('onesLike', t.shape, 1, likeOptions(t, options));
}

/** `value` everywhere, with the shape (and, unless given, dtype and backend) of `t`. */
export function fullLike(t: Tensor, value: number, options: CreateOptions = {}): Tensor {
  return filled('fullLike', t.shape, value, likeOptions(t, options));
}

/**
 * Evenly spaced values in `[start, end)` with `step` (`arange(n)` is `0..n-1`). The dtype is
 * int32 when every argument is an integer, else float32 (as NumPy), unless given.
 */
export function arange(start: number, end?: number, step = 1, options: CreateOptions = {}): Tensor {
  if (end === undefined) {
    end = start;
    start = 0;
  }
  for (const [name, v] of [
    ['start', start],
    ['end', end],
    ['step', step],
  ] as const) {
    if (typeof v !== 'number' || !Number.isFinite(v))
      throw new ValueError(`arange: ${name} must be a finite number, got ${v}`);
  }
  if (step === 0) throw new ValueError('arange: step must not be 0');
  const n = Math.max(0, Math.ceil((end - start) / step));
  const allInt = Number.isInteger(start) && Number.isInteger(end) && Number.isInteger(step);
  const backend = backendFor(options, 'arange');
  const dtype = dtypeFor(options, backend, 'arange', allInt ? 'int32' : 'float32');
  const values = allocArray(dtype, n);
  for (let i = 0; i < n; i++) values[i] = castScalar(start + i * step, dtype);
  return fromValues(values, [n], dtype, backend);
}

/** `steps` evenly spaced values from `start` to `end` inclusive. */
export function linspace(start: number, end: number, steps: number, options: CreateOptions = {}): Tensor {
  if (!Number.isInteger(steps) || steps < 0)
    throw new ValueError(`linspace: steps must be an integer ≥ 0, got ${steps}`);
  if (!Number.isFinite(start) || !Number.isFinite(end))
    throw new ValueError(`linspace: start and end must be finite, got ${start}, ${end}`);
  const backend = backendFor(options, 'linspace');
  const dtype = dtypeFor(options, backend, 'linspace');
  const values = allocArray(dtype, steps);
  const delta = steps > 1 ? (end - start) / (steps - 1) : 0;
  for (let i = 0; i < steps; i++)
    values[i] = castScalar(i === steps - 1 && steps > 1 ? end : start + i * delta, dtype);
  return fromValues(values, [steps], dtype, backend);
}

/** Identity matrix `[n, m]` (m defaults to n). */
export function eye(n: number, m = n, options: CreateOptions = {}): Tensor {
  checkShape([n, m], 'eye');
  const backend = backendFor(options, 'eye');
  const dtype = dtypeFor(options, backend, 'eye');
  const values = allocArray(dtype, n * m);
  for (let i = 0; i < Math.min(n, m); i++) values[i * m + i] = 1;
  return fromValues(values, [n, m], dtype, backend);
}

function randomFloat(
  shape: Shape,
  options: RandomOptions,
  op: string,
  draw: (g: Generator) => number,
): Tensor {
  const s = checkShape(shape, op);
  const backend = backendFor(options, op);
  const dtype = dtypeFor(options, backend, op);
  if (dtype !== 'float32' && dtype !== 'float64')
    throw new DTypeError(`${op}: dtype must be float32 or float64, got ${dtype}`);
  const g = options.generator ?? getDefaultGenerator();
  const values = allocArray(dtype, sizeOf(s));
  for (let i = 0; i < values.length; i++) values[i] = draw(g);
  return fromValues(values, s, dtype, backend);
}

/** Uniform values in `[low, high)` (default `[0, 1)`). */
export function rand(shape: Shape, options: RandomOptions & { low?: number; high?: number } = {}): Tensor {
  const low = options.low ?? 0;
  const high = options.high ?? 1;
  if (!(high >= low)) throw new ValueError(`rand: need low ≤ high, got [${low}, ${high})`);
  return randomFloat(shape, options, 'rand', (g) => low + (high - low) * g.nextFloat());
}

/** Normal values with `mean` (default 0) and `std` (default 1). */
export function randn(shape: Shape, options: RandomOptions & { mean?: number; std?: number } = {}): Tensor {
  const mean = options.mean ?? 0;
  const std = options.std ?? 1;
  if (!(std >= 0)) throw new ValueError(`randn: std must be ≥ 0, got ${std}`);
  return randomFloat(shape, options, 'randn', (g) => mean + std * g.nextNormal());
}

/** Uniform integers in `[low, high)` (int32 unless a dtype is given). */
export function randint(low: number, high: number, shape: Shape, options: RandomOptions = {}): Tensor {
  if (!Number.isInteger(low) || !Number.isInteger(high) || high <= low) {
    throw new ValueError(`randint: need integers low < high, got [${low}, ${high})`);
  }
  const s = checkShape(shape, 'randint');
  const backend = backendFor(options, 'randint');
  const dtype = dtypeFor(options, backend, 'randint', 'int32');
  if (dtype === 'int32' && (low < -(2 ** 31) || high > 2 ** 31)) {
    throw new ValueError(
      `randint: [${low}, ${high}) does not fit int32 [-2^31, 2^31); pick a smaller range or a float dtype`,
    );
  }
  const g = options.generator ?? getDefaultGenerator();
  const values = allocArray(dtype, sizeOf(s));
  for (let i = 0; i < values.length; i++) values[i] = castScalar(g.nextInt(low, high), dtype);
  return fromValues(values, s, dtype, backend);
}

/** Uniform `[0,1)` values shaped like `t`. */
export function randLike(t: Tensor, options: RandomOptions = {}): Tensor {
  return rand(t.shape, {
    ...options,
    dtype: options.dtype ?? t.dtype,
    backend: options.backend ?? t.backend,
  });
}

/** Standard normal values shaped like `t`. */
export function randnLike(t: Tensor, options: RandomOptions = {}): Tensor {
  return randn(t.shape, {
    ...options,
    dtype: options.dtype ?? t.dtype,
    backend: options.backend ?? t.backend,
  });
}
