import type { Backend } from '@dendrite/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ConformanceCase } from './case.js';
import { missingOps } from './cases/index.js';
import { type CaseSelection, casesToRun, staleSkipEntries } from './select.js';
import type { ToleranceOverrides } from './tolerances.js';

export interface ConformanceOptions extends CaseSelection {
  /** The backend under test, or a function that makes it (may be async, e.g. to initialise a GPU). */
  backend: Backend | (() => Backend | Promise<Backend>);
  /** Shown in the describe block (default: the backend's name). */
  name?: string;
  /** Tolerance overrides by `op.dtype`, `op`, `family.dtype` or `family` (see `DEFAULT_TOLERANCES`). */
  tolerances?: ToleranceOverrides;
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
        expect(staleSkipEntries(skip), 'skip entries that match no case').toEqual([]);
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
