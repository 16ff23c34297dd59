/**
 * What every element-wise op spec shares: where its test inputs come from and which conformance
 * tolerance it is held to. The specs themselves are in `unary.ts` and `binary.ts`.
 */

/**
 * An interval of test inputs `[low, high)`: conformance draws its float inputs here, gradient checks
 * their float64 inputs. Chosen inside the op's domain and, with `gap`, away from its kink at 0.
 */
export interface TestRange {
  readonly low: number;
  readonly high: number;
  /** Gradient checks keep |x| ≥ gap (the op has a kink at 0: abs, relu, sign). */
  readonly gap?: number;
  /** Draw integer values (in float dtypes too), so that comparisons see ties. */
  readonly integral?: boolean;
}

/**
 * Conformance tolerance family (`tooling/conformance`, `DEFAULT_TOLERANCES`): `exact` moves or
 * compares values, `elementwise` rounds once, `transcendental` goes through a math library.
 */
export type ToleranceFamily = 'exact' | 'elementwise' | 'transcendental';

/** Inputs for ops defined on all reals. */
export const REAL: TestRange = { low: -3, high: 3 };
/** Inputs for ops with a kink at 0: gradient checks stay 0.2 away from it. */
export const REAL_AWAY_FROM_0: TestRange = { low: -3, high: 3, gap: 0.2 };
/** Inputs for ops defined for x > 0 (ln, √). */
export const POSITIVE: TestRange = { low: 0.05, high: 6 };
