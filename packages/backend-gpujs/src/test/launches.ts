import type { Tensor } from '@dendrite/tensor';
import type { GpujsBackend } from '../index.js';

/** What running `fn` (and reading its results) launched on `b`. */
export interface Launches {
  /** Kernels dispatched. */
  dispatches: number;
  /** Uploads from the host. */
  uploads: number;
  /** The kernels that ran, as `op:part` names, sorted. */
  names: string[];
}

/** Runs `fn`, reads every tensor it returns, and reports the launches that took on `b`. */
export async function launchesOf(b: GpujsBackend, fn: () => Tensor | Tensor[]): Promise<Launches> {
  const before = b.stats();
  const byKernel = new Map(b.dispatchesByKernel());
  const out = fn();
  for (const t of Array.isArray(out) ? out : [out]) await t.data();
  const names = [...b.dispatchesByKernel()]
    .filter(([k, n]) => n > (byKernel.get(k) ?? 0))
    .map(([k]) => k.split(':').slice(0, 2).join(':'))
    .sort();
  const after = b.stats();
  return { dispatches: after.dispatches - before.dispatches, uploads: after.uploads - before.uploads, names };
}
