import type { BinaryOp, UnaryOp } from '@dendrite/tensor';

/**
 * Scalar math of the element-wise kernels, as gpu.js statements. Each function returns lines
 * that declare `y` from the input variable(s). Written for float32 on every gpu.js target: no
 * built-in whose edge cases differ between WGSL, GLSL, WebAssembly and JavaScript (tanh, erf and
 * pow are spelled out), NaN and ±∞ come in as the scalar arguments `nanv` and `infv` (a WGSL
 * `Infinity` literal is the largest finite float), and NaN tests are `!(x == x)` (on Mesa's Vulkan
 * driver `x != x` is folded to false, `!(x == x)` is not).
 *
 * Variables are prefixed with `tag` so two snippets can share one kernel.
 */

/** Scalar arguments a snippet reads. */
export interface MathNeeds {
  nan?: boolean;
  inf?: boolean;
}

/** `let ${out} = tanh(${x})` via e^(−2|x|): no ∞/∞ for large |x|, exact ±1 at ±∞, NaN kept. */
export function tanhLines(x: string, out: string, tag: string): string[] {
  return [
    `let ${tag}a = Math.abs(${x});`,
    `let ${tag}e = Math.exp(-2 * ${tag}a);`,
    `let ${tag}t = (1 - ${tag}e) / (1 + ${tag}e);`,
    `if (${tag}a < 0.0005) { ${tag}t = ${tag}a - ${tag}a * ${tag}a * ${tag}a / 3; }`,
    `let ${out} = ${tag}t;`,
    `if (${x} < 0) { ${out} = -${tag}t; }`,
  ];
}

/**
 * `let ${out} = erf(${x})`: a Taylor series below |x| = 0.5 (error < 1e-8), above it
 * 1 − erfc(|x|) with the Chebyshev fit of erfc (fractional error < 1.2e-7, Numerical Recipes).
 */
export function erfLines(x: string, out: string, tag: string): string[] {
  const t = `${tag}t`;
  const poly =
    `1.00002368 + ${t} * (0.37409196 + ${t} * (0.09678418 + ${t} * (-0.18628806 + ${t} * (0.27886807 + ` +
    `${t} * (-1.13520398 + ${t} * (1.48851587 + ${t} * (-0.82215223 + ${t} * 0.17087277)))))))`;
  return [
    `let ${tag}z = Math.abs(${x});`,
    `let ${t} = 1 / (1 + 0.5 * ${tag}z);`,
    `let ${tag}r = 1 - ${t} * Math.exp(-${tag}z * ${tag}z - 1.26551223 + ${t} * (${poly}));`,
    `if (${tag}z < 0.5) {`,
    `  let ${tag}s = ${tag}z * ${tag}z;`,
    `  ${tag}r = 1.1283791670955126 * ${tag}z * (1 - ${tag}s * (0.3333333333333333 - ${tag}s * (0.1 - ${tag}s * (0.023809523809523808 - ${tag}s * (0.004629629629629629 - ${tag}s * 0.0007575757575757576)))));`,
    '}',
    `let ${out} = ${tag}r;`,
    `if (${x} < 0) { ${out} = -${tag}r; }`,
  ];
}

/**
 * `let ${out} = sin(${x})` (or cos with `cosine`; reads the argument `nanv`), spelled out because drivers' built-ins differ
 * (SwiftShader's are off by up to 1.9e-4, within WGSL's and GLSL's allowed 2⁻¹¹): x = k·π/2 + r
 * with π/2 in three parts (k·part exact in float32 for |k| < 2¹⁶), then by quadrant
 * sin r = r − r³/3! + … + r⁹/9!, cos r = 1 − r²/2! + … − r¹⁰/10! on |r| ≤ π/4 (truncation < 2e-9).
 */
