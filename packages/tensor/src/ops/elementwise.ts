import { type BinaryOp, COMPARISON_OPS, type UnaryOp } from '../backend.js';
import { emitOp, registerOp } from '../dispatch.js';
import { type DType, toFloat } from '../dtype.js';
import { DTypeError, ShapeError, ValueError } from '../errors.js';
import { broadcastShapes, broadcastStrides, fmtShape, shapesEqual } from '../shape.js';
import type { Tensor, TensorOrScalar } from '../tensor.js';
import { cast } from './cast.js';
import { checkTensor, coerceOperands, commonBackend, ensureDType, scalarTensor, wrap } from './util.js';

// ---- unary ------------------------------------------------------------------------------------

const UNARY_MATH: Record<UnaryOp, string> = {
  neg: 'y = -x',
  abs: 'y = |x|',
  sign: 'y = sign(x)',
  exp: 'y = eˣ',
  log: 'y = ln x',
  sqrt: 'y = √x',
  rsqrt: 'y = 1/√x',
  tanh: 'y = tanh x',
  sigmoid: 'y = 1/(1+e⁻ˣ)',
  relu: 'y = max(x, 0)',
  gelu: 'y = x·Φ(x) = ½x(1 + erf(x/√2))',
  gelu_tanh: 'y = ½x(1 + tanh(√(2/π)(x + 0.044715x³)))',
  sin: 'y = sin x',
  cos: 'y = cos x',
  erf: 'y = 2/√π ∫₀ˣ e^(−t²) dt',
};
for (const [name, math] of Object.entries(UNARY_MATH)) registerOp(name, 'unary', math);

/** Ops that keep integer dtypes; every other unary op computes in float. */
const INT_PRESERVING: ReadonlySet<UnaryOp> = new Set(['neg', 'abs', 'sign']);

function unary(op: UnaryOp, x: Tensor): Tensor {
  checkTensor(x, op, 'input');
  let input = x;
  if (x.dtype === 'bool') input = cast(x, INT_PRESERVING.has(op) ? 'int32' : 'float32');
  else if (!INT_PRESERVING.has(op)) input = ensureDType(x, toFloat(x.dtype));
  const b = input.backend;
  const out = wrap(b, b.unary(op, input.backendView(op)), input.shape, input.dtype);
  return emitOp(op, [input], out);
}

/** Negation: y = −x (ints stay ints). */
export const neg = (x: Tensor): Tensor => unary('neg', x);
/** Absolute value: y = |x| (ints stay ints). */
export const abs = (x: Tensor): Tensor => unary('abs', x);
/** Sign: y = −1, 0 or 1 (ints stay ints). */
export const sign = (x: Tensor): Tensor => unary('sign', x);
/** Exponential: y = eˣ (ints compute in float32). */
export const exp = (x: Tensor): Tensor => unary('exp', x);
/** Natural logarithm: y = ln x (NaN for x < 0, −∞ at 0). */
export const log = (x: Tensor): Tensor => unary('log', x);
/** Square root: y = √x. */
export const sqrt = (x: Tensor): Tensor => unary('sqrt', x);
/** Reciprocal square root: y = 1/√x. */
export const rsqrt = (x: Tensor): Tensor => unary('rsqrt', x);
/** Hyperbolic tangent: y = tanh x, in (−1, 1). */
export const tanh = (x: Tensor): Tensor => unary('tanh', x);
/** Logistic sigmoid: y = 1/(1 + e⁻ˣ), in (0, 1), computed without overflow. */
export const sigmoid = (x: Tensor): Tensor => unary('sigmoid', x);
/** Rectified linear unit: y = max(x, 0) (NaN stays NaN). */
export const relu = (x: Tensor): Tensor => unary('relu', x);
/** Sine: y = sin x. */
export const sin = (x: Tensor): Tensor => unary('sin', x);
/** Cosine: y = cos x. */
export const cos = (x: Tensor): Tensor => unary('cos', x);
/** Error function: y = 2/√π ∫₀ˣ e^(−t²) dt. */
export const erf = (x: Tensor): Tensor => unary('erf', x);

/** Options of {@link gelu}. */
export interface GeluOptions {
  /** `'none'` (default): the exact erf form; `'tanh'`: GPT-2's tanh approximation. */
  approximate?: 'none' | 'tanh';
}

