import {
  type AdamUpdateOptions,
  type Backend,
  type BackendPrimitives,
  FUSED_KERNEL_NAMES,
  type FusedKernels,
  type Handle,
  type View,
} from './backend.js';
import { adamUpdateComposite } from './composite/adam.js';
import { causalSoftmaxComposite } from './composite/causal-softmax.js';
import { crossEntropyBackwardComposite, crossEntropyComposite } from './composite/cross-entropy.js';
import { geluBackwardComposite } from './composite/gelu-backward.js';
import { layerNormBackwardComposite, layerNormComposite } from './composite/layer-norm.js';
import { softmaxBackwardComposite } from './composite/softmax-backward.js';
import { setOpHook } from './dispatch.js';
import { tidy } from './scope.js';
import { Tensor } from './tensor.js';

/**
 * Runs a tensor-level composite on a backend's input views and returns the handles of its
 * results, which the caller then owns. Nothing is reported to the op hook (a kernel call is not
 * an op) and every intermediate tensor is disposed.
 */
function onViews<R extends readonly (Tensor | null)[]>(
  backend: Backend,
  views: readonly (View | null)[],
  fn: (...inputs: Tensor[]) => R,
): { [K in keyof R]: R[K] extends Tensor ? Handle : Handle | null } {
  const hook = setOpHook(null);
  try {
    return tidy(() => {
      const inputs = views.map((v) => (v === null ? (null as unknown as Tensor) : Tensor.borrow(backend, v)));
      return fn(...inputs).map((t) => (t === null ? null : t.takeHandle()));
    }) as { [K in keyof R]: R[K] extends Tensor ? Handle : Handle | null };
  } finally {
    setOpHook(hook);
  }
}

/**
 * Every member name of `obj` and its prototypes (a class instance's methods too), the nearest
 * first, each once; not `constructor`, nothing of `Object.prototype`.
 */
function* memberNames(obj: object): Generator<string> {
  const seen = new Set<string>(['constructor']);
  for (let o: object | null = obj; o !== null && o !== Object.prototype; o = Object.getPrototypeOf(o)) {
    for (const name of Object.getOwnPropertyNames(o)) {
      if (seen.has(name)) continue;
      seen.add(name);
      yield name;
    }
  }
}

/** The default of every fused kernel on `backend`: the composite from its primitives. */
function defaultKernels(backend: Backend): FusedKernels {
  return {
    layerNorm: (x, weight, bias, eps) =>
      onViews(backend, [x, weight, bias], (xt, wt, bt) => [layerNormComposite(xt, wt, bt, eps)])[0],
    layerNormBackward: (x, weight, grad, eps, withBias) =>
      onViews(backend, [x, weight, grad], (xt, wt, gt) => {
        const { dx, dweight, dbias } = layerNormBackwardComposite(xt, wt, gt, eps, withBias);
        return [dx, dweight, dbias] as const;
      }) as [Handle, Handle | null, Handle | null],
    geluBackward: (x, grad, approximate) =>
      onViews(backend, [x, grad], (xt, gt) => [geluBackwardComposite(xt, gt, approximate)])[0],
    softmaxBackward: (y, grad, axis, log) =>
      onViews(backend, [y, grad], (yt, gt) => [softmaxBackwardComposite(yt, gt, axis, log)])[0],
    causalSoftmax: (x, scale) => onViews(backend, [x], (xt) => [causalSoftmaxComposite(xt, scale)])[0],
    crossEntropy: (logits, targets, ignoreIndex, smoothing) =>
      onViews(backend, [logits, targets], (lt, tt) => [
        crossEntropyComposite(lt, tt, ignoreIndex, smoothing),
      ])[0],
    crossEntropyBackward: (logits, targets, grad, ignoreIndex, smoothing) =>
      onViews(backend, [logits, targets, grad], (lt, tt, gt) => [
        crossEntropyBackwardComposite(lt, tt, gt, ignoreIndex, smoothing),
      ])[0],
    adamUpdate: (param, grad, expAvg, expAvgSq, maxExpAvgSq, options: AdamUpdateOptions) =>
      onViews(backend, [param, grad, expAvg, expAvgSq, maxExpAvgSq], (p, g, m, v, vmax) => {
        const next = adamUpdateComposite(p, g, m, v, vmax, options);
        return [next.param, next.expAvg, next.expAvgSq, next.maxExpAvgSq] as const;
      }) as [Handle, Handle, Handle, Handle | null],
  };
}

/**
 * Builds a full {@link Backend} from a device's primitives and the fused kernels it implements
 * itself (`overrides`); every other fused kernel runs its default, the same math composed from the
 * primitives (`src/composite/`). The primitives object is not modified: the result inherits its
 * fields and extra members (a class instance's `stats()`, say), and its methods run bound to
 * `primitives`, so a class-based backend keeps its `this` and its state in one place.
 *
 * @example
 * const myBackend = composeBackend(myPrimitives, { layerNorm: myLayerNormKernel });
 */
export function composeBackend<P extends BackendPrimitives>(
  primitives: P,
  overrides: Partial<FusedKernels> = {},
): P & Backend {
  const backend = Object.create(primitives) as P & Backend;
  Object.assign(backend, defaultKernels(backend));
  // The primitives' methods (a fused kernel among them overrides its default), bound to them.
  for (const name of memberNames(primitives)) {
    const member = (primitives as unknown as Record<string, unknown>)[name];
    if (typeof member === 'function')
      Object.defineProperty(backend, name, {
        value: member.bind(primitives),
        writable: true,
        enumerable: true,
        configurable: true,
      });
  }
  for (const [name, kernel] of Object.entries(overrides)) {
    if (typeof kernel === 'function') Object.assign(backend, { [name]: kernel });
  }
  return backend;
}

/**
 * A backend's primitives alone (a plain object without its fused kernels): compose them again
 * with other overrides, e.g. to compare a kernel with its default.
 *
 * @example
 * const reference = composeBackend({ ...primitivesOf(cpuBackend), name: 'cpu-composites' });
 */
export function primitivesOf(backend: Backend): BackendPrimitives {
  const out: Record<string, unknown> = {};
  const fused = new Set<string>(FUSED_KERNEL_NAMES);
  for (const name of memberNames(backend)) {
    if (fused.has(name)) continue;
    const value = (backend as unknown as Record<string, unknown>)[name];
    out[name] = typeof value === 'function' ? value.bind(backend) : value;
  }
  return out as unknown as BackendPrimitives;
}