export function sinCosLines(x: string, out: string, tag: string, cosine: boolean): string[] {
  const r = `${tag}r`;
  const z = `${tag}z`;
  return [
    `let ${tag}k = Math.floor(${x} * 0.6366197723675814 + 0.5);`,
    `let ${r} = ((${x} - ${tag}k * 1.5703125) - ${tag}k * 0.0004837512969970703) - ${tag}k * 7.549789954891882e-8;`,
    `let ${z} = ${r} * ${r};`,
    `let ${tag}s = ${r} * (1 - ${z} * (0.16666666666666666 - ${z} * (0.008333333333333333 - ${z} * (0.0001984126984126984 - ${z} * 0.0000027557319223985893))));`,
    `let ${tag}c = 1 - ${z} * (0.5 - ${z} * (0.041666666666666664 - ${z} * (0.001388888888888889 - ${z} * (0.0000248015873015873 - ${z} * 2.755731922398589e-7))));`,
    // quadrant q = k mod 4 (k may be negative): sin takes s, c, −s, −c; cos takes c, −s, −c, s
    `let ${tag}q = ${tag}k - Math.floor(${tag}k * 0.25) * 4${cosine ? ' + 1' : ''};`,
    `if (${tag}q > 3.5) { ${tag}q = ${tag}q - 4; }`,
    `let ${out} = ${tag}s;`,
    `if (${tag}q > 0.5) { ${out} = ${tag}c; }`,
    `if (${tag}q > 1.5) { ${out} = -${tag}s; }`,
    `if (${tag}q > 2.5) { ${out} = -${tag}c; }`,
    `if (!(${x} == ${x})) { ${out} = ${x}; }`,
    `if (Math.abs(${x}) > 3.4e38) { ${out} = nanv; }`, // sin ±∞ = NaN (a driver may fold ∞ − ∞ to 0)
  ];
}

/**
 * Lines declaring `y` = op(v), per unary op of the tensor core's spec (a missing op is a compile
 * error). A NaN input gives NaN whatever the driver's built-ins do with it (SwiftShader's `exp`
 * of NaN is ∞); `log` and `log1p` spell out their edges (0, negatives, ∞), which SwiftShader
 * returns as finite numbers.
 */
const UNARY_LINES = {
  neg: (v) => [`let y = -${v};`],
  abs: (v) => [`let y = Math.abs(${v});`],
  sign: (v) => [`let y = ${v};`, `if (${v} > 0) { y = 1.0; }`, `if (${v} < 0) { y = -1.0; }`],
  exp: (v) => [`let y = Math.exp(${v});`, nanKept(v)],
  // y = ln v: −∞ at 0, NaN below, ∞ at ∞
  log: (v) => [`let y = Math.log(${v});`, ...logEdges(v, '0.0')],
  // y = ln(1 + v); below |v| = 0.1 the series v − v²/2 + v³/3 − … − v⁸/8 (error < 1.2e-9 relative),
  // because 1 + v in float32 drops the low digits of a small v
  log1p: (v) => [
    `let y = Math.log(1 + ${v});`,
    `if (Math.abs(${v}) < 0.1) { y = ${v} * (1 - ${v} * (0.5 - ${v} * (0.3333333333333333 - ${v} * (0.25 - ${v} * (0.2 - ${v} * (0.16666666666666666 - ${v} * (0.14285714285714285 - ${v} * 0.125))))))); }`,
    ...logEdges(v, '-1.0'),
  ],
  sqrt: (v) => [`let y = Math.sqrt(${v});`],
  rsqrt: (v) => [`let y = 1 / Math.sqrt(${v});`],
  tanh: (v) => tanhLines(v, 'y', 'th'),
  // σ(v) = 1/(1 + e^(−v)), through e^(−|v|) so that neither branch overflows
  sigmoid: (v) => [
    `let se = Math.exp(-Math.abs(${v}));`,
    'let y = 1 / (1 + se);',
    `if (${v} < 0) { y = se / (1 + se); }`,
    nanKept(v),
  ],
  relu: (v) => [`let y = ${v};`, `if (${v} < 0) { y = 0.0; }`],
  // y = v·Φ(v) = ½v(1 + erf(v/√2))
  gelu: (v) => [...erfLines(`${v} * 0.7071067811865476`, 'ge', 'er'), `let y = 0.5 * ${v} * (1 + ge);`],
  // y = ½v(1 + tanh(√(2/π)(v + 0.044715v³)))
  gelu_tanh: (v) => [
    `let gu = 0.7978845608028654 * (${v} + 0.044715 * ${v} * ${v} * ${v});`,
    ...tanhLines('gu', 'gt', 'th'),
    `let y = 0.5 * ${v} * (1 + gt);`,
  ],
  sin: (v) => sinCosLines(v, 'y', 'sn', false),
  cos: (v) => sinCosLines(v, 'y', 'cs', true),
  erf: (v) => erfLines(v, 'y', 'er'),
} satisfies Record<UnaryOp, (v: string) => string[]>;

/** `y` stays NaN for a NaN input `v`. */
function nanKept(v: string): string {
  return `if (!(${v} == ${v})) { y = ${v}; }`;
}

/** The edges of a logarithm whose pole is at `v = pole`: −∞ there, NaN below it or for NaN, ∞ at ∞. */
function logEdges(v: string, pole: string): string[] {
  return [
    `if (${v} == ${pole}) { y = -infv; }`,
    `if (${v} < ${pole}) { y = nanv; }`,
    `if (${v} > 3.4e38) { y = infv; }`,
    `if (!(${v} == ${v})) { y = nanv; }`,
  ];
}

