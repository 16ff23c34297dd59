import type { ArgReduceOp, ReduceOp } from '../backend.js';
import { emitOp, registerOp } from '../dispatch.js';
import { toFloat } from '../dtype.js';
import { ShapeError, ValueError } from '../errors.js';
import { fmtShape, normalizeAxes, normalizeAxis } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { cast } from './cast.js';
import { abs, div, exp, log, lt, mul, sqrt, sub, where } from './elementwise.js';
import { checkTensor, ensureDType, wrap } from './util.js';

const SUM = registerOp('sum', 'reduce', 'y = Σᵢ xᵢ');
const MAX = registerOp('max', 'reduce', 'y = maxᵢ xᵢ');
const MIN = registerOp('min', 'reduce', 'y = minᵢ xᵢ');
const ARGMAX = registerOp('argmax', 'reduce', 'y = argmaxᵢ xᵢ');
const ARGMIN = registerOp('argmin', 'reduce', 'y = argminᵢ xᵢ');

type Axes = number | readonly number[] | null | undefined;

function keptShape(shape: readonly number[], axes: readonly number[], keepdim: boolean): number[] {
  const set = new Set(axes);
  const out: number[] = [];
  for (let i = 0; i < shape.length; i++) {
    if (!set.has(i)) out.push(shape[i]);
    else if (keepdim) out.push(1);
  }
  return out;
}

function reduce(op: ReduceOp, name: string, x: Tensor, axis: Axes, keepdim: boolean): Tensor {
  checkTensor(x, op, 'input');
  const axes = normalizeAxes(axis, x.rank, op);
  let input = x;
  if (op === 'sum' && x.dtype === 'bool') input = cast(x, 'int32');
  if (op !== 'sum') {
    for (const a of axes) {
      if (x.shape[a] === 0) {
        throw new ShapeError(`${op}: cannot reduce over axis ${a} of size 0 (shape ${fmtShape(x.shape)})`);
      }
    }
  }
  const b = input.backend;
  const handle = b.reduce(op, input.backendView(op), axes);
  const out = wrap(b, handle, keptShape(x.shape, axes, keepdim), input.dtype);
  return emitOp(name, [input], out, { axes, keepdim });
}

/** Sum over `axis` (all axes when omitted); bools and ints sum to int32. */
export function sum(x: Tensor, axis?: Axes, keepdim = false): Tensor {
  return reduce('sum', SUM, x, axis, keepdim);
}

/** Largest value over `axis` (all axes when omitted). */
export function max(x: Tensor, axis?: Axes, keepdim = false): Tensor {
  return reduce('max', MAX, x, axis, keepdim);
}

/** Smallest value over `axis` (all axes when omitted). */
export function min(x: Tensor, axis?: Axes, keepdim = false): Tensor {
  return reduce('min', MIN, x, axis, keepdim);
}

function countOver(x: Tensor, axis: Axes, op: string): number {
  const axes = normalizeAxes(axis, x.rank, op);
  let n = 1;
  for (const a of axes) n *= x.shape[a];
  return n;
}

/** Arithmetic mean over `axis` (all axes when omitted), in float. */
export function mean(x: Tensor, axis?: Axes, keepdim = false): Tensor {
  checkTensor(x, 'mean', 'input');
  const n = countOver(x, axis, 'mean');
  const f = ensureDType(x, toFloat(x.dtype));
  return div(sum(f, axis, keepdim), n);
}

/** Options of {@link variance} and {@link std}. */
export interface VarOptions {
  /** Bessel's correction: divide by N − correction (PyTorch's default 1: the unbiased estimate). */
  correction?: number;
  keepdim?: boolean;
}

/** Variance over `axis`: Σ(x − mean)² / (N − correction). */
export function variance(x: Tensor, axis?: Axes, options: VarOptions = {}): Tensor {
  checkTensor(x, 'var', 'input');
  const correction = options.correction ?? 1;
  if (!(correction >= 0)) throw new ValueError(`var: correction must be ≥ 0, got ${correction}`);
  const n = countOver(x, axis, 'var');
  const f = ensureDType(x, toFloat(x.dtype));
  const centered = sub(f, mean(f, axis, true));
  return div(sum(mul(centered, centered), axis, options.keepdim ?? false), Math.max(n - correction, 0));
}

/** Standard deviation: √var. */
export function std(x: Tensor, axis?: Axes, options: VarOptions = {}): Tensor {
  return sqrt(variance(x, axis, options));
}

/** log Σ exp(x) over `axis`, computed stably as m + log Σ exp(x − m). */
export function logSumExp(x: Tensor, axis: number | readonly number[], keepdim = false): Tensor {
  checkTensor(x, 'logSumExp', 'input');
  const f = ensureDType(x, toFloat(x.dtype));
  const rawMax = max(f, axis, true);
  // An infinite max (a slice of -inf, or any +inf) would give inf − inf = NaN: shift by 0 there
  // instead, so all -inf gives -inf and a +inf gives +inf (as torch.logsumexp).
  const m = where(lt(abs(rawMax), Number.POSITIVE_INFINITY), rawMax, 0);
  // m carries no gradient information of its own: the result's gradient is softmax(x) either way.
  const shifted = log(sum(exp(sub(f, m)), axis, true));
  const out = shifted.add(m);
  return keepdim ? out : out.squeeze(normalizeAxes(axis, x.rank, 'logSumExp'));
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

/** Index (int32) of the largest value along `axis` (of the flattened tensor when omitted). */
export function argmax(x: Tensor, axis?: number | null, keepdim = false): Tensor {
  return argReduce('argmax', ARGMAX, x, axis, keepdim);
}

/** Index (int32) of the smallest value along `axis` (of the flattened tensor when omitted). */
export function argmin(x: Tensor, axis?: number | null, keepdim = false): Tensor {
  return argReduce('argmin', ARGMIN, x, axis, keepdim);
}
