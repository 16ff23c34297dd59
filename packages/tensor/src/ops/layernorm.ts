import { emitOp, registerOp } from '../dispatch.js';
import { DTypeError, ShapeError, ValueError } from '../errors.js';
import { fmtShape, shapesEqual, sizeOf } from '../shape.js';
import { Tensor } from '../tensor.js';
import { checkTensor, commonBackend, wrap } from './util.js';
import { reshape } from './views.js';

const LAYER_NORM = registerOp('layerNorm', 'normalize', 'y = (x − mean)/√(var + ε)·w + b over the last dim');

function checkParam(op: string, x: Tensor, p: Tensor | null, what: string): void {
  if (p === null) return;
  checkTensor(p, op, what);
  const C = x.shape[x.rank - 1];
  if (p.rank !== 1 || p.shape[0] !== C) {
    throw new ShapeError(
      `${op}: ${what} must be [${C}] for input ${fmtShape(x.shape)}, got ${fmtShape(p.shape)}`,
    );
  }
  if (p.dtype !== x.dtype) throw new DTypeError(`${op}: ${what} is ${p.dtype} but the input is ${x.dtype}`);
}

function checkInputs(op: string, x: Tensor, weight: Tensor | null, bias: Tensor | null, eps: number): void {
  checkTensor(x, op, 'input');
  if (!x.isFloatingPoint) throw new DTypeError(`${op}: input must be float32 or float64, got ${x.dtype}`);
  if (x.rank < 1) throw new ShapeError(`${op}: input needs at least one dim, got a scalar`);
  if (typeof eps !== 'number' || !(eps >= 0))
    throw new ValueError(`${op}: eps must be a number ≥ 0, got ${eps}`);
  checkParam(op, x, weight, 'weight');
  checkParam(op, x, bias, 'bias');
  commonBackend(op, [x, ...(weight ? [weight] : []), ...(bias ? [bias] : [])]);
}

/**
 * The kernel of {@link layerNorm}: layer normalisation over the last dim only, with weight and bias
 * `[C]` or null: one `layerNorm` op, the backend's kernel (its own, or the default composed from its
 * primitives, see `composite/layer-norm.ts`). Not exported: callers use {@link layerNorm} with `normalizedShape` `[C]`.
 * y = (x − mean)/√(var + ε)·weight + bias over the last dim (biased variance)
 */
function layerNormLastDim(x: Tensor, weight: Tensor | null, bias: Tensor | null, eps: number): Tensor {
  checkInputs('layerNorm', x, weight, bias, eps);
  const b = x.backend;
  const handle = b.layerNorm(
    x.backendView('layerNorm'),
    weight ? weight.backendView('layerNorm') : null,
    bias ? bias.backendView('layerNorm') : null,
    eps,
  );
  const out = wrap(b, handle, x.shape, x.dtype);
  const inputs = [x, ...(weight ? [weight] : []), ...(bias ? [bias] : [])];
  return emitOp(LAYER_NORM, inputs, out, { eps, weight: weight !== null, bias: bias !== null });
}

function readNormalizedShape(x: Tensor, normalizedShape: unknown): number[] {
  if (normalizedShape instanceof Tensor || normalizedShape === undefined || normalizedShape === null) {
    const got = normalizedShape instanceof Tensor ? 'a Tensor' : String(normalizedShape);
    throw new ValueError(
      `layerNorm: normalizedShape must be a number or an array of dims, got ${got}; the signature is layerNorm(x, normalizedShape, weight, bias, eps) as torch.nn.functional.layer_norm (over the last dim: layerNorm(x, [${x.shape[x.rank - 1] ?? 'C'}], weight, bias))`,
    );
  }
  const dims = typeof normalizedShape === 'number' ? [normalizedShape] : normalizedShape;
  if (
    !Array.isArray(dims) ||
    dims.length === 0 ||
    dims.some((d) => typeof d !== 'number' || !Number.isInteger(d) || d <= 0)
  ) {
    throw new ValueError(
      `layerNorm: normalizedShape must be one or more positive integers, got ${Array.isArray(dims) ? fmtShape(dims) : String(dims)}`,
    );
  }
  const k = dims.length;
  if (x.rank < k || x.shape.slice(x.rank - k).some((d, i) => d !== dims[i])) {
    throw new ShapeError(
      `layerNorm: input ${fmtShape(x.shape)} must end in ${fmtShape(dims)} (normalizedShape)`,
    );
  }
  return dims;
}

function checkAffine(dims: readonly number[], p: Tensor | null, what: string): void {
  if (p === null) return;
  checkTensor(p, 'layerNorm', what);
  if (!shapesEqual(p.shape, dims)) {
    throw new ShapeError(
      `layerNorm: ${what} must have the normalizedShape ${fmtShape(dims)}, got ${fmtShape(p.shape)}`,
    );
  }
}

/**
 * Layer normalisation as `torch.nn.functional.layer_norm`: statistics over the trailing dims named
 * by `normalizedShape` (a number for the last dim), biased variance, then an optional per-element
 * `weight` and `bias` of shape `normalizedShape`. Over several dims the input is viewed as one
 * trailing dim of their product, so one fused kernel runs either way where the backend has it.
 * y = (x − mean)/√(var + ε)·weight + bias
 */
export function layerNorm(
  x: Tensor,
  normalizedShape: number | readonly number[],
  weight: Tensor | null = null,
  bias: Tensor | null = null,
  eps = 1e-5,
): Tensor {
  checkTensor(x, 'layerNorm', 'input');
  const dims = readNormalizedShape(x, normalizedShape);
  checkAffine(dims, weight, 'weight');
  checkAffine(dims, bias, 'bias');
  if (dims.length === 1) return layerNormLastDim(x, weight, bias, eps);
  const n = sizeOf(dims);
  const lead = x.shape.slice(0, x.rank - dims.length);
  const flat = (t: Tensor | null) => (t === null ? null : reshape(t, [n]));
  const y = layerNormLastDim(reshape(x, [...lead, n]), flat(weight), flat(bias), eps);
  return reshape(y, x.shape);
}

/**
 * The fused gradient kernel of the `layerNorm` op — layer norm over the last dim, weight `[C]` —
 * (not an op: it is not recorded). For upstream
 * gradient `grad`: dx, and dweight/dbias when those exist.
 */
export function layerNormBackward(
  x: Tensor,
  weight: Tensor | null,
  grad: Tensor,
  eps: number,
  withBias: boolean,
): { dx: Tensor; dweight: Tensor | null; dbias: Tensor | null } {
  const b = x.backend;
  const [dx, dw, db] = b.layerNormBackward(
    x.backendView('layerNormBackward'),
    weight ? weight.backendView('layerNormBackward') : null,
    grad.backendView('layerNormBackward'),
    eps,
    withBias,
  );
  const C = x.shape[x.rank - 1];
  return {
    dx: wrap(b, dx, x.shape, x.dtype),
    dweight: dw ? wrap(b, dw, [C], x.dtype) : null,
    dbias: db ? wrap(b, db, [C], x.dtype) : null,
  };
}
