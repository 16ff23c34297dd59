import { REAL, type TestRange, type ToleranceFamily } from './domain.js';

/**
 * The definition of an element-wise op of two inputs (same idea as `UnaryOpSpec`): the `BinaryOp`
 * union, the registry, the dtype handling of the core, conformance and gradient-check cases derive
 * from it, and every backend's kernel table and autograd's rule table are typed by its keys.
 */
export interface BinaryOpSpec {
  /** The reference math in one line. */
  readonly math: string;
  /**
   * How dtypes flow (operands are first promoted to one dtype):
   * `'arithmetic'`: bool counts as int32, int32 stays int32;
   * `'float'`: as arithmetic, then int32 computes in float32 (division);
   * `'logical'`: bool stays bool (max = or, min = and), int32 stays int32;
   * `'comparison'`: any dtype in, bool out.
   */
  readonly dtype: 'arithmetic' | 'float' | 'logical' | 'comparison';
  /** Where test inputs come from: the first operand, the second, and a number operand (`x.add(1.5)`). */
  readonly domain: { readonly a: TestRange; readonly b: TestRange; readonly scalar: number };
  /** The conformance tolerance family. */
  readonly tolerance: ToleranceFamily;
  /** Why the op has no gradient; absent when autograd has a rule for it. */
  readonly notDifferentiable?: string;
}

/** Small integers as values (ties for comparisons), in float dtypes too. */
const INTEGRAL: TestRange = { low: -3, high: 4, integral: true };
const compare = (op: string, math: string, scalar: number) =>
  ({
    math,
    dtype: 'comparison',
    domain: { a: INTEGRAL, b: INTEGRAL, scalar },
    tolerance: 'exact',
    notDifferentiable: `'${op}' is a comparison: its bool output is piecewise constant, so it has no gradient`,
  }) as const;

/** Every element-wise op of two inputs, in registration order. */
export const BINARY_SPEC = {
  add: {
    math: 'y = a + b',
    dtype: 'arithmetic',
    domain: { a: REAL, b: REAL, scalar: 1.5 },
    tolerance: 'elementwise',
  },
  sub: {
    math: 'y = a - b',
    dtype: 'arithmetic',
    domain: { a: REAL, b: REAL, scalar: -2.25 },
    tolerance: 'elementwise',
  },
  mul: {
    math: 'y = a · b',
    dtype: 'arithmetic',
    domain: { a: REAL, b: REAL, scalar: 3 },
    tolerance: 'elementwise',
  },
  div: {
    math: 'y = a / b',
    dtype: 'float',
    domain: { a: REAL, b: { low: 0.5, high: 3 }, scalar: 7 },
    tolerance: 'elementwise',
  },
  pow: {
    math: 'y = aᵇ',
    dtype: 'arithmetic',
    domain: { a: { low: 0.5, high: 3 }, b: { low: -2, high: 3 }, scalar: 2 },
    tolerance: 'transcendental',
  },
  maximum: {
    math: 'y = max(a, b)',
    dtype: 'logical',
    domain: { a: REAL, b: REAL, scalar: 0 },
    tolerance: 'elementwise',
  },
  minimum: {
    math: 'y = min(a, b)',
    dtype: 'logical',
    domain: { a: REAL, b: REAL, scalar: 0 },
    tolerance: 'elementwise',
  },
  eq: compare('eq', 'y = (a == b)', 1),
  ne: compare('ne', 'y = (a != b)', 1),
  lt: compare('lt', 'y = (a < b)', 0.5),
  le: compare('le', 'y = (a <= b)', 0),
  gt: compare('gt', 'y = (a > b)', -0.5),
  ge: compare('ge', 'y = (a >= b)', 2),
} as const satisfies Record<string, BinaryOpSpec>;

/** An op name (exported from `backend.ts` as `BinaryOp`). */
type Op = keyof typeof BINARY_SPEC;

/** The binary ops that have a gradient (the keys autograd's rule table must cover). */
export type DifferentiableBinaryOp = {
  [K in Op]: (typeof BINARY_SPEC)[K] extends { readonly notDifferentiable: string } ? never : K;
}[Op];

/** The binary ops without a gradient (comparisons). */
export type NonDifferentiableBinaryOp = Exclude<Op, DifferentiableBinaryOp>;

/** The spec of `op` (typed as the interface, for code that enumerates every op). */
export const binarySpec = (op: Op): BinaryOpSpec => BINARY_SPEC[op];

/** Every binary op name, in registration order. */
export const BINARY_OPS = Object.keys(BINARY_SPEC) as readonly Op[];
