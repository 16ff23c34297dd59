import type { Tensor } from '@dendrite/tensor';
import type { Node } from './node.js';

/** Gradient bookkeeping stored in a tensor's `meta` slot. */
export interface GradMeta {
  requiresGrad: boolean;
  grad: Tensor | null;
  gradFn: Node | null;
  retainGrad: boolean;
  /** Optional label shown in graph exports (parameter names). */
  name?: string;
}

export function getMeta(t: Tensor): GradMeta | undefined {
  return t.meta as GradMeta | undefined;
}

export function ensureMeta(t: Tensor): GradMeta {
  let m = t.meta as GradMeta | undefined;
  if (!m) {
    m = { requiresGrad: false, grad: null, gradFn: null, retainGrad: false };
    t.meta = m;
  }
  return m;
}

export function requiresGrad(t: Tensor): boolean {
  const m = t.meta as GradMeta | undefined;
  return m?.requiresGrad === true;
}
