import type { CaseSelection, ToleranceOverrides } from '@dendrite/conformance/standalone';

/**
 * How this backend runs the conformance suite, in Node (src/conformance.test.ts) and in Chromium
 * (src/browser.test.ts) alike.
 *
 * Cases that store float64 are left out: this backend has no float64.
 */
export const CONFORMANCE_SELECTION: CaseSelection = { skipDTypes: ['float64'] };

/**
 * Every op passes at the suite's default float32 tolerances, layerNorm included: its kernel
 * (ops/layer-norm.ts) shifts each row by its first value before averaging, so x − mean keeps its
 * digits on rows of nearly equal values (the default kernel composed from float32 primitives
 * needed the suite's COMPOSITE_KERNEL_TOLERANCES, rtol 2e-3, there).
 */
export const CONFORMANCE_TOLERANCES: ToleranceOverrides = {};
