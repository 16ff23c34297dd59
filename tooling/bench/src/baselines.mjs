// Naive JS baselines: what a person writes first with plain loops over Float32Array.
// Each allocates its output per call, like a tensor op does.

/** C = A·B, row-major N×N, the classic i-k-j loop (unit stride over B and C in the inner loop). */
export function naiveMatmul(A, B, n) {
  const C = new Float32Array(n * n);
  for (let i = 0; i < n; i++) {
    const ci = i * n;
    for (let k = 0; k < n; k++) {
      const aik = A[ci + k];
      const bk = k * n;
      for (let j = 0; j < n; j++) C[ci + j] += aik * B[bk + j];
    }
  }
  return C;
}

export function naiveAdd(a, b) {
  const n = a.length;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = a[i] + b[i];
  return out;
}

export function naiveMul(a, b) {
  const n = a.length;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = a[i] * b[i];
  return out;
}

export function naiveExp(a) {
  const n = a.length;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.exp(a[i]);
  return out;
}

/** erf by Abramowitz & Stegun 7.1.26 (|error| < 1.5e-7, enough for float32). */
function erfAS(x) {
  const s = x < 0 ? -1 : 1;
  const ax = Math.abs(x);
  const t = 1 / (1 + 0.3275911 * ax);
  const y =
    1 -
    ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) *
      t *
      Math.exp(-ax * ax);
  return s * y;
}

/** GELU, exact form: x·Φ(x) = x/2·(1 + erf(x/√2)). */
export function naiveGelu(a) {
  const n = a.length;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const x = a[i];
    out[i] = 0.5 * x * (1 + erfAS(x * Math.SQRT1_2));
  }
  return out;
}

/** GELU, GPT-2's tanh approximation: x/2·(1 + tanh(√(2/π)·(x + 0.044715x³))). */
export function naiveGeluTanh(a) {
  const n = a.length;
  const out = new Float32Array(n);
  const c = Math.sqrt(2 / Math.PI);
  for (let i = 0; i < n; i++) {
    const x = a[i];
    out[i] = 0.5 * x * (1 + Math.tanh(c * (x + 0.044715 * x * x * x)));
  }
  return out;
}
