import type { ArgReduceOp, ReduceOp } from '../backend.js';
import { emitOp, registerOp } from '../dispatch.js';
import { toFloat } from '../dtype.js';
import { ShapeError, ValueError } from '../errors.js';
import { fmtShape, normalizeAxes, normalizeAxis } from '../shape.js';
import { Tensor } from '../tensor.js';
import { cast } from './cast.js';
import { abs, div, exp, log, lt, maximum, minimum, mul, sqrt, sub, where } from './elementwise.js';
import { gather } from './indexing.js';
import { checkTensor, ensureDType, wrap } from './util.js';

const SUM = registerOp('sum', 'reduce', 'y = Σᵢ xᵢ');
const AMAX = registerOp('amax', 'reduce', 'y = maxᵢ xᵢ');
const AMIN = registerOp('amin', 'reduce', 'y = minᵢ xᵢ');
const ARGMAX = registerOp('argmax', 'reduce', 'y = argmaxᵢ xᵢ');
const ARGMIN = registerOp('argmin', 'reduce', 'y = argminᵢ xᵢ');

/** The axes a reduction runs over: one, several, or all of them (`undefined` or `null`). */
export type Axes = number | readonly number[] | null | undefined;

/**
 * The options every reduction takes after its axes (PyTorch's keyword arguments). Where PyTorch
 * takes `keepdim` positionally (`sum`, `mean`, `amax`, `amin`, `max`, `min`, `argmax`, `argmin`,
 * `logSumExp`), a bare boolean is the same as `{ keepdim }`.
 */
export interface ReduceOptions {
  /** Keep each reduced axis as a dim of size 1, so the result broadcasts against the input (default false). */
  keepdim?: boolean;
}

/** `keepdim` as a positional boolean or inside {@link ReduceOptions}. */
export type KeepDim = boolean | ReduceOptions;

/** Reads the `keepdim` argument of a reduction: a boolean, or an options object with only the allowed keys. */
function readOptions<T extends ReduceOptions>(
  op: string,
  arg: unknown,
  allowed: readonly string[],
  allowBoolean: boolean,
): T {
  if (arg === undefined || arg === null) return {} as T;
  if (typeof arg === 'boolean' && allowBoolean) return { keepdim: arg } as T;
  if (typeof arg !== 'object' || Array.isArray(arg)) {
    const got = Array.isArray(arg) ? `an array [${arg.join(',')}]` : `${typeof arg} ${String(arg)}`;
    throw new ValueError(
      `${op}: the argument after the axes is ${allowBoolean ? 'keepdim (a boolean) or ' : ''}an options object { ${allowed.join(', ')} }, got ${got}`,
    );
  }
  for (const key of Object.keys(arg)) {
    if (!allowed.includes(key)) {
      throw new ValueError(`${op}: unknown option '${key}' (options: ${allowed.join(', ')})`);
    }
  }
  const options = arg as T;
  if (options.keepdim !== undefined && typeof options.keepdim !== 'boolean') {
    throw new ValueError(`${op}: keepdim must be a boolean, got ${String(options.keepdim)}`);
  }
  return options;
}

function keepdimOf(op: string, arg: unknown): boolean {
  return readOptions<ReduceOptions>(op, arg, ['keepdim'], true).keepdim ?? false;
}

function keptShape(shape: readonly number[], axes: readonly number[], keepdim: boolean): number[] {
  const set = new Set(axes);
  const out: number[] = [];
  for (let i = 0; i < shape.length; i++) {
    if (!set.has(i)) out.push(shape[i]);
    else if (keepdim) out.push(1);
  }
  return out;
}

/** Runs a reduce kernel; `label` is the function the user called (for messages). */
function reduce(op: ReduceOp, name: string, label: string, x: Tensor, axis: Axes, keepdim: boolean): Tensor {
  checkTensor(x, label, 'input');
  const axes = normalizeAxes(axis, x.rank, label);
  let input = x;
  if (op === 'sum' && x.dtype === 'bool') input = cast(x, 'int32');
  if (op !== 'sum') {
    for (const a of axes) {
      if (x.shape[a] === 0) {
        throw new ShapeError(`${label}: cannot reduce over axis ${a} of size 0 (shape ${fmtShape(x.shape)})`);
      }
    }
  }
  const b = input.backend;
  const handle = b.reduce(op, input.backendView(label), axes);
  const out = wrap(b, handle, keptShape(x.shape, axes, keepdim), input.dtype);
  return emitOp(name, [input], out, { axes, keepdim });
}

/** Sum over `axis` (all axes when omitted); bools and ints sum to int32. y = Σᵢ xᵢ */
export function sum(x: Tensor, axis?: Axes, keepdim?: KeepDim): Tensor {
  return reduce('sum', SUM, 'sum', x, axis, keepdimOf('sum', keepdim));
}

/**
 * Largest value over `axis` — one, several or all axes (`torch.amax`); values only. The gradient
 * is split evenly between tied maxima. y = maxᵢ xᵢ
 */
