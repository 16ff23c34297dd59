/**
 * Where an op starts to gain from WebAssembly. Below its limit an op runs the TypeScript CPU
 * kernel instead of the SIMD one — over the same linear memory, so where the result lives does
 * not change — because for a few elements the fixed cost of the SIMD path (layout checks, the
 * call into the module, packing a product's panels) is more than the loop it speeds up.
 *
 * Each limit is the size (elements of the result; multiply-adds for the product) from which the
 * SIMD kernel was at least as fast as the TypeScript kernel in `bench/small-ops.bench.mjs`, which
 * times both paths of every op at sizes 1 to 65,536 in one run (see the README for the table).
 */
export interface SimdLimits {
  /** Matrix product, in multiply-adds (m·k·n per product, batch not counted). */
  readonly matmul: number;
  /** + − × ÷ (same shape, scalar, row broadcast). */
  readonly binary: number;
  /** exp, GELU (both forms). */
  readonly unary: number;
  /** GELU's gradient (both forms). */
  readonly geluBackward: number;
  /** softmax, log-softmax, causal softmax (elements of the whole input). */
  readonly softmax: number;
  /** The gradient of softmax and log-softmax. */
  readonly softmaxBackward: number;
  /** Layer norm forward. */
  readonly layerNorm: number;
  /** Layer norm backward. */
  readonly layerNormBackward: number;
  /** The Adam/AdamW step, in elements of the parameter. */
  readonly adam: number;
  /** Strided copies (transposes, head splits, concat). */
  readonly copy: number;
  /** The embedding lookup (`indexSelect`) and its gradient (`indexAdd`), in elements of the result. */
  readonly indexing: number;
  /** Sums over the last axes (per row) or the leading ones (per column), in elements of the input. */
  readonly reduce: number;
}

/**
 * The limits `wasmBackend` runs with, measured on a 2-core AMD EPYC with Node 20.20 (2026-12-01;
 * the indexing and sum kernels 2026-12-02): only the product, the strided copy and (barely) the
 * indexing kernels and the sum have a crossover; every element-wise and fused kernel kept up with
 * the TypeScript one from a single element, so their limits are 0.
 */
export const SIMD_LIMITS: SimdLimits = {
  matmul: 256,
  binary: 0,
  unary: 0,
  geluBackward: 0,
  softmax: 0,
  softmaxBackward: 0,
  layerNorm: 0,
  layerNormBackward: 0,
  adam: 0,
  copy: 256,
  // indexAdd at 1 element: 0.87× of the TypeScript kernel (0.09 µs), from 4 on 1.06–10×; indexSelect
  // kept up from 1 (2026-12-02).
  indexing: 4,
  // the sum of every element at 1: 0.37× (2.3 against 0.8 µs), from 4 on 1.2–1.8×; column sums kept
  // up from 1, 10× at 65,536 (2026-12-02)
  reduce: 4,
};

/** The same limit for every op (`uniformLimits(0)` is {@link NO_LIMITS}). */
export function uniformLimits(limit: number): SimdLimits {
  return Object.fromEntries(Object.keys(SIMD_LIMITS).map((op) => [op, limit])) as Record<
    keyof SimdLimits,
    number
  >;
}

/** No limits: every op takes its SIMD kernel where the layout allows (what the benchmark times). */
export const NO_LIMITS: SimdLimits = uniformLimits(0);