/** GELU, exact (`x·Φ(x)`) or the tanh approximation, as `torch.nn.functional.gelu`. */
export function gelu(x: Tensor, options: GeluOptions = {}): Tensor {
  const approximate = options.approximate ?? 'none';
  if (approximate !== 'none' && approximate !== 'tanh') {
    throw new ValueError(`gelu: approximate must be 'none' or 'tanh', got ${JSON.stringify(approximate)}`);
  }
  return unary(approximate === 'tanh' ? 'gelu_tanh' : 'gelu', x);
}

/** y = x² */
export const square = (x: Tensor): Tensor => mul(x, x);

// ---- binary -----------------------------------------------------------------------------------

const BINARY_MATH: Record<BinaryOp, string> = {
  add: 'y = a + b',
  sub: 'y = a - b',
  mul: 'y = a · b',
  div: 'y = a / b',
  pow: 'y = aᵇ',
  maximum: 'y = max(a, b)',
  minimum: 'y = min(a, b)',
  eq: 'y = (a == b)',
  ne: 'y = (a != b)',
  lt: 'y = (a < b)',
  le: 'y = (a <= b)',
  gt: 'y = (a > b)',
  ge: 'y = (a >= b)',
};
for (const [name, math] of Object.entries(BINARY_MATH)) {
  registerOp(name, COMPARISON_OPS.has(name as BinaryOp) ? 'comparison' : 'binary', math);
}

function binary(op: BinaryOp, a: TensorOrScalar, b: TensorOrScalar): Tensor {
  let [x, y] = coerceOperands(op, [a, b]);
  // Arithmetic on bools counts in int32 (max and min of bools stay bool: or, and, as in PyTorch);
  // division always yields a float.
  if (!COMPARISON_OPS.has(op) && op !== 'maximum' && op !== 'minimum' && x.dtype === 'bool') {
    x = cast(x, 'int32');
    y = cast(y, 'int32');
  }
  if (op === 'pow' && x.dtype === 'int32' && typeof b === 'number' && b < 0) {
    throw new ValueError(
      `pow: an int32 tensor to a negative power (${b}) is not an integer; raise a float tensor (x.float().pow(${b}))`,
    );
  }
  if (op === 'div') {
    const f: DType = toFloat(x.dtype);
    x = ensureDType(x, f);
    y = ensureDType(y, f);
  }
  const shape = broadcastShapes(op, x.shape, y.shape);
  const backend = x.backend;
  const xv = x.backendView(op);
  const yv = y.backendView(op);
  const handle = backend.binary(
    op,
    { ...xv, shape, strides: broadcastStrides(xv.shape, xv.strides, shape) },
    { ...yv, shape, strides: broadcastStrides(yv.shape, yv.strides, shape) },
    shape,
  );
  const out = wrap(backend, handle, shape, COMPARISON_OPS.has(op) ? 'bool' : x.dtype);
  return emitOp(op, [x, y], out);
}

/** Sum a + b with NumPy broadcasting; numbers mix with tensors. */
export const add = (a: TensorOrScalar, b: TensorOrScalar): Tensor => binary('add', a, b);
/** Difference a − b with broadcasting. */
export const sub = (a: TensorOrScalar, b: TensorOrScalar): Tensor => binary('sub', a, b);
/** Element-wise product a · b with broadcasting. */
export const mul = (a: TensorOrScalar, b: TensorOrScalar): Tensor => binary('mul', a, b);
/** Quotient a / b with broadcasting; always floating point (ints give float32). */
export const div = (a: TensorOrScalar, b: TensorOrScalar): Tensor => binary('div', a, b);
/** Power aᵇ with broadcasting. */
export const pow = (a: TensorOrScalar, b: TensorOrScalar): Tensor => binary('pow', a, b);
/** Element-wise max(a, b) with broadcasting; NaN propagates. */
export const maximum = (a: TensorOrScalar, b: TensorOrScalar): Tensor => binary('maximum', a, b);
/** Element-wise min(a, b) with broadcasting; NaN propagates. */
export const minimum = (a: TensorOrScalar, b: TensorOrScalar): Tensor => binary('minimum', a, b);
/** a == b element-wise (bool), with broadcasting. */
export const eq = (a: TensorOrScalar, b: TensorOrScalar): Tensor => binary('eq', a, b);
/** a != b element-wise (bool), with broadcasting. */
export const ne = (a: TensorOrScalar, b: TensorOrScalar): Tensor => binary('ne', a, b);
/** a < b element-wise (bool), with broadcasting. */
export const lt = (a: TensorOrScalar, b: TensorOrScalar): Tensor => binary('lt', a, b);
/** a <= b element-wise (bool), with broadcasting. */
export const le = (a: TensorOrScalar, b: TensorOrScalar): Tensor => binary('le', a, b);
/** a > b element-wise (bool), with broadcasting. */
export const gt = (a: TensorOrScalar, b: TensorOrScalar): Tensor => binary('gt', a, b);
/** a >= b element-wise (bool), with broadcasting. */
export const ge = (a: TensorOrScalar, b: TensorOrScalar): Tensor => binary('ge', a, b);

