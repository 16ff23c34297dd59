import type { Handle, View } from '../backend.js';
import { allocArray, type DType, type TypedArray } from '../dtype.js';
import { collapseDims, contiguousStrides, isContiguous, sizeOf } from '../shape.js';

/** A CPU handle: a typed array owned by the backend. */
export interface CpuHandle {
  readonly data: TypedArray;
}

export function handle(data: TypedArray): Handle {
  return { data } satisfies CpuHandle;
}

export function arrayOf(h: Handle): TypedArray {
  return (h as CpuHandle).data;
}

/** The view's elements in row-major order: the storage itself when already laid out that way. */
export function contiguousData(v: View): TypedArray {
  const src = arrayOf(v.handle);
  const size = sizeOf(v.shape);
  if (isContiguous(v.shape, v.strides)) {
    if (v.offset === 0 && src.length === size) return src;
    return src.subarray(v.offset, v.offset + size);
  }
  return stridedCopy(v, allocArray(v.dtype, size));
}

/** Copies a strided view into `out` in row-major order. */
export function stridedCopy(v: View, out: TypedArray): TypedArray {
  const src = arrayOf(v.handle);
  const { shape, strides } = collapseDims(v.shape, [v.strides]);
  const st = strides[0];
  const rank = shape.length;
  if (rank === 0) {
    if (out.length > 0) out[0] = src[v.offset];
    return out;
  }
  const n = shape[rank - 1];
  const s = st[rank - 1];
  const outer = out.length / n;
  const idx = new Array<number>(rank).fill(0);
  let base = v.offset;
  let o = 0;
  for (let r = 0; r < outer; r++) {
    let p = base;
    for (let j = 0; j < n; j++) {
      out[o++] = src[p];
      p += s;
    }
    // advance the outer counter
    for (let d = rank - 2; d >= 0; d--) {
      idx[d]++;
      base += st[d];
      if (idx[d] < shape[d]) break;
      base -= st[d] * shape[d];
      idx[d] = 0;
    }
  }
  return out;
}

/**
 * Calls `row(offsets, n)` for every innermost row of a multi-operand strided iteration over
 * `shape`; `offsets[k]` is operand k's offset at the row start, `inner[k]` its stride along it.
 */
export function forEachRow(
  shape: readonly number[],
  stridesList: readonly (readonly number[])[],
  offsets: readonly number[],
  row: (offsets: number[], n: number, inner: number[]) => void,
): void {
  const { shape: cs, strides } = collapseDims(shape, stridesList);
  const k = stridesList.length;
  const rank = cs.length;
  const cur = [...offsets];
  if (rank === 0) {
    row(cur, sizeOf(shape) === 0 ? 0 : 1, new Array(k).fill(0));
    return;
  }
  const n = cs[rank - 1];
  const inner = strides.map((s) => s[rank - 1]);
  let outer = 1;
  for (let d = 0; d < rank - 1; d++) outer *= cs[d];
  const idx = new Array<number>(rank).fill(0);
  for (let r = 0; r < outer; r++) {
    row(cur, n, inner);
    for (let d = rank - 2; d >= 0; d--) {
      idx[d]++;
      for (let q = 0; q < k; q++) cur[q] += strides[q][d];
      if (idx[d] < cs[d]) break;
      for (let q = 0; q < k; q++) cur[q] -= strides[q][d] * cs[d];
      idx[d] = 0;
    }
  }
}

export type { DType };
export { allocArray, contiguousStrides, sizeOf };
