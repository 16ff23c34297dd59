import { type BinaryOp, COMPARISON_OPS, type Handle, type UnaryOp, type View } from '../backend.js';
import type { TypedArray } from '../dtype.js';
import type { ArrayAllocator } from './alloc.js';
import { erf, erf32, gelu, gelu32, geluTanh, sigmoid } from './math.js';
import { arrayOf, contiguousData, contiguousStrides, forEachRow, handle, sizeOf } from './storage.js';

/** One tight loop of a unary op: out[i] = f(x[i]) for i < n. */
type UnaryLoop = (x: TypedArray, out: TypedArray, n: number) => void;

/**
 * The unary kernels, one per op of `UNARY_SPEC` (a missing op is a compile error). Each is its own
 * function with one tight loop, so every loop stays monomorphic.
 */
const UNARY_LOOPS = {
  neg: (x, out, n) => {
    for (let i = 0; i < n; i++) out[i] = -x[i];
  },
  abs: (x, out, n) => {
    for (let i = 0; i < n; i++) out[i] = Math.abs(x[i]);
  },
  sign: (x, out, n) => {
    for (let i = 0; i < n; i++) out[i] = x[i] > 0 ? 1 : x[i] < 0 ? -1 : x[i];
  },
  exp: (x, out, n) => {
    for (let i = 0; i < n; i++) out[i] = Math.exp(x[i]);
  },
  log: (x, out, n) => {
    for (let i = 0; i < n; i++) out[i] = Math.log(x[i]);
  },
  log1p: (x, out, n) => {
    for (let i = 0; i < n; i++) out[i] = Math.log1p(x[i]); // exact near 0, where 1 + x would round
  },
  sqrt: (x, out, n) => {
    for (let i = 0; i < n; i++) out[i] = Math.sqrt(x[i]);
  },
  rsqrt: (x, out, n) => {
    for (let i = 0; i < n; i++) out[i] = 1 / Math.sqrt(x[i]);
  },
  tanh: (x, out, n) => {
    for (let i = 0; i < n; i++) out[i] = Math.tanh(x[i]);
  },
  sigmoid: (x, out, n) => {
    for (let i = 0; i < n; i++) out[i] = sigmoid(x[i]);
  },
  relu: (x, out, n) => {
    for (let i = 0; i < n; i++) out[i] = Math.max(x[i], 0); // NaN stays NaN, as in PyTorch
  },
  gelu: (x, out, n) => {
    if (out instanceof Float32Array) for (let i = 0; i < n; i++) out[i] = gelu32(x[i]);
    else for (let i = 0; i < n; i++) out[i] = gelu(x[i]);
  },
  gelu_tanh: (x, out, n) => {
    for (let i = 0; i < n; i++) out[i] = geluTanh(x[i]);
  },
  sin: (x, out, n) => {
    for (let i = 0; i < n; i++) out[i] = Math.sin(x[i]);
  },
  cos: (x, out, n) => {
    for (let i = 0; i < n; i++) out[i] = Math.cos(x[i]);
  },
  erf: (x, out, n) => {
    if (out instanceof Float32Array) for (let i = 0; i < n; i++) out[i] = erf32(x[i]);
    else for (let i = 0; i < n; i++) out[i] = erf(x[i]);
  },
} satisfies Record<UnaryOp, UnaryLoop>;

export function unary(alloc: ArrayAllocator, op: UnaryOp, x: View): Handle {
  const src = contiguousData(x);
  const out = alloc(x.dtype, src.length);
  UNARY_LOOPS[op](src, out, src.length);
  return handle(out);
}

/** One row of a binary op: out[o..o+n) = f(a[ia + j·sa], b[ib + j·sb]). */
type BinaryRow = (
  out: TypedArray,
  o: number,
  a: TypedArray,
  ia: number,
  sa: number,
  b: TypedArray,
  ib: number,
  sb: number,
  n: number,
) => void;

