import { emitOp, registerOp } from '../dispatch.js';
import { DTypeError, ShapeError, ValueError } from '../errors.js';
import { fmtShape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { checkTensor, wrap } from './util.js';

const CAUSAL_SOFTMAX = registerOp(
  'causalSoftmax',
  'normalize',
  'yᵢⱼ = e^(s·xᵢⱼ) / Σ_{k ≤ i+Tk−Tq} e^(s·xᵢₖ) for j ≤ i + Tk − Tq, else 0',
);

function check(x: Tensor, scale: number): void {
  const op = 'causalSoftmax';
  checkTensor(x, op, 'input');
  x.assertLive(op);
  if (!x.isFloatingPoint) throw new DTypeError(`${op}: input must be float32 or float64, got ${x.dtype}`);
  if (x.rank < 2) {
    throw new ShapeError(`${op}: input must be [..., Tq, Tk] (at least 2 dims), got ${fmtShape(x.shape)}`);
  }
  const tq = x.shape[x.rank - 2];
  const tk = x.shape[x.rank - 1];
  if (tk < tq) {
    throw new ShapeError(
      `${op}: input ${fmtShape(x.shape)} has ${tq} queries but only ${tk} keys (needs Tk ≥ Tq: each query sees the keys up to its own position)`,
    );
  }
  if (typeof scale !== 'number' || !Number.isFinite(scale)) {
    throw new ValueError(`${op}: scale must be a finite number, got ${scale}`);
  }
}

/**
 * Causal softmax of attention scores `x` `[..., Tq, Tk]` along the last dim: y = softmax(scale·x)
 * where query i may see only keys j ≤ i + (Tk − Tq) — with a KV cache the queries are the last Tq
 * positions, so the last query sees every key. Masked entries are exactly 0 and never enter the
 * max or the sum. One kernel, without a mask tensor where the backend has its own (the default is a
 * `where` with a lower-triangular mask and a softmax). Needs Tk ≥ Tq.
 *
 * @example causalSoftmax(q.matmul(k.mT), 1 / Math.sqrt(headSize)) // attention weights
 */
export function causalSoftmax(x: Tensor, scale = 1): Tensor {
  check(x, scale);
  const b = x.backend;
  const out = wrap(b, b.causalSoftmax(x.backendView('causalSoftmax'), scale), x.shape, x.dtype);
  return emitOp(CAUSAL_SOFTMAX, [x], out, { scale });
}
