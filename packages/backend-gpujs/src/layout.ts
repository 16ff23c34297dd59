import { contiguousStrides, sizeOf, type View } from '@dendrite/tensor';

/**
 * Strided layouts, folded to as few dimensions as possible before a kernel sees them.
 *
 * Every gpu.js kernel of this backend has a flat 1-D output (`this.thread.x` is the row-major
 * output index) and reads flat 1-D inputs: a tensor of any rank becomes "flat index → coordinates
 * → offset" arithmetic in the generated source, with the sizes and strides passed as scalar
 * arguments. That sidesteps gpu.js's rank ≤ 3 limit, and folding first (the tensor core's
 * `collapseDims`) keeps kernels short.
 */

/** Whether every stride is 0 (the view reads one element, however large its shape). */
export function readsOneElement(shape: readonly number[], strides: readonly number[]): boolean {
  for (let d = 0; d < shape.length; d++) if (shape[d] > 1 && strides[d] !== 0) return false;
  return true;
}

/** Offsets of every row-major position of a strided view (host side: index checks). */
export function* offsetsOf(
  shape: readonly number[],
  strides: readonly number[],
  offset: number,
): Generator<number> {
  const size = sizeOf(shape);
  const rank = shape.length;
  const coord = new Array<number>(rank).fill(0);
  let off = offset;
  for (let p = 0; p < size; p++) {
    yield off;
    for (let d = rank - 1; d >= 0; d--) {
      coord[d]++;
      off += strides[d];
      if (coord[d] < shape[d]) break;
      off -= strides[d] * shape[d];
      coord[d] = 0;
    }
  }
}

/** Whether `v` reads all of a contiguous `own`-shaped array in order, as an op over `shape` does. */
export function readsInOrder(v: View, own: readonly number[], shape: readonly number[]): boolean {
  if (v.offset !== 0 || v.shape.length !== own.length || own.length !== shape.length) return false;
  const rm = contiguousStrides(own);
  for (let d = 0; d < own.length; d++) {
    if (v.shape[d] !== own[d] || own[d] !== shape[d]) return false;
    if (own[d] > 1 && v.strides[d] !== rm[d]) return false;
  }
  return true;
}

/** The dims of a view without its size-1 dims, keeping `keep` (returned renumbered). */
export function squeezed(
  shape: readonly number[],
  stridesList: readonly (readonly number[])[],
  keep: number,
): { shape: number[]; strides: number[][]; axis: number } {
  const out: number[] = [];
  const strides: number[][] = stridesList.map(() => []);
  let axis = -1;
  for (let d = 0; d < shape.length; d++) {
    if (shape[d] === 1 && d !== keep) continue;
    if (d === keep) axis = out.length;
    out.push(shape[d]);
    stridesList.forEach((s, k) => strides[k].push(s[d]));
  }
  return { shape: out, strides, axis };
}