export function amax(x: Tensor, axis?: Axes, keepdim?: KeepDim): Tensor {
  return reduce('max', AMAX, 'amax', x, axis, keepdimOf('amax', keepdim));
}

/**
 * Smallest value over `axis` — one, several or all axes (`torch.amin`); values only. The gradient
 * is split evenly between tied minima. y = minᵢ xᵢ
 */
export function amin(x: Tensor, axis?: Axes, keepdim?: KeepDim): Tensor {
  return reduce('min', AMIN, 'amin', x, axis, keepdimOf('amin', keepdim));
}

/** The result of {@link max} / {@link min} along one dim (PyTorch's `(values, indices)` named tuple). */
export interface ValuesIndices {
  /** The extreme values, in the input's dtype; gradients flow to the input position each came from. */
  readonly values: Tensor;
  /** Their positions along the dim (int32; the first one among ties); no gradient. */
  readonly indices: Tensor;
}

/** @internal The three forms of {@link max} and {@link min} (Tensor's overloaded methods call it). */
export function extremeAlong(
  op: 'max' | 'min',
  x: Tensor,
  dim: unknown,
  keepdim: unknown,
): Tensor | ValuesIndices {
  checkTensor(x, op, 'input');
  if (dim instanceof Tensor) {
    // torch.max(input, other): the element-wise form.
    if (keepdim !== undefined) throw new ValueError(`${op}: ${op}(x, other) takes no keepdim`);
    return op === 'max' ? maximum(x, dim) : minimum(x, dim);
  }
  const whole = op === 'max' ? 'amax' : 'amin';
  if (dim === undefined || dim === null) {
    if (keepdim !== undefined && keepdim !== false) {
      throw new ValueError(
        `${op}: ${op}(x) reduces every element and has no keepdim; use ${whole}(x, null, true) to keep the dims`,
      );
    }
    return reduce(op, op === 'max' ? AMAX : AMIN, op, x, null, false);
  }
  if (typeof dim !== 'number') {
    const got = Array.isArray(dim) ? `[${dim.join(',')}]` : String(dim);
    throw new ValueError(
      `${op}: dim must be one integer (${op}(x, dim) returns { values, indices } as torch.${op}), got ${got}; for the values over several axes use ${whole}(x, ${got})`,
    );
  }
  const keep = keepdimOf(op, keepdim);
  const ax = normalizeAxis(dim, x.rank, op);
  if (x.shape[ax] === 0) {
    throw new ShapeError(`${op}: cannot reduce over axis ${ax} of size 0 (shape ${fmtShape(x.shape)})`);
  }
  // values = x at the arg-extreme: a gather, so the gradient goes to that one position (as PyTorch).
  const at = argReduce(op === 'max' ? 'argmax' : 'argmin', op === 'max' ? ARGMAX : ARGMIN, x, ax, true);
  const values = gather(x, ax, at);
  if (keep) return { values, indices: at };
  return { values: values.squeeze(ax), indices: at.squeeze(ax) };
}

/**
 * PyTorch's `torch.max`, three forms:
 * - `max(x)`: the largest element, a 0-d tensor (gradient split evenly between ties);
 * - `max(x, dim, keepdim?)`: `{ values, indices }` along one dim, values = x[indices] — the
 *   gradient of `values` flows to the position `indices` names (for values only over several
 *   axes, use {@link amax});
 * - `max(x, other)`: the element-wise {@link maximum}.
 *
 * values = maxⱼ x[…, j, …], indices = argmaxⱼ x[…, j, …]
 */
export function max(x: Tensor): Tensor;
export function max(x: Tensor, dim: number, keepdim?: KeepDim): ValuesIndices;
export function max(x: Tensor, other: Tensor): Tensor;
export function max(x: Tensor, dim?: number | Tensor, keepdim?: KeepDim): Tensor | ValuesIndices {
  return extremeAlong('max', x, dim, keepdim);
}

/**
 * PyTorch's `torch.min`: `min(x)` the smallest element; `min(x, dim, keepdim?)`
 * `{ values, indices }` along one dim (see {@link max}); `min(x, other)` the element-wise
 * {@link minimum}. values = minⱼ x[…, j, …], indices = argminⱼ x[…, j, …]
 */
export function min(x: Tensor): Tensor;
export function min(x: Tensor, dim: number, keepdim?: KeepDim): ValuesIndices;
export function min(x: Tensor, other: Tensor): Tensor;
export function min(x: Tensor, dim?: number | Tensor, keepdim?: KeepDim): Tensor | ValuesIndices {
  return extremeAlong('min', x, dim, keepdim);
}

function countOver(x: Tensor, axis: Axes, op: string): number {
  const axes = normalizeAxes(axis, x.rank, op);
  let n = 1;
  for (const a of axes) n *= x.shape[a];
  return n;
}

/** Arithmetic mean over `axis` (all axes when omitted), in float. y = Σᵢ xᵢ / N */
export function mean(x: Tensor, axis?: Axes, keepdim?: KeepDim): Tensor {
  checkTensor(x, 'mean', 'input');
  const keep = keepdimOf('mean', keepdim);
  const n = countOver(x, axis, 'mean');
  const f = ensureDType(x, toFloat(x.dtype));
  return div(sum(f, axis, keep), n);
}

