import {
  type ArgReduceOp,
  collapseDims,
  contiguousStrides,
  type Handle,
  type ReduceOp,
  sizeOf,
  type View,
} from '@dendrite/tensor';
import { asHandle, handOutHost, launch, type OpContext } from '../context.js';
import {
  argReduceKernel,
  cumsumKernel,
  reduceKernel,
  softmaxApplyKernel,
  softmaxStatsKernel,
} from '../kernels/reduce.js';
import { squeezed } from '../layout.js';
import { fill } from './storage.js';

/** Reductions, scans and softmax: one thread per output, looping over what it reduces. */

/** y = op over `axes` of x (sum, max, min); an empty sum is zeros. */
export function reduce(ctx: OpContext, op: ReduceOp, x: View, axes: readonly number[]): Handle {
  const keptDims = x.shape.map((_, d) => d).filter((d) => !axes.includes(d));
  const keptShape = keptDims.map((d) => x.shape[d]);
  const outSize = sizeOf(keptShape);
  const redShape = axes.map((d) => x.shape[d]);
  if (outSize > 0 && sizeOf(redShape) === 0) return fill(ctx, outSize, 0, x.dtype); // empty sums
  const kept = collapseDims(keptShape, [contiguousStrides(keptShape), keptDims.map((d) => x.strides[d])]);
  const red = collapseDims(redShape, [axes.map((d) => x.strides[d])]);
  const spec = reduceKernel(op, kept.shape.length, red.shape.length);
  const scalars = [
    x.offset,
    ...kept.strides[1],
    ...kept.shape,
    ...red.strides[0],
    ...red.shape,
    Number.POSITIVE_INFINITY,
  ];
  return launch(ctx, spec, [asHandle(x.handle)], scalars, outSize);
}

/** y = index of the max (or min) along `axis`, the first on ties. */
export function argReduce(ctx: OpContext, op: ArgReduceOp, x: View, axis: number): Handle {
  const keptDims = x.shape.map((_, d) => d).filter((d) => d !== axis);
  const keptShape = keptDims.map((d) => x.shape[d]);
  const kept = collapseDims(keptShape, [contiguousStrides(keptShape), keptDims.map((d) => x.strides[d])]);
  const spec = argReduceKernel(op, kept.shape.length);
  const scalars = [x.offset, ...kept.strides[1], ...kept.shape, x.strides[axis], x.shape[axis]];
  return launch(ctx, spec, [asHandle(x.handle)], scalars, sizeOf(keptShape));
}

/** y_i = Σ_{j ≤ i} x_j along `axis`. */
export function cumsum(ctx: OpContext, x: View, axis: number): Handle {
  const sq = squeezed(x.shape, [x.strides], axis);
  const spec = cumsumKernel(sq.shape.length, sq.axis);
  return launch(ctx, spec, [asHandle(x.handle)], [x.offset, ...sq.strides[0], ...sq.shape], sizeOf(x.shape));
}

/**
 * y = exp(x − max) / Σ exp(x − max) along `axis` (or its log): one kernel for each row's max and
 * sum, one applying them.
 */
export function softmax(ctx: OpContext, x: View, axis: number, log: boolean): Handle {
  const size = sizeOf(x.shape);
  const m = x.shape[axis];
  if (size === 0) return handOutHost(ctx, new Float32Array(0));
  const rowDims = x.shape.map((_, d) => d).filter((d) => d !== axis);
  const rowShape = rowDims.map((d) => x.shape[d]);
  const rows = collapseDims(rowShape, [contiguousStrides(rowShape), rowDims.map((d) => x.strides[d])]);
  const xh = asHandle(x.handle);
  const stats = ctx.runner.run(
    softmaxStatsKernel(rows.shape.length),
    [xh],
    [x.offset, ...rows.strides[1], ...rows.shape, x.strides[axis], m, Number.POSITIVE_INFINITY],
    2 * sizeOf(rowShape),
  );
  // Row numbers: row-major over the dims other than the axis.
  const rowStride = contiguousStrides(rowShape);
  const rowStrides = x.shape.map((_, d) => (d === axis ? 0 : rowStride[rowDims.indexOf(d)]));
  const sq = squeezed(x.shape, [x.strides, rowStrides], -1);
  const out = launch(
    ctx,
    softmaxApplyKernel(sq.shape.length, log),
    [xh, stats],
    [x.offset, ...sq.strides[0], ...sq.strides[1], ...sq.shape],
    size,
  );
  ctx.runner.release(stats);
  return out;
}
