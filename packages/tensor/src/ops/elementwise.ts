import type { BinaryOp, UnaryOp } from '../backend.js';
import { emitOp, registerOp } from '../dispatch.js';
import { type DType, toFloat } from '../dtype.js';
import { DTypeError, ShapeError, ValueError } from '../errors.js';
import { broadcastShapes, broadcastStrides, fmtShape, shapesEqual } from '../shape.js';
import type { Tensor, TensorOrScalar } from '../tensor.js';
import { cast } from './cast.js';
import { BINARY_OPS, BINARY_SPEC } from './spec/binary.js';
import { UNARY_OPS, UNARY_SPEC } from './spec/unary.js';
import { checkTensor, coerceOperands, commonBackend, ensureDType, scalarTensor, wrap } from './util.js';

// ---- unary ------------------------------------------------------------------------------------

// Each op's math, dtype rule and test domain live in its spec (spec/unary.ts, spec/binary.ts).
for (const op of UNARY_OPS) registerOp(op, 'unary', UNARY_SPEC[op].math);

/**
 * Applies the element-wise op `op` (a key of `UNARY_SPEC`) to `x`, with the spec's dtype rule.
 * The named functions below (`exp`, `log`, …) call it; tests that enumerate the spec call it by name.
 */
export function applyUnary(op: UnaryOp, x: Tensor): Tensor {
  checkTensor(x, op, 'input');
  const keepsInts = UNARY_SPEC[op].dtype === 'int-preserving';
  let input = x;
  if (x.dtype === 'bool') input = cast(x, keepsInts ? 'int32' : 'float32');
  else if (!keepsInts) input = ensureDType(x, toFloat(x.dtype));
  const b = input.backend;
  const out = wrap(b, b.unary(op, input.backendView(op)), input.shape, input.dtype);
  return emitOp(op, [input], out);
}

/** Negation: y = −x (ints stay ints). */
export const neg = (x: Tensor): Tensor => applyUnary('neg', x);
/** Absolute value: y = |x| (ints stay ints). */
export const abs = (x: Tensor): Tensor => applyUnary('abs', x);
/** Sign: y = −1, 0 or 1 (ints stay ints). */
export const sign = (x: Tensor): Tensor => applyUnary('sign', x);
/** Exponential: y = eˣ (ints compute in float32). */
export const exp = (x: Tensor): Tensor => applyUnary('exp', x);
/** Natural logarithm: y = ln x (NaN for x < 0, −∞ at 0). */
export const log = (x: Tensor): Tensor => applyUnary('log', x);
/**
 * y = ln(1 + x), accurate for x near 0 where `log(1 + x)` loses digits (as `torch.log1p`):
 * NaN for x < −1, −∞ at −1; ints compute in float32.
 */
export const log1p = (x: Tensor): Tensor => applyUnary('log1p', x);
/** Square root: y = √x. */
export const sqrt = (x: Tensor): Tensor => applyUnary('sqrt', x);
/** Reciprocal square root: y = 1/√x. */
export const rsqrt = (x: Tensor): Tensor => applyUnary('rsqrt', x);
/** Hyperbolic tangent: y = tanh x, in (−1, 1). */
export const tanh = (x: Tensor): Tensor => applyUnary('tanh', x);
/** Logistic sigmoid: y = 1/(1 + e⁻ˣ), in (0, 1), computed without overflow. */
export const sigmoid = (x: Tensor): Tensor => applyUnary('sigmoid', x);
/** Rectified linear unit: y = max(x, 0) (NaN stays NaN). */
export const relu = (x: Tensor): Tensor => applyUnary('relu', x);
/** Sine: y = sin x. */
export const sin = (x: Tensor): Tensor => applyUnary('sin', x);
/** Cosine: y = cos x. */
export const cos = (x: Tensor): Tensor => applyUnary('cos', x);
/** Error function: y = 2/√π ∫₀ˣ e^(−t²) dt. */
export const erf = (x: Tensor): Tensor => applyUnary('erf', x);

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
  return applyUnary(approximate === 'tanh' ? 'gelu_tanh' : 'gelu', x);
}

