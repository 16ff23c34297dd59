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
  /** dtypes to leave out (cases needing a dtype the backend lacks are skipped anyway). */
  skipDTypes?: DType[];
  /** Case names (exact) or patterns to skip: documented deviations of a backend, listed in its README. */
  skip?: readonly (string | RegExp)[];
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

const matches = (name: string, skip: readonly (string | RegExp)[]) =>
  skip.some((s) => (typeof s === 'string' ? s === name : s.test(name)));

/**
 * Registers the conformance suite for a backend: call it at the top level of a vitest test file.
 * Every primitive op (from `listOps()`) and every creation function runs on the backend with
 * deterministic inputs and is compared with the CPU reference backend (and, for a handful of cases
 * per op family, with hand-computed values) to the tolerances of `DEFAULT_TOLERANCES`.
 *
 * @example runConformance({ backend: () => createGpuBackend({ mode: 'cpu' }), name: 'gpujs (cpu mode)', skipDTypes: ['float64'] })
 */
export function runConformance(options: ConformanceOptions): void {
  const label =
    options.name ?? (typeof options.backend === 'function' ? 'backend under test' : options.backend.name);
  const skipDTypes = new Set(options.skipDTypes ?? []);
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

    for (const [group, cases] of groupsOf(CONFORMANCE_CASES)) {
      describe(group, () => {
        for (const c of cases) {
          it(c.name, async (ctx) => {
            if (backend === undefined) throw new Error(`conformance: backend '${label}' was not created`);
            const b = backend;
            const lacking = c.dtypes.filter((d) => skipDTypes.has(d) || !b.dtypes.has(d));
            if (lacking.length > 0) ctx.skip(`needs ${lacking.join(', ')}`);
            if (matches(c.name, skip)) ctx.skip('skipped by the options of runConformance');
            await c.run({ backend: b, tolerances });
          });
        }
      });
    }
  });
}
