import type { DType } from '@dendrite/tensor';

/** An element-wise bound: `|actual − expected| ≤ atol + rtol·|expected|`. */
export interface Tolerance {
  readonly rtol: number;
  readonly atol: number;
}

/** Ops that share a tolerance because their results are computed the same way. */
export type OpFamily = 'exact' | 'elementwise' | 'transcendental' | 'reduction' | 'matmul' | 'softmax';

/**
 * The default tolerances of the suite, per op family and float dtype: the one table (the README
 * repeats it). int32 and bool results are always compared exactly; so are NaN (matches NaN) and ±inf.
 */
export const DEFAULT_TOLERANCES: Readonly<
  Record<OpFamily, { readonly float32: Tolerance; readonly float64: Tolerance }>
> = {
  /** Views, copies, casts, joins, gathers, where, comparisons, creation: values move, nothing is computed. */
  exact: { float32: { rtol: 0, atol: 0 }, float64: { rtol: 0, atol: 0 } },
  /** + − × ÷ max min neg abs sign relu: one rounding (a GPU's ÷ may be a few ulp off). */
  elementwise: { float32: { rtol: 1e-5, atol: 1e-6 }, float64: { rtol: 1e-12, atol: 1e-12 } },
  /** exp log sqrt rsqrt tanh sigmoid gelu erf sin cos pow: device math libraries approximate differently. */
  transcendental: { float32: { rtol: 1e-5, atol: 1e-6 }, float64: { rtol: 1e-12, atol: 1e-12 } },
  /** sum max min cumsum scatterAdd indexAdd: the summation order is the backend's choice. */
  reduction: { float32: { rtol: 1e-4, atol: 1e-5 }, float64: { rtol: 1e-10, atol: 1e-10 } },
  /** matmul: K products summed in any order (the CPU accumulates in float64). */
  matmul: { float32: { rtol: 1e-4, atol: 1e-5 }, float64: { rtol: 1e-10, atol: 1e-10 } },
  /** softmax, logSoftmax: a max, a sum of exponentials and a division or log. */
  softmax: { float32: { rtol: 1e-4, atol: 1e-6 }, float64: { rtol: 1e-12, atol: 1e-12 } },
};

/**
 * Per-backend overrides, keyed (most specific first) by `op.dtype`, `op`, `family.dtype` or `family`,
 * e.g. `{ 'exp.float32': { rtol: 1e-4, atol: 1e-6 }, matmul: { rtol: 1e-3, atol: 1e-4 } }`.
 */
export type ToleranceOverrides = Partial<Record<string, Tolerance>>;

/**
 * What a backend that runs the default (composite) `layerNorm` kernel in float32 adds: the mean and
 * variance come from float32 primitives, while the CPU kernel accumulates in float64, so a row of
 * nearly equal values (the suite normalizes over 2 features) loses digits to cancellation — measured
 * 4e-4 relative on the CPU primitives. Pass it as `tolerances` for such a backend.
 */
export const COMPOSITE_KERNEL_TOLERANCES: ToleranceOverrides = {
  'layerNorm.float32': { rtol: 2e-3, atol: 1e-6 },
};

const EXACT: Tolerance = { rtol: 0, atol: 0 };

/** The tolerance a result of `dtype` from `op` (in `family`) is held to. */
export function toleranceFor(
  family: OpFamily,
  op: string,
  dtype: DType,
  overrides: ToleranceOverrides = {},
): Tolerance {
  if (dtype === 'int32' || dtype === 'bool') return EXACT;
  return (
    overrides[`${op}.${dtype}`] ??
    overrides[op] ??
    overrides[`${family}.${dtype}`] ??
    overrides[family] ??
    DEFAULT_TOLERANCES[family][dtype]
  );
}
