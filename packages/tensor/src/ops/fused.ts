import { ValueError } from '../errors.js';
import { normalizeAxis } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { wrap } from './util.js';

/**
 * Fused gradient kernels: one pass where a backend offers them (see the optional members of
 * `Backend`). They are kernel calls, not ops — nothing is recorded — so gradient rules use them
 * only when the backward pass itself is not being recorded, and use primitives otherwise.
 */
export function hasFusedKernel(backend: object, kernel: 'geluBackward' | 'softmaxBackward'): boolean {
  return typeof (backend as Record<string, unknown>)[kernel] === 'function';
}

/** dL/dx = g·(Φ(x) + x·φ(x)) for `gelu`, or the derivative of its tanh form. */
export function geluBackward(x: Tensor, grad: Tensor, approximate: 'none' | 'tanh' = 'none'): Tensor {
  const b = x.backend;
  if (!b.geluBackward) throw new ValueError(`geluBackward: backend '${b.name}' has no fused GELU gradient`);
  return wrap(
    b,
    b.geluBackward(x.backendView('geluBackward'), grad.backendView('geluBackward'), approximate),
    x.shape,
    x.dtype,
  );
}

/** dL/dx of softmax (or log-softmax) along `axis` from its output `y` and upstream gradient `grad`. */
export function softmaxBackward(y: Tensor, grad: Tensor, axis: number, log: boolean): Tensor {
  const b = y.backend;
  if (!b.softmaxBackward)
    throw new ValueError(`softmaxBackward: backend '${b.name}' has no fused softmax gradient`);
  const ax = normalizeAxis(axis, y.rank, 'softmaxBackward');
  return wrap(
    b,
    b.softmaxBackward(y.backendView('softmaxBackward'), grad.backendView('softmaxBackward'), ax, log),
    y.shape,
    y.dtype,
  );
}
