import type { Backend, DType } from '@dendrite/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ConformanceCase } from './case.js';
import { CONFORMANCE_CASES, missingOps } from './cases/index.js';
import type { ToleranceOverrides } from './tolerances.js';

export interface ConformanceOptions {
  /** The backend under test, or a function that makes it (may be async, e.g. to initialise a GPU). */
  backend: Backend | (() => Backend | Promise<Backend>);
  /** Shown in the describe block (default: the backend's name). */
  name?: string;
  /** Tolerance overrides by `op.dtype`, `op`, `family.dtype` or `family` (see `DEFAULT_TOLERANCES`). */
  tolerances?: ToleranceOverrides;
  /**
   * dtypes the backend does not store: cases needing one are left out (not registered, so the run
   * reports no skipped test). Cases needing a dtype the backend lacks are skipped anyway.
   */
  skipDTypes?: DType[];
  /**
   * Case names (exact) or patterns to leave out: documented deviations of a backend, listed in its
   * README. Each must match a case (a test checks it), so a stale entry cannot hide anything.
   */
  skip?: readonly (string | RegExp)[];
  /** Only the case groups whose name matches, e.g. `/matmul/` to run the products again through another kernel. */
  groups?: RegExp;
}

function groupsOf(cases: readonly ConformanceCase[]): Map<string, ConformanceCase[]> {
  const groups = new Map<string, ConformanceCase[]>();
  for (const c of cases) {
    const list = groups.get(c.group) ?? [];
    list.push(c);
    groups.set(c.group, list);
  }
  return groups;
}

const matchesEntry = (name: string, entry: string | RegExp) =>
  typeof entry === 'string' ? entry === name : entry.test(name);

/**
 * The cases `runConformance` registers for `options`: those of the selected groups that need no
 * left-out dtype and match no `skip` entry. Decided before the backend exists, from the options alone.
 */
export function casesToRun(
  options: Pick<ConformanceOptions, 'skipDTypes' | 'skip' | 'groups'>,
  cases: readonly ConformanceCase[] = CONFORMANCE_CASES,
): ConformanceCase[] {
  const skipDTypes = new Set(options.skipDTypes ?? []);
  const skip = options.skip ?? [];
  return cases.filter(
    (c) =>
      (options.groups === undefined || options.groups.test(c.group)) &&
      !c.dtypes.some((d) => skipDTypes.has(d)) &&
      !skip.some((entry) => matchesEntry(c.name, entry)),
  );
}

/**
 * Registers the conformance suite for a backend: call it at the top level of a vitest test file.
 * Every primitive op (from `listOps()`) and every creation function runs on the backend with
 * deterministic inputs and is compared with the CPU reference backend (and, for a handful of cases
 * per op family, with hand-computed values) to the tolerances of `DEFAULT_TOLERANCES`.
 *
 * @example runConformance({ backend: () => gpujsBackend({ mode: 'cpu' }), name: 'gpujs cpu', skipDTypes: ['float64'] })
 */
export function runConformance(options: ConformanceOptions): void {
  const label =
    options.name ?? (typeof options.backend === 'function' ? 'backend under test' : options.backend.name);
  const skip = options.skip ?? [];
  const tolerances = options.tolerances ?? {};

  describe(`backend conformance: ${label}`, () => {
    let backend: Backend | undefined;

    beforeAll(async () => {
      backend = typeof options.backend === 'function' ? await options.backend() : options.backend;
    });

    it('has a conformance case for every primitive op in listOps()', () => {
      expect(missingOps(), 'primitive ops without a conformance case').toEqual([]);
    });

    if (skip.length > 0) {
      it('every skip entry matches a case', () => {
        const stale = skip.filter((entry) => !CONFORMANCE_CASES.some((c) => matchesEntry(c.name, entry)));
        expect(stale.map(String), 'skip entries that match no case').toEqual([]);
      });
    }

    for (const [group, cases] of groupsOf(casesToRun(options))) {
      describe(group, () => {
        for (const c of cases) {
          it(c.name, async (ctx) => {
            if (backend === undefined) throw new Error(`conformance: backend '${label}' was not created`);
            const b = backend;
            const lacking = c.dtypes.filter((d) => !b.dtypes.has(d));
            if (lacking.length > 0) ctx.skip(`needs ${lacking.join(', ')}`);
            await c.run({ backend: b, tolerances });
          });
        }
      });
    }
  });
}
