import type { ArgReduceOp, Handle, ReduceOp, View } from '../backend.js';
import { allocArray, type TypedArray } from '../dtype.js';
import { contiguousStrides } from '../shape.js';
import type { ArrayAllocator } from './alloc.js';
import { contiguousData, handle, sizeOf, stridedCopy } from './storage.js';

/**
 * Brings the reduced axes to the end and returns the data as `[outer, inner]` rows, where each
 * row holds the `inner` values that reduce to one output. Copies only when the layout needs it.
 */
function rowsFor(x: View, axes: readonly number[]): { data: TypedArray; outer: number; inner: number } {
  const kept = x.shape.map((_, i) => i).filter((i) => !axes.includes(i));
  const order = [...kept, ...axes];
  const inner = axes.reduce((p, a) => p * x.shape[a], 1);
  const outer = kept.reduce((p, a) => p * x.shape[a], 1);
  const identity = order.every((a, i) => a === i);
  if (identity) return { data: contiguousData(x), outer, inner };
  const permuted: View = {
    ...x,
    shape: order.map((a) => x.shape[a]),
    strides: order.map((a) => x.strides[a]),
  };
  return { data: stridedCopy(permuted, allocArray(x.dtype, outer * inner)), outer, inner };
}

/** Whether the reduced axes are exactly the leading ones (e.g. a bias gradient: sum over the batch). */
function leadingAxes(axes: readonly number[]): boolean {
  return axes.every((a, i) => a === i);
}

export function reduce(alloc: ArrayAllocator, op: ReduceOp, x: View, axes: readonly number[]): Handle {
  const outSize = sizeOf(x.shape.filter((_, i) => !axes.includes(i)));
  const out = alloc(x.dtype, outSize);
  if (outSize === 0) return handle(out);
  if (op === 'sum' && leadingAxes(axes) && axes.length < x.shape.length && axes.length > 0) {
    // Column sums over a [rows, cols] layout: stream rows, accumulate into a float64 buffer.
    const data = contiguousData(x);
    const rows = axes.reduce((p, a) => p * x.shape[a], 1);
    const acc = new Float64Array(outSize);
    for (let r = 0; r < rows; r++) {
      const base = r * outSize;
      for (let c = 0; c < outSize; c++) acc[c] += data[base + c];
    }
    for (let c = 0; c < outSize; c++) out[c] = acc[c];
    return handle(out);
  }
  const { data, outer, inner } = rowsFor(x, axes);
  for (let r = 0; r < outer; r++) {
    const base = r * inner;
    if (op === 'sum') {
      let s = 0;
      for (let i = 0; i < inner; i++) s += data[base + i];
      out[r] = s;
    } else if (op === 'max') {
      let m = Number.NEGATIVE_INFINITY;
      for (let i = 0; i < inner; i++) {
        const v = data[base + i];
        if (v > m || Number.isNaN(v)) {
          m = v;
          if (Number.isNaN(v)) break;
        }
      }
      out[r] = m;
    } else {
      let m = Number.POSITIVE_INFINITY;
      for (let i = 0; i < inner; i++) {
        const v = data[base + i];
        if (v < m || Number.isNaN(v)) {
          m = v;
          if (Number.isNaN(v)) break;
        }
      }
      out[r] = m;
    }
  }
  return handle(out);
}

export function argReduce(alloc: ArrayAllocator, op: ArgReduceOp, x: View, axis: number): Handle {
  const { data, outer, inner } = rowsFor(x, [axis]);
  const out = alloc('int32', outer);
  const isMax = op === 'argmax';
  for (let r = 0; r < outer; r++) {
    const base = r * inner;
    let best = data[base];
    let at = 0;
    for (let i = 1; i < inner; i++) {
      const v = data[base + i];
      if (Number.isNaN(best)) break;
      if (Number.isNaN(v) || (isMax ? v > best : v < best)) {
        best = v;
        at = i;
      }
    }
    out[r] = at;
  }
  return handle(out);
}

/** Views contiguous data of `shape` as [outer, n, inner] around `axis`. */
export function around(shape: readonly number[], axis: number): { outer: number; n: number; inner: number } {
  let outer = 1;
  let inner = 1;
  for (let i = 0; i < axis; i++) outer *= shape[i];
  for (let i = axis + 1; i < shape.length; i++) inner *= shape[i];
  return { outer, n: shape[axis], inner };
}

export function cumsum(alloc: ArrayAllocator, x: View, axis: number): Handle {
  const data = contiguousData(x);
  const out = alloc(x.dtype, data.length);
  const { outer, n, inner } = around(x.shape, axis);
  for (let o = 0; o < outer; o++) {
    const base = o * n * inner;
    for (let k = 0; k < inner; k++) {
      let s = 0;
      for (let i = 0; i < n; i++) {
        const p = base + i * inner + k;
        s += data[p];
        out[p] = s;
      }
    }
  }
  return handle(out);
}

export function softmax(alloc: ArrayAllocator, x: View, axis: number, log: boolean): Handle {
  const data = contiguousData(x);
  const out = alloc(x.dtype, data.length);
  const { outer, n, inner } = around(x.shape, axis);
  for (let o = 0; o < outer; o++) {
    const base = o * n * inner;
    for (let k = 0; k < inner; k++) {
      let m = Number.NEGATIVE_INFINITY;
      for (let i = 0; i < n; i++) {
        const v = data[base + i * inner + k];
        if (v > m) m = v;
      }
      if (m === Number.NEGATIVE_INFINITY) m = 0; // a row of -inf: keep exp(-inf) = 0, log gives -inf/NaN as torch
      let s = 0;
      for (let i = 0; i < n; i++) s += Math.exp(data[base + i * inner + k] - m);
      if (log) {
        const lse = m + Math.log(s);
        for (let i = 0; i < n; i++) {
          const p = base + i * inner + k;
          out[p] = data[p] - lse;
        }
      } else {
        const inv = 1 / s;
        for (let i = 0; i < n; i++) {
          const p = base + i * inner + k;
          out[p] = Math.exp(data[p] - m) * inv;
        }
      }
    }
  }
  return handle(out);
}

export { contiguousStrides };
