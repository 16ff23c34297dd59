import { Generator, randn, type Tensor, tensor, ValueError } from '@dendrite/tensor';
import { enableGrad, noGrad } from './mode.js';

/** Options of {@link gradcheck}. */
export interface GradcheckOptions {
  /** Central-difference step (default 1e-6). */
  eps?: number;
  /** Absolute tolerance (default 1e-5). */
  atol?: number;
  /** Relative tolerance (default 1e-3). */
  rtol?: number;
  /** Seed of the random output weights v in L = Σ f(x)·v (default 0). */
  seed?: number;
}

/** The element of a gradient check furthest from its tolerance. */
export interface GradcheckWorst {
  /** Which input. */
  input: number;
  /** Multi-index of the element within that input. */
  index: number[];
  analytic: number;
  numeric: number;
  absError: number;
}

/** What {@link gradcheck} found. */
export interface GradcheckResult {
  ok: boolean;
  maxAbsError: number;
  /** The element furthest outside (or closest to) its tolerance. */
  worst: GradcheckWorst | null;
  /** Human-readable summary naming the worst element. */
  report: string;
}

function unravel(i: number, shape: readonly number[]): number[] {
  const out = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    out[d] = i % shape[d];
    i = Math.floor(i / shape[d]);
  }
  return out;
}

/**
 * Compares autograd's gradients of `f` with central finite differences in float64.
 *
 * For a random v (seeded), L(x) = Σ f(x)·v; the analytic dL/dx comes from `backward(v)` and the
 * numeric one from (L(x + ε) − L(x − ε)) / 2ε per element. An element passes when
 * |analytic − numeric| ≤ atol + rtol·|numeric|. Every float input is checked; inputs must be float64.
 */
export function gradcheck(
  f: (...inputs: Tensor[]) => Tensor,
  inputs: readonly Tensor[],
  options: GradcheckOptions = {},
): GradcheckResult {
  const eps = options.eps ?? 1e-6;
  const atol = options.atol ?? 1e-5;
  const rtol = options.rtol ?? 1e-3;
  inputs.forEach((x, i) => {
    if (x.isFloatingPoint && x.dtype !== 'float64') {
      throw new ValueError(
        `gradcheck: input ${i} is ${x.dtype}; gradient checks need float64 (use .double())`,
      );
    }
  });
  const checked = inputs.map((x) => x.isFloatingPoint);
  const leaves = inputs.map((x, i) => (checked[i] ? x.detach().requiresGrad_(true) : x));
  const y = enableGrad(() => f(...leaves));
  const v = randn(y.shape, {
    dtype: 'float64',
    backend: y.backend,
    generator: new Generator(options.seed ?? 0),
  });
  const vData = v.dataSync();
  if (y.requiresGrad) y.backward(v);
  const loss = (args: Tensor[]): number => {
    const out = noGrad(() => f(...args)).dataSync();
    let s = 0;
    for (let k = 0; k < out.length; k++) s += out[k] * vData[k];
    return s;
  };
  let worst: GradcheckWorst | null = null;
  let worstRatio = -1;
  let maxAbsError = 0;
  for (let i = 0; i < inputs.length; i++) {
    if (!checked[i]) continue;
    const x = inputs[i];
    const analytic = leaves[i].grad ? leaves[i].grad!.dataSync() : new Float64Array(x.size);
    const base = Float64Array.from(x.dataSync());
    const args = [...inputs];
    for (let j = 0; j < base.length; j++) {
      const orig = base[j];
      base[j] = orig + eps;
      args[i] = tensor(base, { shape: x.shape, dtype: 'float64', backend: x.backend });
      const plus = loss(args);
      base[j] = orig - eps;
      args[i] = tensor(base, { shape: x.shape, dtype: 'float64', backend: x.backend });
      const minus = loss(args);
      base[j] = orig;
      const numeric = (plus - minus) / (2 * eps);
      const absError = Math.abs(analytic[j] - numeric);
      const ratio = absError / (atol + rtol * Math.abs(numeric));
      maxAbsError = Math.max(maxAbsError, absError);
      if (ratio > worstRatio || Number.isNaN(ratio)) {
        worstRatio = Number.isNaN(ratio) ? Number.POSITIVE_INFINITY : ratio;
        worst = { input: i, index: unravel(j, x.shape), analytic: analytic[j], numeric, absError };
      }
    }
  }
  const ok = worstRatio <= 1;
  const where = worst ? `input ${worst.input}, element [${worst.index.join(',')}]` : 'no elements';
  const report = worst
    ? `gradcheck ${ok ? 'passed' : 'FAILED'}: worst at ${where}: analytic ${worst.analytic} vs numeric ${worst.numeric} (abs error ${worst.absError.toExponential(2)}, allowed ${(atol + rtol * Math.abs(worst.numeric)).toExponential(2)})`
    : 'gradcheck passed: no float inputs to check';
  return { ok, maxAbsError, worst, report };
}