/** The binary kernels, one per op of `BINARY_SPEC` (a missing op is a compile error), one tight loop each. */
const BINARY_ROWS = {
  add: (out, o, a, ia, sa, b, ib, sb, n) => {
    for (let j = 0; j < n; j++, ia += sa, ib += sb) out[o + j] = a[ia] + b[ib];
  },
  sub: (out, o, a, ia, sa, b, ib, sb, n) => {
    for (let j = 0; j < n; j++, ia += sa, ib += sb) out[o + j] = a[ia] - b[ib];
  },
  mul: (out, o, a, ia, sa, b, ib, sb, n) => {
    for (let j = 0; j < n; j++, ia += sa, ib += sb) out[o + j] = a[ia] * b[ib];
  },
  div: (out, o, a, ia, sa, b, ib, sb, n) => {
    for (let j = 0; j < n; j++, ia += sa, ib += sb) out[o + j] = a[ia] / b[ib];
  },
  pow: (out, o, a, ia, sa, b, ib, sb, n) => {
    for (let j = 0; j < n; j++, ia += sa, ib += sb) out[o + j] = a[ia] ** b[ib];
  },
  maximum: (out, o, a, ia, sa, b, ib, sb, n) => {
    for (let j = 0; j < n; j++, ia += sa, ib += sb) out[o + j] = Math.max(a[ia], b[ib]); // NaN propagates
  },
  minimum: (out, o, a, ia, sa, b, ib, sb, n) => {
    for (let j = 0; j < n; j++, ia += sa, ib += sb) out[o + j] = Math.min(a[ia], b[ib]); // NaN propagates
  },
  eq: (out, o, a, ia, sa, b, ib, sb, n) => {
    for (let j = 0; j < n; j++, ia += sa, ib += sb) out[o + j] = a[ia] === b[ib] ? 1 : 0;
  },
  ne: (out, o, a, ia, sa, b, ib, sb, n) => {
    for (let j = 0; j < n; j++, ia += sa, ib += sb) out[o + j] = a[ia] !== b[ib] ? 1 : 0;
  },
  lt: (out, o, a, ia, sa, b, ib, sb, n) => {
    for (let j = 0; j < n; j++, ia += sa, ib += sb) out[o + j] = a[ia] < b[ib] ? 1 : 0;
  },
  le: (out, o, a, ia, sa, b, ib, sb, n) => {
    for (let j = 0; j < n; j++, ia += sa, ib += sb) out[o + j] = a[ia] <= b[ib] ? 1 : 0;
  },
  gt: (out, o, a, ia, sa, b, ib, sb, n) => {
    for (let j = 0; j < n; j++, ia += sa, ib += sb) out[o + j] = a[ia] > b[ib] ? 1 : 0;
  },
  ge: (out, o, a, ia, sa, b, ib, sb, n) => {
    for (let j = 0; j < n; j++, ia += sa, ib += sb) out[o + j] = a[ia] >= b[ib] ? 1 : 0;
  },
} satisfies Record<BinaryOp, BinaryRow>;

export function binary(
  alloc: ArrayAllocator,
  op: BinaryOp,
  a: View,
  b: View,
  shape: readonly number[],
): Handle {
  const size = sizeOf(shape);
  const out = alloc(COMPARISON_OPS.has(op) ? 'bool' : a.dtype, size);
  if (size === 0) return handle(out);
  const A = arrayOf(a.handle);
  const B = arrayOf(b.handle);
  const row: BinaryRow = BINARY_ROWS[op];
  forEachRow(
    shape,
    [contiguousStrides(shape), a.strides, b.strides],
    [0, a.offset, b.offset],
    (off, n, inner) => {
      row(out, off[0], A, off[1], inner[1], B, off[2], inner[2], n);
    },
  );
  return handle(out);
}

export function where(alloc: ArrayAllocator, cond: View, a: View, b: View, shape: readonly number[]): Handle {
  const size = sizeOf(shape);
  const out = alloc(a.dtype, size);
  if (size === 0) return handle(out);
  const C = arrayOf(cond.handle);
  const A = arrayOf(a.handle);
  const B = arrayOf(b.handle);
  forEachRow(
    shape,
    [contiguousStrides(shape), cond.strides, a.strides, b.strides],
    [0, cond.offset, a.offset, b.offset],
    (off, n, inner) => {
      let [o, ic, ia, ib] = off;
      const [, sc, sa, sb] = inner;
      for (let j = 0; j < n; j++, o++, ic += sc, ia += sa, ib += sb) out[o] = C[ic] ? A[ia] : B[ib];
    },
  );
  return handle(out);
}
