/**
 * @dendrite/conformance — the backend conformance suite. A backend passes when every primitive op
 * and creation function gives the CPU reference's results to the stated tolerance.
 *
 * @example
 * // my-backend/src/conformance.test.ts
 * import { runConformance } from '@dendrite/conformance';
 * runConformance({ backend: () => createMyBackend(), name: 'my-backend', skipDTypes: ['float64'] });
 */

export {
  type CaseContext,
  type ConformanceCase,
  type CreationSpec,
  creationCase,
  customCase,
  type Golden,
  type GoldenSpec,
  goldenCase,
  type ReferenceSpec,
  readBack,
  recordOps,
  referenceCase,
} from './case.js';
export { CONFORMANCE_CASES, missingOps } from './cases/index.js';
export { assertMatches, ConformanceError, closeEnough, type HostTensor } from './compare.js';
export { type ConformanceOptions, runConformance } from './run.js';
export { type CaseSelection, casesToRun, staleSkipEntries } from './select.js';
export { type CaseResult, type RunCasesOptions, runCases } from './standalone.js';
export {
  COMPOSITE_KERNEL_TOLERANCES,
  DEFAULT_TOLERANCES,
  type OpFamily,
  type Tolerance,
  type ToleranceOverrides,
  toleranceFor,
} from './tolerances.js';
