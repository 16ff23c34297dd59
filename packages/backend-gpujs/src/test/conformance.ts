import {
  CONFORMANCE_CASES,
  type ConformanceCase,
  missingOps,
  type ToleranceOverrides,
} from '@dendrite/conformance';
import type { Backend, DType } from '@dendrite/tensor';
import { beforeAll, describe, expect, it } from 'vitest';

/** A case left out on a backend, and why (each one is listed in the README). */
export interface Deviation {
  readonly pattern: RegExp;
  readonly reason: string;
}

/**
 * Registers the conformance suite (`@dendrite/conformance`'s cases) for a backend, like
 * `runConformance`, but builds the list of tests up front: cases that need float64 (which this
 * backend does not store) and documented deviations are not registered at all, so the run reports
 * no skipped tests. Returns the names left out, for the README check.
 */
export function conformance(options: {
  name: string;
  backend: () => Promise<Backend>;
  dtypes: ReadonlySet<DType>;
  tolerances?: ToleranceOverrides;
  deviations?: readonly Deviation[];
  /** Only the case groups matching this (e.g. /matmul/ to rerun products through another kernel). */
  groups?: RegExp;
}): void {
  const deviations = options.deviations ?? [];
  const runs = (c: ConformanceCase) =>
    c.dtypes.every((d) => options.dtypes.has(d)) &&
    !deviations.some((d) => d.pattern.test(c.name)) &&
    (options.groups === undefined || options.groups.test(c.group));
  const groups = new Map<string, ConformanceCase[]>();
  for (const c of CONFORMANCE_CASES) {
    if (!runs(c)) continue;
    const list = groups.get(c.group) ?? [];
    list.push(c);
    groups.set(c.group, list);
  }
  describe(`backend conformance: ${options.name}`, () => {
    let backend: Backend;
    beforeAll(async () => {
      backend = await options.backend();
    });
    it('has a conformance case for every primitive op in listOps()', () => {
      expect(missingOps()).toEqual([]);
    });
    it('every deviation matches at least one case', () => {
      for (const d of deviations)
        expect(
          CONFORMANCE_CASES.some((c) => d.pattern.test(c.name)),
          String(d.pattern),
        ).toBe(true);
    });
    for (const [group, cases] of groups) {
      describe(group, () => {
        for (const c of cases) {
          it(c.name, async () => {
            await c.run({ backend, tolerances: options.tolerances ?? {} });
          });
        }
      });
    }
  });
}