// ---- selection --------------------------------------------------------------------------------

const WHERE = registerOp('where', 'select', 'y = cond ? a : b');

/** Element-wise `condition ? a : b` with broadcasting; `condition` must be bool. */
export function where(condition: Tensor, a: TensorOrScalar, b: TensorOrScalar): Tensor {
  checkTensor(condition, 'where', 'condition');
  if (condition.dtype !== 'bool') {
    throw new DTypeError(
      `where: condition must be bool, got ${condition.dtype} (compare with a value first, e.g. x.gt(0))`,
    );
  }
  // Two numbers (torch.where(c, 1, 0)): int32 when both are integers that fit, else float32.
  const bothNumbers = typeof a === 'number' && typeof b === 'number';
  const pair = bothNumbers
    ? (() => {
        const fits = (v: number) => Number.isInteger(v) && v >= -(2 ** 31) && v < 2 ** 31;
        const dtype: DType = fits(a) && fits(b) ? 'int32' : 'float32';
        return [scalarTensor(a, dtype, condition.backend), scalarTensor(b, dtype, condition.backend)];
      })()
    : coerceOperands('where', [a, b]);
  const [x, y] = pair;
  const shape = broadcastShapes('where', condition.shape, x.shape, y.shape);
  const backend = x.backend;
  commonBackend('where', [condition, x, y]);
  const bc = (t: Tensor) => {
    const v = t.backendView('where');
    return { ...v, shape, strides: broadcastStrides(v.shape, v.strides, shape) };
  };
  const out = wrap(backend, backend.where(bc(condition), bc(x), bc(y), shape), shape, x.dtype);
  return emitOp(WHERE, [condition, x, y], out);
}

/** Returns `x` with `value` where `mask` (bool, broadcastable to x) is true. */
export function maskedFill(x: Tensor, mask: Tensor, value: number): Tensor {
  checkTensor(x, 'maskedFill', 'input');
  checkTensor(mask, 'maskedFill', 'mask');
  if (mask.dtype !== 'bool') throw new DTypeError(`maskedFill: mask must be bool, got ${mask.dtype}`);
  if (typeof value !== 'number')
    throw new DTypeError(`maskedFill: value must be a number, got ${typeof value}`);
  const shape = broadcastShapes('maskedFill', x.shape, mask.shape);
  if (!shapesEqual(shape, x.shape)) {
    throw new ShapeError(
      `maskedFill: mask ${fmtShape(mask.shape)} must broadcast to the input's shape ${fmtShape(x.shape)}`,
    );
  }
  const fill = scalarTensor(
    value,
    x.dtype === 'int32' && !Number.isInteger(value) ? 'float32' : x.dtype,
    x.backend,
  );
  return where(mask, fill, x);
}

/** Limits values to `[min, max]` (either bound may be omitted). */
export function clamp(x: Tensor, min?: number | null, max?: number | null): Tensor {
  checkTensor(x, 'clamp', 'input');
  const hasMin = min !== undefined && min !== null;
  const hasMax = max !== undefined && max !== null;
  if (!hasMin && !hasMax) throw new ValueError('clamp: give at least one of min and max');
  if (hasMin && hasMax && (min as number) > (max as number)) {
    throw new ValueError(`clamp: min ${min} is greater than max ${max}`);
  }
  let y = x;
  if (hasMin) y = maximum(y, min as number);
  if (hasMax) y = minimum(y, max as number);
  return y;
}