/** Scalar arguments an op's snippet needs. */
export function unaryNeeds(op: UnaryOp): MathNeeds {
  if (op === 'log' || op === 'log1p') return { nan: true, inf: true };
  return op === 'sin' || op === 'cos' ? { nan: true } : {};
}

/** Lines declaring `y` = op(v). */
export function unaryLines(op: UnaryOp, v: string): string[] {
  return UNARY_LINES[op](v);
}

/** Scalar arguments an op's snippet needs. */
export function binaryNeeds(op: BinaryOp): MathNeeds {
  return op === 'pow' ? { nan: true, inf: true } : {};
}

/**
 * `y = aᵇ` with JavaScript's `**` semantics (NaN⁰ = 1, (−1)^±∞ = NaN, a negative base needs an
 * integer exponent, signed zeros and infinities), then rounded when the result is an int32.
 */
function powLines(a: string, b: string, intResult: boolean): string[] {
  const lines = [
    `let pa = Math.abs(${a});`,
    `let y = Math.pow(pa, ${b});`,
    `let pf = Math.floor(${b});`,
    'let podd = 0.0;',
    `if (pf == ${b}) { if (Math.floor(${b} * 0.5) * 2 != ${b}) { podd = 1.0; } }`,
    `if (${a} < 0) { if (pf != ${b}) { y = nanv; } if (podd > 0.5) { y = -y; } }`,
    `if (${a} == 0) {`,
    `  if (${b} > 0) { y = 0.0; if (podd > 0.5) { y = ${a}; } }`,
    `  if (${b} < 0) { y = infv; if (podd > 0.5) { y = 1 / ${a}; } }`,
    '}',
    `if (${b} > 3.4e38) { y = 0.0; if (pa > 1) { y = infv; } if (pa == 1) { y = nanv; } }`,
    `if (${b} < -3.4e38) { y = infv; if (pa > 1) { y = 0.0; } if (pa == 1) { y = nanv; } }`,
    `if (!(${a} == ${a})) { y = nanv; }`,
    `if (!(${b} == ${b})) { y = nanv; }`,
    `if (${b} == 0) { y = 1.0; }`,
  ];
  if (intResult) {
    // int32 results: exact integers for integer exponents ≥ 0, truncation (as an int32 store) below
    lines.push(
      `if (${b} >= 0) { let pr = Math.floor(Math.abs(y) + 0.5); if (y < 0) { pr = -pr; } y = pr; }`,
      `if (${b} < 0) { y = Math.trunc(y); }`,
    );
  }
  return lines;
}

/** Lines declaring `y` = op(a, b), per binary op of the spec; comparisons give 1 or 0. */
const BINARY_LINES = {
  add: (a, b) => [`let y = ${a} + ${b};`],
  sub: (a, b) => [`let y = ${a} - ${b};`],
  mul: (a, b) => [`let y = ${a} * ${b};`],
  div: (a, b) => [`let y = ${a} / ${b};`],
  pow: (a, b, intResult) => powLines(a, b, intResult),
  maximum: (a, b) => [
    `let y = ${b};`,
    `if (${a} > ${b}) { y = ${a}; }`,
    `if (!(${a} == ${a})) { y = ${a}; }`,
  ],
  minimum: (a, b) => [
    `let y = ${b};`,
    `if (${a} < ${b}) { y = ${a}; }`,
    `if (!(${a} == ${a})) { y = ${a}; }`,
  ],
  eq: (a, b) => ['let y = 0.0;', `if (${a} == ${b}) { y = 1.0; }`],
  ne: (a, b) => ['let y = 1.0;', `if (${a} == ${b}) { y = 0.0; }`],
  lt: (a, b) => ['let y = 0.0;', `if (${a} < ${b}) { y = 1.0; }`],
  le: (a, b) => ['let y = 0.0;', `if (${a} <= ${b}) { y = 1.0; }`],
  gt: (a, b) => ['let y = 0.0;', `if (${a} > ${b}) { y = 1.0; }`],
  ge: (a, b) => ['let y = 0.0;', `if (${a} >= ${b}) { y = 1.0; }`],
} satisfies Record<BinaryOp, (a: string, b: string, intResult: boolean) => string[]>;

/** Lines declaring `y` = op(a, b); comparisons give 1 or 0. */
export function binaryLines(op: BinaryOp, a: string, b: string, intResult: boolean): string[] {
  return BINARY_LINES[op](a, b, intResult);
}
