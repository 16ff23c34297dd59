import { listOps } from '@dendrite/tensor';
import type { ConformanceCase } from '../case.js';
import { ATTENTION_CASES } from './attention.js';
import { COPY_CASES } from './copy.js';
import { CREATION_CASES } from './creation.js';
import { ELEMENTWISE_CASES } from './elementwise.js';
import { GRADIENT_CASES } from './gradients.js';
import { INDEXING_CASES } from './indexing.js';
import { LINALG_CASES } from './linalg.js';
import { LOSS_CASES } from './loss.js';
import { REDUCE_CASES } from './reduce.js';

/** Every case of the suite, in the order they run. */
export const CONFORMANCE_CASES: readonly ConformanceCase[] = [
  ...CREATION_CASES,
  ...COPY_CASES,
  ...ELEMENTWISE_CASES,
  ...REDUCE_CASES,
  ...LINALG_CASES,
  ...ATTENTION_CASES,
  ...LOSS_CASES,
  ...GRADIENT_CASES,
  ...INDEXING_CASES,
];

/**
 * Primitive ops (from `listOps()`) that no reference case covers. Empty for a complete suite: a new
 * op registered in the tensor core shows up here until someone writes its conformance case.
 */
export function missingOps(cases: readonly ConformanceCase[] = CONFORMANCE_CASES): string[] {
  const covered = new Set(cases.filter((c) => c.kind === 'reference').flatMap((c) => c.ops));
  return listOps()
    .map((o) => o.name)
    .filter((name) => !covered.has(name));
}
