import type { AdamUpdateOptions } from '../backend.js';
import type { AdamUpdateResult } from '../composite/adam.js';
import { normalizeAxis } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { wrap } from './util.js';

/**
 * Fused gradient kernels as tensor functions (see `FusedKernels` of `Backend`). They are kernel
 * calls, not ops — nothing is recorded — so gradient rules use them only when the backward pass
 * itself is not being recorded, and the composites of `src/composite/` (the same math as recorded
 * primitives) otherwise.
 */

/** dL/dx = g·(Φ(x) + x·φ(x)) for `gelu`, or the derivative of its tanh form. */
export function geluBackward(x: Tensor, grad: Tensor, approximate: 'none' | 'tanh' = 'none'): Tensor {
  const b = x.backend;
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
  const ax = normalizeAxis(axis, y.rank, 'softmaxBackward');
  return wrap(
    b,
    b.softmaxBackward(y.backendView('softmaxBackward'), grad.backendView('softmaxBackward'), ax, log),
    y.shape,
    y.dtype,
  );
}

/**
 * One Adam or AdamW step for one parameter in one kernel call (the backend's own, or the default
 * `composite/adam.ts`, which is also the reference every kernel is checked against):
 * m ← β₁m + (1−β₁)g;  v ← β₂v + (1−β₂)g²;  θ ← θ − η/(1−β₁ᵗ) · m / (√v/√(1−β₂ᵗ) + ε), with
 * decoupled (AdamW) or L2 (Adam) weight decay. Used by `@dendrite/optim`.
 */
export function adamUpdate(
  param: Tensor,
  grad: Tensor,
  expAvg: Tensor,
  expAvgSq: Tensor,
  maxExpAvgSq: Tensor | null,
  options: AdamUpdateOptions,
): AdamUpdateResult {
  const b = param.backend;
  const [p, m, v, vmax] = b.adamUpdate(
    param.backendView('adamUpdate'),
    grad.backendView('adamUpdate'),
    expAvg.backendView('adamUpdate'),
    expAvgSq.backendView('adamUpdate'),
    maxExpAvgSq ? maxExpAvgSq.backendView('adamUpdate') : null,
    options,
  );
  const make = (h: typeof p) => wrap(b, h, param.shape, param.dtype);
  return { param: make(p), expAvg: make(m), expAvgSq: make(v), maxExpAvgSq: vmax ? make(vmax) : null };
}
