import { emitOp, registerOp } from '../dispatch.js';
import { DTypeError, ShapeError, ValueError } from '../errors.js';
import { fmtShape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { checkTensor, commonBackend, wrap } from './util.js';

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
 * Layer normalisation over the last dim: y = (x − mean)/√(var + ε)·weight + bias (biased variance),
 * weight and bias `[C]` or null. One fused kernel where the backend has it, else the same math
 * from primitives.
 */
export function layerNorm(
  x: Tensor,
  weight: Tensor | null = null,
  bias: Tensor | null = null,
  eps = 1e-5,
): Tensor {
  checkInputs('layerNorm', x, weight, bias, eps);
  const b = x.backend;
  if (!b.layerNorm) {
    const mean = x.mean(-1, true);
    const centered = x.sub(mean);
    let y = centered.mul(centered.square().mean(-1, true).add(eps).rsqrt());
    if (weight) y = y.mul(weight);
    if (bias) y = y.add(bias);
    return y;
  }
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

/** Whether `backend` runs layer normalisation (and its gradient) as fused kernels. */
export function hasFusedLayerNorm(backend: { layerNorm?: unknown; layerNormBackward?: unknown }): boolean {
  return typeof backend.layerNorm === 'function' && typeof backend.layerNormBackward === 'function';
}

/**
 * The fused gradient kernel of {@link layerNorm} (not an op: it is not recorded). For upstream
 * gradient `grad`: dx, and dweight/dbias when those exist. Only for backends with
 * {@link hasFusedLayerNorm}.
 */
export function layerNormBackward(
  x: Tensor,
  weight: Tensor | null,
  grad: Tensor,
  eps: number,
  withBias: boolean,
): { dx: Tensor; dweight: Tensor | null; dbias: Tensor | null } {
  const b = x.backend;
  if (!b.layerNormBackward)
    throw new ValueError(`layerNormBackward: backend '${b.name}' has no fused layer norm`);
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