/**
 * Options of {@link variance} and {@link std}: PyTorch's keyword-only `correction` and `keepdim`.
 * There is no positional boolean: PyTorch's third positional argument of `var` is the deprecated
 * `unbiased`, so `x.var(1, false)` would mean different things in the two; it is an error here.
 */
export interface VarOptions extends ReduceOptions {
  /** Bessel's correction: divide by N − correction (PyTorch's default 1: the unbiased estimate). */
  correction?: number;
}

function varOptions(op: string, arg: unknown): { correction: number; keepdim: boolean } {
  if (typeof arg === 'boolean') {
    throw new ValueError(
      `${op}: the argument after the axes is an options object { correction, keepdim }, got ${arg}; PyTorch's positional ${op}(x, dim, unbiased) is deprecated there — write { correction: ${arg ? 1 : 0} }, and { keepdim: true } to keep the dims`,
    );
  }
  const options = readOptions<VarOptions>(op, arg, ['correction', 'keepdim'], false);
  const correction = options.correction ?? 1;
  if (typeof correction !== 'number' || !(correction >= 0)) {
    throw new ValueError(`${op}: correction must be ≥ 0, got ${String(correction)}`);
  }
  return { correction, keepdim: options.keepdim ?? false };
}

/**
 * Variance over `axis` (all axes when omitted), `torch.var(x, dim, *, correction=1, keepdim=False)`.
 * y = Σᵢ (xᵢ − x̄)² / (N − correction)
 */
export function variance(x: Tensor, axis?: Axes, options?: VarOptions): Tensor {
  checkTensor(x, 'var', 'input');
  const { correction, keepdim } = varOptions('var', options);
  const n = countOver(x, axis, 'var');
  const f = ensureDType(x, toFloat(x.dtype));
  const centered = sub(f, mean(f, axis, true));
  return div(sum(mul(centered, centered), axis, keepdim), Math.max(n - correction, 0));
}

/** Standard deviation over `axis`, with the options of {@link variance}. y = √var(x) */
export function std(x: Tensor, axis?: Axes, options?: VarOptions): Tensor {
  checkTensor(x, 'std', 'input');
  varOptions('std', options);
  return sqrt(variance(x, axis, options));
}

/** log Σ exp(x) over `axis`, computed stably as m + log Σ exp(x − m). y = log Σᵢ e^(xᵢ) */
export function logSumExp(x: Tensor, axis: number | readonly number[], keepdim?: KeepDim): Tensor {
  checkTensor(x, 'logSumExp', 'input');
  const keep = keepdimOf('logSumExp', keepdim);
  const f = ensureDType(x, toFloat(x.dtype));
  const rawMax = amax(f, axis, true);
  // An infinite max (a slice of -inf, or any +inf) would give inf − inf = NaN: shift by 0 there
  // instead, so all -inf gives -inf and a +inf gives +inf (as torch.logsumexp).
  const m = where(lt(abs(rawMax), Number.POSITIVE_INFINITY), rawMax, 0);
  // m carries no gradient information of its own: the result's gradient is softmax(x) either way.
  const shifted = log(sum(exp(sub(f, m)), axis, true));
  const out = shifted.add(m);
  return keep ? out : out.squeeze(normalizeAxes(axis, x.rank, 'logSumExp'));
}

function argReduce(
  op: ArgReduceOp,
  name: string,
  x: Tensor,
  axis: number | null | undefined,
  keepdim: boolean,
): Tensor {
  checkTensor(x, op, 'input');
  let input = x;
  let ax: number;
  if (axis === undefined || axis === null) {
    input = x.reshape(-1);
    ax = 0;
  } else ax = normalizeAxis(axis, x.rank, op);
  if (input.shape[ax] === 0)
    throw new ShapeError(`${op}: cannot reduce over an empty axis (shape ${fmtShape(x.shape)})`);
  if (input.dtype === 'bool') input = cast(input, 'int32');
  const b = input.backend;
  const handle = b.argReduce(op, input.backendView(op), ax);
  let shape = keptShape(input.shape, [ax], keepdim);
  if ((axis === undefined || axis === null) && keepdim) shape = x.shape.map(() => 1);
  const out = wrap(b, handle, shape, 'int32');
  return emitOp(name, [input], out, { axis: ax, keepdim });
}

/** Index (int32) of the largest value along `axis` (of the flattened tensor when omitted); the first among ties. y = argmaxᵢ xᵢ */
export function argmax(x: Tensor, axis?: number | null, keepdim?: KeepDim): Tensor {
  return argReduce('argmax', ARGMAX, x, axis, keepdimOf('argmax', keepdim));
}

/** Index (int32) of the smallest value along `axis` (of the flattened tensor when omitted); the first among ties. y = argminᵢ xᵢ */
export function argmin(x: Tensor, axis?: number | null, keepdim?: KeepDim): Tensor {
  return argReduce('argmin', ARGMIN, x, axis, keepdimOf('argmin', keepdim));
}
