import type { BinaryOp, Handle, UnaryOp, View } from '../backend.js';
import type { TypedArray } from '../dtype.js';
import type { ArrayAllocator } from './alloc.js';
import { erf, erf32, gelu, gelu32, geluTanh, sigmoid } from './math.js';
import { arrayOf, contiguousData, contiguousStrides, forEachRow, handle, sizeOf } from './storage.js';

/** Applies a unary op over a contiguous array. One tight loop per op keeps each loop monomorphic. */
function unaryLoop(op: UnaryOp, x: TypedArray, out: TypedArray): void {
  const n = x.length;
  switch (op) {
    case 'neg':
      for (let i = 0; i < n; i++) out[i] = -x[i];
      return;
    case 'abs':
      for (let i = 0; i < n; i++) out[i] = Math.abs(x[i]);
      return;
    case 'sign':
      for (let i = 0; i < n; i++) out[i] = x[i] > 0 ? 1 : x[i] < 0 ? -1 : x[i];
      return;
    case 'exp':
      for (let i = 0; i < n; i++) out[i] = Math.exp(x[i]);
      return;
    case 'log':
      for (let i = 0; i < n; i++) out[i] = Math.log(x[i]);
      return;
    case 'sqrt':
      for (let i = 0; i < n; i++) out[i] = Math.sqrt(x[i]);
      return;
    case 'rsqrt':
      for (let i = 0; i < n; i++) out[i] = 1 / Math.sqrt(x[i]);
      return;
    case 'tanh':
      for (let i = 0; i < n; i++) out[i] = Math.tanh(x[i]);
      return;
    case 'sigmoid':
      for (let i = 0; i < n; i++) out[i] = sigmoid(x[i]);
      return;
    case 'relu':
      for (let i = 0; i < n; i++) out[i] = Math.max(x[i], 0); // NaN stays NaN, as in PyTorch
      return;
    case 'gelu':
      if (out instanceof Float32Array) for (let i = 0; i < n; i++) out[i] = gelu32(x[i]);
      else for (let i = 0; i < n; i++) out[i] = gelu(x[i]);
      return;
    case 'gelu_tanh':
      for (let i = 0; i < n; i++) out[i] = geluTanh(x[i]);
      return;
    case 'sin':
      for (let i = 0; i < n; i++) out[i] = Math.sin(x[i]);
      return;
    case 'cos':
      for (let i = 0; i < n; i++) out[i] = Math.cos(x[i]);
      return;
    case 'erf':
      if (out instanceof Float32Array) for (let i = 0; i < n; i++) out[i] = erf32(x[i]);
      else for (let i = 0; i < n; i++) out[i] = erf(x[i]);
      return;
  }
}

export function unary(alloc: ArrayAllocator, op: UnaryOp, x: View): Handle {
  const src = contiguousData(x);
  const out = alloc(x.dtype, src.length);
  unaryLoop(op, src, out);
  return handle(out);
}

/** One row of a binary op: out[o..o+n) = f(a[ia + j·sa], b[ib + j·sb]). */
function binaryRow(
  op: BinaryOp,
  out: TypedArray,
  o: number,
  a: TypedArray,
  ia: number,
  sa: number,
  b: TypedArray,
  ib: number,
  sb: number,
  n: number,
): void {
  switch (op) {
    case 'add':
      for (let j = 0; j < n; j++, ia += sa, ib += sb) out[o + j] = a[ia] + b[ib];
      return;
    case 'sub':
      for (let j = 0; j < n; j++, ia += sa, ib += sb) out[o + j] = a[ia] - b[ib];
      return;
    case 'mul':
      for (let j = 0; j < n; j++, ia += sa, ib += sb) out[o + j] = a[ia] * b[ib];
      return;
    case 'div':
      for (let j = 0; j < n; j++, ia += sa, ib += sb) out[o + j] = a[ia] / b[ib];
      return;
    case 'pow':
      for (let j = 0; j < n; j++, ia += sa, ib += sb) out[o + j] = a[ia] ** b[ib];
      return;
    case 'maximum':
      for (let j = 0; j < n; j++, ia += sa, ib += sb) out[o + j] = Math.max(a[ia], b[ib]); // NaN propagates
      return;
    case 'minimum':
      for (let j = 0; j < n; j++, ia += sa, ib += sb) out[o + j] = Math.min(a[ia], b[ib]); // NaN propagates
      return;
    case 'eq':
      for (let j = 0; j < n; j++, ia += sa, ib += sb) out[o + j] = a[ia] === b[ib] ? 1 : 0;
      return;
    case 'ne':
      for (let j = 0; j < n; j++, ia += sa, ib += sb) out[o + j] = a[ia] !== b[ib] ? 1 : 0;
      return;
    case 'lt':
      for (let j = 0; j < n; j++, ia += sa, ib += sb) out[o + j] = a[ia] < b[ib] ? 1 : 0;
      return;
    case 'le':
      for (let j = 0; j < n; j++, ia += sa, ib += sb) out[o + j] = a[ia] <= b[ib] ? 1 : 0;
      return;
    case 'gt':
      for (let j = 0; j < n; j++, ia += sa, ib += sb) out[o + j] = a[ia] > b[ib] ? 1 : 0;
      return;
    case 'ge':
      for (let j = 0; j < n; j++, ia += sa, ib += sb) out[o + j] = a[ia] >= b[ib] ? 1 : 0;
      return;
  }
}

const COMPARE = new Set<BinaryOp>(['eq', 'ne', 'lt', 'le', 'gt', 'ge']);

export function binary(
  alloc: ArrayAllocator,
  op: BinaryOp,
  a: View,
  b: View,
  shape: readonly number[],
): Handle {
  const size = sizeOf(shape);
  const out = alloc(COMPARE.has(op) ? 'bool' : a.dtype, size);
  if (size === 0) return handle(out);
  const A = arrayOf(a.handle);
  const B = arrayOf(b.handle);
  forEachRow(
    shape,
    [contiguousStrides(shape), a.strides, b.strides],
    [0, a.offset, b.offset],
    (off, n, inner) => {
      binaryRow(op, out, off[0], A, off[1], inner[1], B, off[2], inner[2], n);
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
