/**
 * Strided layouts, folded to as few dimensions as possible before a kernel sees them.
 *
 * Every gpu.js kernel of this backend has a flat 1-D output (`this.thread.x` is the row-major
 * output index) and reads flat 1-D inputs: a tensor of any rank becomes "flat index → coordinates
 * → offset" arithmetic in the generated source, with the sizes and strides passed as scalar
 * arguments. That sidesteps gpu.js's rank ≤ 3 limit, and folding first keeps kernels short.
 */

/** Shape and one stride list per operand, with mergeable neighbours merged and size-1 dims dropped. */
export interface Folded {
  readonly shape: number[];
  readonly strides: number[][];
}

/**
 * Merges adjacent dims that are contiguous with each other in every operand (`stride[d-1] ==
 * stride[d]·shape[d]` for all), and drops size-1 dims. The element order is unchanged.
 */
export function fold(shape: readonly number[], stridesList: readonly (readonly number[])[]): Folded {
  const outShape: number[] = [];
  const outStrides: number[][] = stridesList.map(() => []);
  for (let d = 0; d < shape.length; d++) {
    if (shape[d] === 1) continue;
    const last = outShape.length - 1;
    const mergeable = last >= 0 && stridesList.every((s, k) => outStrides[k][last] === s[d] * shape[d]);
    if (mergeable) {
      outShape[last] *= shape[d];
      for (let k = 0; k < stridesList.length; k++) outStrides[k][last] = stridesList[k][d];
    } else {
      outShape.push(shape[d]);
      for (let k = 0; k < stridesList.length; k++) outStrides[k].push(stridesList[k][d]);
    }
  }
  return { shape: outShape, strides: outStrides };
}

/** Number of elements of a shape. */
export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Row-major strides of a contiguous tensor of `shape`. */
export function rowMajor(shape: readonly number[]): number[] {
  const out = new Array<number>(shape.length);
  let s = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    out[d] = s;
    s *= shape[d];
  }
  return out;
}

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
