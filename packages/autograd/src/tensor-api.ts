import { isFloat, Tensor } from '@dendrite/tensor';
import { type BackwardOptions, backward } from './backward.js';
import { AutogradError } from './errors.js';
import { ensureMeta, getMeta } from './meta.js';
import type { Node } from './node.js';

declare module '@dendrite/tensor' {
  interface Tensor {
    /** Whether gradients are computed for this tensor (set on leaves; ops propagate it). */
    requiresGrad: boolean;
    /** Gradient accumulated by `backward()` (leaves, and tensors that called `retainGrad()`). */
    grad: Tensor | null;
    /** The graph node that produced this tensor (null for leaves and constants). */
    readonly gradFn: Node | null;
    /** True for tensors not produced by a recorded op (user-created, parameters, detached). */
    readonly isLeaf: boolean;
    /** Marks a leaf as requiring gradients (PyTorch's `requires_grad_()`); returns `this`. */
    requiresGrad_(flag?: boolean): this;
    /**
     * Computes gradients of this tensor with respect to every leaf that requires them and adds
     * them into their `.grad`. A one-element tensor needs no `gradient`; others need dL/dthis.
     */
    backward(gradient?: Tensor, options?: BackwardOptions): void;
    /** A tensor sharing this one's values, cut from the graph (never requires grad). */
    detach(): Tensor;
    /** Keeps `.grad` on this non-leaf tensor during backward. */
    retainGrad(): this;
  }
}

function setRequiresGrad(t: Tensor, flag: boolean): void {
  const m = ensureMeta(t);
  if (m.gradFn && !flag) {
    throw new AutogradError(
      'requiresGrad: only leaf tensors can change requiresGrad; use detach() to get a tensor without gradients',
    );
  }
  if (flag && !isFloat(t.dtype)) {
    throw new AutogradError(`requiresGrad: only float tensors can require gradients, got ${t.dtype}`);
  }
  m.requiresGrad = flag;
}

Object.defineProperties(Tensor.prototype, {
  requiresGrad: {
    configurable: true,
    get(this: Tensor) {
      return getMeta(this)?.requiresGrad ?? false;
    },
    set(this: Tensor, flag: boolean) {
      setRequiresGrad(this, flag);
    },
  },
  grad: {
    configurable: true,
    get(this: Tensor) {
      return getMeta(this)?.grad ?? null;
    },
    set(this: Tensor, value: Tensor | null) {
      if (value !== null && !(value instanceof Tensor))
        throw new AutogradError('grad: must be a Tensor or null');
      ensureMeta(this).grad = value;
    },
  },
  gradFn: {
    configurable: true,
    get(this: Tensor) {
      return getMeta(this)?.gradFn ?? null;
    },
  },
  isLeaf: {
    configurable: true,
    get(this: Tensor) {
      return (getMeta(this)?.gradFn ?? null) === null;
    },
  },
});

Tensor.prototype.requiresGrad_ = function requiresGrad_(this: Tensor, flag = true) {
  setRequiresGrad(this, flag);
  return this;
};

Tensor.prototype.backward = function (this: Tensor, gradient?: Tensor, options?: BackwardOptions) {
  backward(this, gradient, options);
};

Tensor.prototype.detach = function detach(this: Tensor) {
  return this.alias();
};

Tensor.prototype.retainGrad = function retainGrad(this: Tensor) {
  const m = ensureMeta(this);
  if (!m.requiresGrad) throw new AutogradError('retainGrad: this tensor does not require grad');
  if (m.gradFn) m.gradFn.retained = new WeakRef(this);
  m.retainGrad = true;
  return this;
};