/** y = x² */
export const square = (x: Tensor): Tensor => mul(x, x);

// ---- binary -----------------------------------------------------------------------------------

for (const op of BINARY_OPS) {
  registerOp(op, BINARY_SPEC[op].dtype === 'comparison' ? 'comparison' : 'binary', BINARY_SPEC[op].math);
}

/**
 * Applies the element-wise op `op` (a key of `BINARY_SPEC`) to `a` and `b` with broadcasting and
 * the spec's dtype rule. The named functions below (`add`, `lt`, …) call it.
 */
export function applyBinary(op: BinaryOp, a: TensorOrScalar, b: TensorOrScalar): Tensor {
  const rule = BINARY_SPEC[op].dtype;
  let [x, y] = coerceOperands(op, [a, b]);
  // Arithmetic on bools counts in int32 (max and min of bools stay bool: or, and, as in PyTorch);
  // division always yields a float.
  if ((rule === 'arithmetic' || rule === 'float') && x.dtype === 'bool') {
    x = cast(x, 'int32');
    y = cast(y, 'int32');
  }
  if (op === 'pow' && x.dtype === 'int32' && typeof b === 'number' && b < 0) {
    throw new ValueError(
      `pow: an int32 tensor to a negative power (${b}) is not an integer; raise a float tensor (x.float().pow(${b}))`,
    );
  }
  if (rule === 'float') {
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
  const out = wrap(backend, handle, shape, rule === 'comparison' ? 'bool' : x.dtype);
  return emitOp(op, [x, y], out);
}

/** Sum a + b with NumPy broadcasting; numbers mix with tensors. */
export const add = (a: TensorOrScalar, b: TensorOrScalar): Tensor => applyBinary('add', a, b);
/** Difference a − b with broadcasting. */
export const sub = (a: TensorOrScalar, b: TensorOrScalar): Tensor => applyBinary('sub', a, b);
/** Element-wise product a · b with broadcasting. */
export const mul = (a: TensorOrScalar, b: TensorOrScalar): Tensor => applyBinary('mul', a, b);
/** Quotient a / b with broadcasting; always floating point (ints give float32). */
export const div = (a: TensorOrScalar, b: TensorOrScalar): Tensor => applyBinary('div', a, b);
/** Power aᵇ with broadcasting. */
export const pow = (a: TensorOrScalar, b: TensorOrScalar): Tensor => applyBinary('pow', a, b);
/** Element-wise max(a, b) with broadcasting; NaN propagates. */
export const maximum = (a: TensorOrScalar, b: TensorOrScalar): Tensor => applyBinary('maximum', a, b);
/** Element-wise min(a, b) with broadcasting; NaN propagates. */
export const minimum = (a: TensorOrScalar, b: TensorOrScalar): Tensor => applyBinary('minimum', a, b);
/** a == b element-wise (bool), with broadcasting. */
export const eq = (a: TensorOrScalar, b: TensorOrScalar): Tensor => applyBinary('eq', a, b);
/** a != b element-wise (bool), with broadcasting. */
export const ne = (a: TensorOrScalar, b: TensorOrScalar): Tensor => applyBinary('ne', a, b);
/** a < b element-wise (bool), with broadcasting. */
export const lt = (a: TensorOrScalar, b: TensorOrScalar): Tensor => applyBinary('lt', a, b);
/** a <= b element-wise (bool), with broadcasting. */
export const le = (a: TensorOrScalar, b: TensorOrScalar): Tensor => applyBinary('le', a, b);
/** a > b element-wise (bool), with broadcasting. */
export const gt = (a: TensorOrScalar, b: TensorOrScalar): Tensor => applyBinary('gt', a, b);
/** a >= b element-wise (bool), with broadcasting. */
export const ge = (a: TensorOrScalar, b: TensorOrScalar): Tensor => applyBinary('ge', a, b);

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
