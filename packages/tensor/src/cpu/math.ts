/** Scalar math the CPU kernels share. Float64 throughout; float32 outputs round on store. */

const TWO_OVER_SQRT_PI = 1.1283791670955126;
const INV_SQRT2 = Math.SQRT1_2;
const SQRT_2_OVER_PI = 0.7978845608028654;

/**
 * erf(x) to about 1e-16 relative error (float64 gradient checks depend on it).
 * |x| < 3: erf(x) = 2/√π · e^(−x²) · Σₙ 2ⁿ x^(2n+1) / (1·3·…·(2n+1)) — every term positive, no cancellation.
 * |x| ≥ 3: erfc(x) = e^(−x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …)))), evaluated by Lentz's method.
 */
export function erf(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  const ax = Math.abs(x);
  if (ax < 3) {
    const x2 = x * x;
    let term = x;
    let sum = x;
    for (let n = 0; n < 200; n++) {
      term *= (2 * x2) / (2 * n + 3);
      sum += term;
      if (Math.abs(term) <= Math.abs(sum) * 1e-17) break;
    }
    return TWO_OVER_SQRT_PI * Math.exp(-x2) * sum;
  }
  if (ax > 6) return x > 0 ? 1 : -1;
  return x > 0 ? 1 - erfcLarge(ax) : erfcLarge(ax) - 1;
}

/** erfc(x) for x ≥ 3 via the continued fraction x + (k/2)/(x + ((k+1)/2)/(x + …)). */
function erfcLarge(x: number): number {
  const tiny = 1e-300;
  let f = x;
  let c = x;
  let d = 0;
  for (let k = 1; k < 300; k++) {
    const a = k / 2;
    d = x + a * d;
    if (d === 0) d = tiny;
    c = x + a / c;
    if (c === 0) c = tiny;
    d = 1 / d;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.exp(-x * x) / (f * Math.sqrt(Math.PI));
}

/** Maclaurin coefficients of erf: 2/√π · (−1)ⁿ / (n!·(2n+1)), n = 0…6. */
const ERF_SERIES = Array.from({ length: 7 }, (_, n) => {
  let factorial = 1;
  for (let k = 2; k <= n; k++) factorial *= k;
  return (TWO_OVER_SQRT_PI * (n % 2 === 0 ? 1 : -1)) / (factorial * (2 * n + 1));
});
const [E0, E1, E2, E3, E4, E5, E6] = ERF_SERIES;

/**
 * erf(x) to float32 accuracy (relative error below 3e-7), about ten times faster than {@link erf}:
 * float32 tensors use it, float64 tensors (gradient checks) the exact one.
 * |x| < 0.5: the Maclaurin series x·Σ cₙx²ⁿ to n = 6 (remainder < 1e-9).
 * |x| ≥ 0.5: erf = 1 − erfc, with the Chebyshev-fitted erfc(z) ≈ t·exp(−z² + P(t)), t = 1/(1 + z/2)
 * (the fit given in Numerical Recipes, fractional error < 1.2e-7).
 */
export function erf32(x: number): number {
  const z = Math.abs(x);
  if (z < 0.5) {
    const x2 = x * x;
    return x * (E0 + x2 * (E1 + x2 * (E2 + x2 * (E3 + x2 * (E4 + x2 * (E5 + x2 * E6))))));
  }
  const t = 1 / (1 + 0.5 * z);
  const p =
    -1.26551223 +
    t *
      (1.00002368 +
        t *
          (0.37409196 +
            t *
              (0.09678418 +
                t *
                  (-0.18628806 +
                    t *
                      (0.27886807 +
                        t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
  const erfc = t * Math.exp(-z * z + p);
  return x >= 0 ? 1 - erfc : erfc - 1;
}

/** x·Φ(x) to float32 accuracy. */
export function gelu32(x: number): number {
  return 0.5 * x * (1 + erf32(x * INV_SQRT2));
}

export function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

/** x·Φ(x) */
export function gelu(x: number): number {
  return 0.5 * x * (1 + erf(x * INV_SQRT2));
}

/** ½x(1 + tanh(√(2/π)(x + 0.044715x³))) */
export function geluTanh(x: number): number {
  return 0.5 * x * (1 + Math.tanh(SQRT_2_OVER_PI * (x + 0.044715 * x * x * x)));
}
