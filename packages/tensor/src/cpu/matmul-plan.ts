import type { View } from '../backend.js';
import { sizeOf } from '../shape.js';

/**
 * How to run a batched product `[...batch, M, K] · [...batch, K, N]` as a loop of 2-D products:
 * the matrices' row/column strides, where each batch's A and B start, and whether the batch
 * folds into one product — when every batch shares one B (a weight: `x·W` with x `[B, T, C]`)
 * and A's batch rows are evenly spaced, the whole batch is one `[batch·M, K]` product.
 * Shared by the CPU kernels (TypeScript and WebAssembly).
 */
export interface MatmulPlan {
  M: number;
  K: number;
  N: number;
  /** Rows of each 2-D product (M, or batch·M when folded). */
  rows: number;
  /** Number of 2-D products. */
  count: number;
  /** A's row and column strides; B's row and column strides. */
  ars: number;
  acs: number;
  brs: number;
  bcs: number;
  /** Where each product's A and B start (element offsets). */
  aOffsets: number[];
  bOffsets: number[];
  /** Elements of the output. */
  size: number;
}

/** Offsets of every batch matrix in a view with `shape[..-2]` batch dims. */
function batchOffsets(v: View, batchShape: readonly number[]): number[] {
  const n = sizeOf(batchShape);
  const out = new Array<number>(n);
  const coord = new Array<number>(batchShape.length).fill(0);
  let off = v.offset;
  for (let b = 0; b < n; b++) {
    out[b] = off;
    for (let d = batchShape.length - 1; d >= 0; d--) {
      coord[d]++;
      off += v.strides[d];
      if (coord[d] < batchShape[d]) break;
      off -= v.strides[d] * batchShape[d];
      coord[d] = 0;
    }
  }
  return out;
}

/**
 * How a batched product `a·b` walks its operands: sizes, the row and column strides of both, the
 * offset of each batch entry (broadcast batch dims read the same entry) and the output size. The
 * CPU kernel and backend-wasm's SIMD product share it.
 */
export function planMatmul(a: View, b: View): MatmulPlan {
  const r = a.shape.length;
  const M = a.shape[r - 2];
  const K = a.shape[r - 1];
  const N = b.shape[r - 1];
  const batchShape = a.shape.slice(0, r - 2);
  const batch = sizeOf(batchShape);
  const ars = a.strides[r - 2];
  const acs = a.strides[r - 1];
  let rows = M;
  let count = batch;
  const bShared = b.strides.slice(0, r - 2).every((s, d) => s === 0 || batchShape[d] === 1);
  if (batch > 1 && bShared && acs === 1) {
    let expected = ars * M;
    let foldable = true;
    for (let d = r - 3; d >= 0; d--) {
      if (batchShape[d] !== 1 && a.strides[d] !== expected) foldable = false;
      expected *= batchShape[d];
    }
    if (foldable) {
      rows = batch * M;
      count = 1;
    }
  }
  return {
    M,
    K,
    N,
    rows,
    count,
    ars,
    acs,
    brs: b.strides[r - 2],
    bcs: b.strides[r - 1],
    aOffsets: count === 1 ? [a.offset] : batchOffsets(a, batchShape),
    bOffsets: count === 1 ? [b.offset] : batchOffsets(b, batchShape),
    size: batch * M * N,
  };
}
