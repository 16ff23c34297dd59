import type { Handle, View } from '../backend.js';
import type { DType } from '../dtype.js';
import { IndexError } from '../errors.js';
import { contiguousStrides, fmtShape } from '../shape.js';
import type { ArrayAllocator } from './alloc.js';
import { around } from './reduce.js';
import { arrayOf, contiguousData, handle, sizeOf } from './storage.js';

function outOfRange(op: string, value: number, size: number, axis: number, where: string): IndexError {
  return new IndexError(`${op}: index ${value} at ${where} is out of range for axis ${axis} of size ${size}`);
}

/**
 * Walks every position of `index` (row-major), giving the offset into a tensor of `targetStrides`
 * that the position addresses once its coordinate along `axis` is replaced by the index value.
 */
function walkIndexed(
  op: string,
  index: View,
  axis: number,
  targetShape: readonly number[],
  targetStrides: readonly number[],
  targetOffset: number,
  visit: (pos: number, target: number) => void,
): void {
  const idx = contiguousData(index);
  const shape = index.shape;
  const rank = shape.length;
  const size = idx.length;
  const coord = new Array<number>(rank).fill(0);
  let base = targetOffset; // offset from every coordinate except `axis`
  const limit = targetShape[axis];
  for (let pos = 0; pos < size; pos++) {
    const v = idx[pos];
    if (v < 0 || v >= limit) throw outOfRange(op, v, limit, axis, `[${coord.join(',')}]`);
    visit(pos, base + v * targetStrides[axis]);
    for (let d = rank - 1; d >= 0; d--) {
      coord[d]++;
      if (d !== axis) base += targetStrides[d];
      if (coord[d] < shape[d]) break;
      if (d !== axis) base -= targetStrides[d] * shape[d];
      coord[d] = 0;
    }
  }
}

export function gather(alloc: ArrayAllocator, x: View, axis: number, index: View): Handle {
  const src = arrayOf(x.handle);
  const out = alloc(x.dtype, sizeOf(index.shape));
  walkIndexed('gather', index, axis, x.shape, x.strides, x.offset, (pos, t) => {
    out[pos] = src[t];
  });
  return handle(out);
}

export function scatterAdd(
  alloc: ArrayAllocator,

  shape: readonly number[],
  dtype: DType,
  axis: number,
  index: View,
  src: View,
): Handle {
  const out = alloc(dtype, sizeOf(shape));
  // src is read at the index's positions (it may be larger than the index).
  const s = arrayOf(src.handle);
  const srcPos = positionsIn(index.shape, src);
  walkIndexed('scatterAdd', index, axis, shape, contiguousStrides(shape), 0, (pos, t) => {
    out[t] += s[srcPos[pos]];
  });
  return handle(out);
}

/** Offsets into `v` of every row-major position of a (possibly smaller) `shape`. */
function positionsIn(shape: readonly number[], v: View): Int32Array {
  const size = sizeOf(shape);
  const out = new Int32Array(size);
  const rank = shape.length;
  const coord = new Array<number>(rank).fill(0);
  let off = v.offset;
  for (let p = 0; p < size; p++) {
    out[p] = off;
    for (let d = rank - 1; d >= 0; d--) {
      coord[d]++;
      off += v.strides[d];
      if (coord[d] < shape[d]) break;
      off -= v.strides[d] * shape[d];
      coord[d] = 0;
    }
  }
  return out;
}

export function indexSelect(alloc: ArrayAllocator, x: View, axis: number, index: View): Handle {
  const data = contiguousData(x);
  const idx = contiguousData(index);
  const { outer, n, inner } = around(x.shape, axis);
  const m = idx.length;
  const out = alloc(x.dtype, outer * m * inner);
  for (let j = 0; j < m; j++) {
    const v = idx[j];
    if (v < 0 || v >= n) throw outOfRange('indexSelect', v, n, axis, `[${j}]`);
  }
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < m; j++) {
      const from = (o * n + idx[j]) * inner;
      out.set(data.subarray(from, from + inner), (o * m + j) * inner);
    }
  }
  return handle(out);
}

/** Whether idx[j] = idx[0] + j for every j (distinct, consecutive indices). */
function isRange(idx: ArrayLike<number>): boolean {
  for (let j = 1; j < idx.length; j++) if (idx[j] !== idx[0] + j) return false;
  return true;
}

export function indexAdd(
  alloc: ArrayAllocator,

  shape: readonly number[],
  dtype: DType,
  axis: number,
  index: View,
  src: View,
): Handle {
  const data = contiguousData(src);
  const idx = contiguousData(index);
  const { outer, n, inner } = around(shape, axis);
  const m = idx.length;
  for (let j = 0; j < m; j++) {
    const v = idx[j];
    if (v < 0 || v >= n) throw outOfRange('indexAdd', v, n, axis, `[${j}]`);
  }
  const out = alloc(dtype, sizeOf(shape));
  if (m > 0 && isRange(idx)) {
    // A slice's gradient (index = start, start+1, …): each outer block is one copy, no sums.
    const block = m * inner;
    for (let o = 0; o < outer; o++) {
      const from = o * block;
      out.set(data.subarray(from, from + block), (o * n + idx[0]) * inner);
    }
    return handle(out);
  }
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < m; j++) {
      const to = (o * n + idx[j]) * inner;
      const from = (o * m + j) * inner;
      for (let k = 0; k < inner; k++) out[to + k] += data[from + k];
    }
  }
  return handle(out);
}

export function concat(alloc: ArrayAllocator, xs: readonly View[], axis: number): Handle {
  const shape = [...xs[0].shape];
  shape[axis] = xs.reduce((s, v) => s + v.shape[axis], 0);
  const out = alloc(xs[0].dtype, sizeOf(shape));
  const { outer, n: total, inner } = around(shape, axis);
  let start = 0;
  for (const v of xs) {
    const data = contiguousData(v);
    const len = v.shape[axis] * inner;
    for (let o = 0; o < outer; o++)
      out.set(data.subarray(o * len, (o + 1) * len), (o * total + start) * inner);
    start += v.shape[axis];
  }
  return handle(out);
}

export { fmtShape };
