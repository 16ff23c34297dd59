/**
 * @dendrite/conformance/standalone — the suite without a test framework: runs cases on a backend and
 * returns one result per case, for places vitest cannot reach (a browser page, a worker, a script on
 * a GPU machine). The host side then turns the results into tests or a report.
 *
 * @example
 * const results = await runCases(await gpujsBackend({ mode: 'webgl2' }), casesToRun({ skipDTypes: ['float64'] }));
 * console.log(results.filter((r) => r.status === 'failed'));
 */
import type { Backend } from '@dendrite/tensor';
import type { ConformanceCase } from './case.js';
import type { ToleranceOverrides } from './tolerances.js';

export type { ConformanceCase } from './case.js';
export { CONFORMANCE_CASES, missingOps } from './cases/index.js';
export { type CaseSelection, casesToRun, matchesEntry, staleSkipEntries } from './select.js';
export {
  COMPOSITE_KERNEL_TOLERANCES,
  DEFAULT_TOLERANCES,
  type ToleranceOverrides,
} from './tolerances.js';

/** The outcome of one case: `skipped` only where the backend lacks a dtype the case stores. */
export interface CaseResult {
  name: string;
  group: string;
  status: 'passed' | 'failed' | 'skipped';
  /** Why it failed (the mismatch, or the error thrown), or what it was skipped for. */
  message?: string;
}

/** Options of {@link runCases}. */
export interface RunCasesOptions {
  /** Tolerance overrides, as `runConformance` takes them. */
  tolerances?: ToleranceOverrides;
  /** Called after each case (progress in a long run). */
  onResult?: (result: CaseResult) => void;
}

/** Runs `cases` one after another on `backend`; a failing case never stops the run. */
export async function runCases(
  backend: Backend,
  cases: readonly ConformanceCase[],
  options: RunCasesOptions = {},
): Promise<CaseResult[]> {
  const tolerances = options.tolerances ?? {};
  const results: CaseResult[] = [];
  for (const c of cases) {
    const lacking = c.dtypes.filter((d) => !backend.dtypes.has(d));
    let result: CaseResult;
    if (lacking.length > 0) {
      result = { name: c.name, group: c.group, status: 'skipped', message: `needs ${lacking.join(', ')}` };
    } else {
      try {
        await c.run({ backend, tolerances });
        result = { name: c.name, group: c.group, status: 'passed' };
      } catch (err) {
        const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
        result = { name: c.name, group: c.group, status: 'failed', message };
      }
    }
    results.push(result);
    options.onResult?.(result);
  }
  return results;
}
