import { POSITIVE, REAL, REAL_AWAY_FROM_0, type TestRange, type ToleranceFamily } from './domain.js';

/**
 * The definition of an element-wise op of one input. Everything else derives from it: the
 * `UnaryOp` union, the op registry (`listOps()`), the dtype handling of the core, the conformance
 * cases and the gradient-check cases. Each backend's kernel table and autograd's rule table are
 * typed by this spec's keys, so an op missing from any of them is a compile error.
 */
export interface UnaryOpSpec {
  /** The reference math in one line, shown by `getOpInfo(op).math` and in the docs. */
  readonly math: string;
  /**
   * `'int-preserving'`: int32 stays int32 and bool counts as int32; `'float'`: int32 and bool
   * compute in float32. Float inputs keep their dtype either way.
   */
  readonly dtype: 'int-preserving' | 'float';
  /** Where test inputs come from (conformance, gradient checks). */
  readonly domain: TestRange;
  /** The conformance tolerance family. */
  readonly tolerance: ToleranceFamily;
  /** Why the op has no gradient; absent when autograd has a rule for it. */
  readonly notDifferentiable?: string;
}

/** Every element-wise op of one input, in registration order. */
export const UNARY_SPEC = {
  neg: { math: 'y = -x', dtype: 'int-preserving', domain: REAL, tolerance: 'elementwise' },
  abs: { math: 'y = |x|', dtype: 'int-preserving', domain: REAL_AWAY_FROM_0, tolerance: 'elementwise' },
  sign: { math: 'y = sign(x)', dtype: 'int-preserving', domain: REAL_AWAY_FROM_0, tolerance: 'elementwise' },
  exp: { math: 'y = eˣ', dtype: 'float', domain: REAL, tolerance: 'transcendental' },
  log: { math: 'y = ln x', dtype: 'float', domain: POSITIVE, tolerance: 'transcendental' },
  log1p: {
    math: 'y = ln(1 + x)',
    dtype: 'float',
    domain: { low: -0.9, high: 6 },
    tolerance: 'transcendental',
  },
  sqrt: { math: 'y = √x', dtype: 'float', domain: POSITIVE, tolerance: 'transcendental' },
  rsqrt: { math: 'y = 1/√x', dtype: 'float', domain: POSITIVE, tolerance: 'transcendental' },
  tanh: { math: 'y = tanh x', dtype: 'float', domain: REAL, tolerance: 'transcendental' },
  sigmoid: { math: 'y = 1/(1+e⁻ˣ)', dtype: 'float', domain: REAL, tolerance: 'transcendental' },
  relu: { math: 'y = max(x, 0)', dtype: 'float', domain: REAL_AWAY_FROM_0, tolerance: 'elementwise' },
  gelu: { math: 'y = x·Φ(x) = ½x(1 + erf(x/√2))', dtype: 'float', domain: REAL, tolerance: 'transcendental' },
  gelu_tanh: {
    math: 'y = ½x(1 + tanh(√(2/π)(x + 0.044715x³)))',
    dtype: 'float',
    domain: REAL,
    tolerance: 'transcendental',
  },
  sin: { math: 'y = sin x', dtype: 'float', domain: REAL, tolerance: 'transcendental' },
  cos: { math: 'y = cos x', dtype: 'float', domain: REAL, tolerance: 'transcendental' },
  erf: { math: 'y = 2/√π ∫₀ˣ e^(−t²) dt', dtype: 'float', domain: REAL, tolerance: 'transcendental' },
} as const satisfies Record<string, UnaryOpSpec>;

/** An op name (exported from `backend.ts` as `UnaryOp`). */
type Op = keyof typeof UNARY_SPEC;

/** The unary ops that have a gradient (the keys autograd's rule table must cover). */
export type DifferentiableUnaryOp = {
  [K in Op]: (typeof UNARY_SPEC)[K] extends { readonly notDifferentiable: string } ? never : K;
}[Op];

/** The spec of `op` (typed as the interface, for code that enumerates every op). */
export const unarySpec = (op: Op): UnaryOpSpec => UNARY_SPEC[op];

/** Every unary op name, in registration order. */
export const UNARY_OPS = Object.keys(UNARY_SPEC) as readonly Op[];
