/**
 * Signatures of the float32 element-wise and fused SIMD kernels (assembly/elementwise.ts, exp.ts,
 * gelu.ts, softmax.ts, adam.ts, layernorm.ts). Every pointer is a byte offset into the module's
 * memory, arrays are contiguous float32 (4-byte aligned is enough), `n` counts elements. Each kernel
 * matches the CPU reference backend to the conformance suite's float32 tolerances; + − × ÷ and Adam
 * are bit-identical to it.
 */
export interface SimdKernelExports {
  /** out = a + b (out may be a) */
  addF32(a: number, b: number, out: number, n: number): void;
  /** out = a − b */
  subF32(a: number, b: number, out: number, n: number): void;
  /** out = a · b */
  mulF32(a: number, b: number, out: number, n: number): void;
  /** out = a / b */
  divF32(a: number, b: number, out: number, n: number): void;
  /** out = a + s (s rounded to float32) */
  addScalarF32(a: number, s: number, out: number, n: number): void;
  /** out = a · s (s rounded to float32) */
  mulScalarF32(a: number, s: number, out: number, n: number): void;
  /** out[r][j] = a[r][j] + b[j], a `[rows, cols]`, b `[cols]` */
  addRowF32(a: number, b: number, out: number, rows: number, cols: number): void;
  /** out[r][j] = a[r][j] · b[j], a `[rows, cols]`, b `[cols]` */
  mulRowF32(a: number, b: number, out: number, rows: number, cols: number): void;

  /** y = eˣ */
  expF32(x: number, out: number, n: number): void;
  /** y = x·Φ(x) = x·½(1 + erf(x/√2)) */
  geluF32(x: number, out: number, n: number): void;
  /** y = ½x(1 + tanh(√(2/π)(x + 0.044715x³))) */
  geluTanhF32(x: number, out: number, n: number): void;
  /** dx = g·(Φ(x) + x·φ(x)), φ(x) = e^(−x²/2)/√(2π) */
  geluBackwardF32(x: number, g: number, out: number, n: number): void;
  /** dx = g·(½(1 + t) + ½x(1 − t²)·√(2/π)(1 + 3·0.044715x²)), t = tanh(√(2/π)(x + 0.044715x³)) */
  geluTanhBackwardF32(x: number, g: number, out: number, n: number): void;

  /**
   * y = softmax(scale·x) per row of n (log ≠ 0: scale·x − log Σ e^(scale·x)); causalTq > 0: rows come in
   * blocks of causalTq queries, query i = r mod causalTq sees keys j ≤ i + n − causalTq (needs n ≥ causalTq),
   * the others are exactly 0 (log: −∞). out may be x.
   */
  softmaxRowsF32(
    x: number,
    out: number,
    rows: number,
    n: number,
    scale: number,
    causalTq: number,
    log: number,
  ): void;
  /** softmax: dx = y·(g − Σ g·y); log-softmax (log ≠ 0): dx = g − eʸ·Σ g — per row of n, sums in float64 */
  softmaxBackwardRowsF32(y: number, g: number, out: number, rows: number, n: number, log: number): void;

  /**
   * One Adam/AdamW step (no amsgrad), as cpuBackend.adamUpdate: g ← −g (maximize ≠ 0); θ ← θ(1 − ηλ)
   * (decoupled ≠ 0) or g ← g + λθ; m ← β₁m + (1−β₁)g; v ← β₂v + (1−β₂)g²;
   * θ ← θ − (m / (√v/√(1−β₂ᵗ) + ε))·η/(1−β₁ᵗ). outP/outM/outV may equal p/m/v.
   */
  adamF32(
    p: number,
    g: number,
    m: number,
    v: number,
    outP: number,
    outM: number,
    outV: number,
    n: number,
    lr: number,
    beta1: number,
    beta2: number,
    eps: number,
    weightDecay: number,
    step: number,
    decoupled: number,
    maximize: number,
  ): void;

  /** y = (x − mean)·rstd·w + b per row of C, rstd = 1/√(var + ε) (biased var, float64); w, b = 0: absent */
  layerNormF32(x: number, w: number, b: number, out: number, rows: number, C: number, eps: number): void;
  /**
   * x̂ = (x − mean)·rstd, ĝ = g·w: dx = rstd·(ĝ − mean(ĝ) − x̂·mean(ĝ·x̂)) per row of C; w = 0: absent.
   * Each row's mean and rstd go to stats (2 float64 per row, 8-aligned) unless it is 0. dx may be g.
   */
  layerNormBackwardF32(
    x: number,
    w: number,
    g: number,
    dx: number,
    rows: number,
    C: number,
    eps: number,
    stats: number,
  ): void;
  /**
   * dw = Σ_rows g·x̂, db = Σ_rows g (float64, rows in order) for columns [0, cols) at x and g (rows
   * of C floats), x̂ from the rows' stats layerNormBackwardF32 wrote; dw, db = 0: not wanted.
   */
  layerNormGradSumsF32(
    x: number,
    g: number,
    stats: number,
    dw: number,
    db: number,
    rows: number,
    C: number,
    cols: number,
  ): void;

  /**
   * out[o][idx[j]][:] += src[o][j][:] for o < outer, j < m, in order of j (the embedding gradient);
   * out `[outer, n, inner]` zeroed, idx int32 with every value in [0, n).
   */
  indexAddF32(
    src: number,
    idx: number,
    out: number,
    outer: number,
    n: number,
    m: number,
    inner: number,
  ): void;
  /**
   * out[o][j][:] = x[o][idx[j]][:] for o < outer, j < m (the embedding lookup); x `[outer, n, inner]`,
   * idx int32 with every value in [0, n).
   */
  indexSelectF32(
    x: number,
    idx: number,
    out: number,
    outer: number,
    n: number,
    m: number,
    inner: number,
  ): void;
  /** out[r] = Σᵢ x[r·n + i] in float64, i in order, rounded once (the reference's sum of a row). */
  sumRowsF32(x: number, out: number, rows: number, n: number): void;
  /**
   * out[c] = Σᵣ x[r·cols + c] in float64, r in order, rounded once (the reference's column sums);
   * scratch: 8·cols bytes, 8-aligned.
   */
  sumColumnsF32(x: number, out: number, rows: number, cols: number, scratch: number): void;
  /**
   * dst (row-major) = src[i0·s0 + i1·s1 + i2·s2 + c] for i0 < n0, i1 < n1, i2 < n2, c < cols (element
   * strides, rows contiguous; float32 or int32 alike).
   */
  copyRows4(
    src: number,
    n0: number,
    s0: number,
    n1: number,
    s1: number,
    n2: number,
    s2: number,
    cols: number,
    dst: number,
  ): void;
}
