import type { DType } from '@dendrite/tensor';
import type { ConformanceCase } from './case.js';
import { CONFORMANCE_CASES } from './cases/index.js';

/** Which cases of the suite a run takes: decided from these options alone, before any backend exists. */
export interface CaseSelection {
  /**
   * dtypes the backend does not store: cases needing one are left out (not registered, so the run
   * reports no skipped test). Cases needing a dtype the backend lacks are skipped anyway.
   */
  skipDTypes?: readonly DType[];
  /**
   * Case names (exact) or patterns to leave out: documented deviations of a backend, listed in its
   * README. Each must match a case (a test checks it), so a stale entry cannot hide anything.
   */
  skip?: readonly (string | RegExp)[];
  /** Only the case groups whose name matches, e.g. `/matmul/` to run the products again through another kernel. */
  groups?: RegExp;
}

/** Whether a case name is matched by a `skip` entry (a name, exactly, or a pattern). */
export const matchesEntry = (name: string, entry: string | RegExp): boolean =>
  typeof entry === 'string' ? entry === name : entry.test(name);

/**
 * The cases a run takes for `selection`: those of the selected groups that need no left-out dtype
 * and match no `skip` entry.
 */
export function casesToRun(
  selection: CaseSelection,
  cases: readonly ConformanceCase[] = CONFORMANCE_CASES,
): ConformanceCase[] {
  const skipDTypes = new Set(selection.skipDTypes ?? []);
  const skip = selection.skip ?? [];
  return cases.filter(
    (c) =>
      (selection.groups === undefined || selection.groups.test(c.group)) &&
      !c.dtypes.some((d) => skipDTypes.has(d)) &&
      !skip.some((entry) => matchesEntry(c.name, entry)),
  );
}

/** Skip entries that match no case of the suite: stale, so they could hide nothing — and must go. */
export function staleSkipEntries(skip: readonly (string | RegExp)[]): string[] {
  return skip.filter((entry) => !CONFORMANCE_CASES.some((c) => matchesEntry(c.name, entry))).map(String);
}
