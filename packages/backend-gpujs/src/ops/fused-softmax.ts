import { collapseDims, contiguousStrides, type Handle, sizeOf, type View } from '@dendrite/tensor';
import { asHandle, handOutHost, launch, type OpContext } from '../context.js';
import {
  causalSoftmaxApplyKernel,
  causalSoftmaxStatsKernel,
  softmaxGradApplyKernel,
  softmaxGradSumKernel,
} from '../kernels/fused-softmax.js';
import { squeezed } from '../layout.js';

/**
 * The attention softmax and the softmax gradient, this backend's own kernels (overrides of the
 * defaults composed from primitives): 2 launches each, no mask tensor, no materialized products.
 */

/** y = softmax(scale·x) over the last dim where query i sees keys j ≤ i + (Tk − Tq); 0 elsewhere. */
export function causalSoftmax(ctx: OpContext, x: View, scale: number): Handle {
  const rank = x.shape.length;
  const size = sizeOf(x.shape);
  if (size === 0) return handOutHost(ctx, new Float32Array(0));
  const [tq, tk] = [x.shape[rank - 2], x.shape[rank - 1]];
  const batchShape = x.shape.slice(0, -2);
  const batch = collapseDims(batchShape, [contiguousStrides(batchShape), x.strides.slice(0, -2)]);
  const geometry = [
    x.offset,
    ...batch.strides[1],
    ...batch.shape,
    x.strides[rank - 2],
    tq,
    x.strides[rank - 1],
    tk,
  ];
  const xh = asHandle(x.handle);
  const rows = sizeOf(x.shape.slice(0, -1));
  const stats = ctx.runner.run(
    causalSoftmaxStatsKernel(batch.shape.length),
    [xh],
    [...geometry, scale, Number.POSITIVE_INFINITY],
    2 * rows,
  );
  const out = launch(
    ctx,
    causalSoftmaxApplyKernel(batch.shape.length),
    [xh, stats],
    [...geometry, scale],
    size,
  );
  ctx.runner.release(stats);
  return out;
}

/**
 * dL/dx of softmax (y·(g − Σ g·y)) or log-softmax (g − eʸ·Σ g) along `axis`, from the op's output
 * `y` and upstream gradient `grad`.
 */
export function softmaxBackward(ctx: OpContext, y: View, grad: View, axis: number, log: boolean): Handle {
  const size = sizeOf(y.shape);
  if (size === 0) return handOutHost(ctx, new Float32Array(0));
  const rowDims = y.shape.map((_, d) => d).filter((d) => d !== axis);
  const rowShape = rowDims.map((d) => y.shape[d]);
  const rows = collapseDims(rowShape, [
    contiguousStrides(rowShape),
    rowDims.map((d) => y.strides[d]),
    rowDims.map((d) => grad.strides[d]),
  ]);
  const [yh, gh] = [asHandle(y.handle), asHandle(grad.handle)];
  const sums = ctx.runner.run(
    softmaxGradSumKernel(rows.shape.length, log),
    [yh, gh],
    [
      y.offset,
      ...rows.strides[1],
      ...rows.shape,
      y.strides[axis],
      grad.offset,
      ...rows.strides[2],
      grad.strides[axis],
      y.shape[axis],
    ],
    sizeOf(rowShape),
  );
  // Row numbers: row-major over the dims other than the axis.
  const rowStride = contiguousStrides(rowShape);
  const rowStrides = y.shape.map((_, d) => (d === axis ? 0 : rowStride[rowDims.indexOf(d)]));
  const sq = squeezed(y.shape, [y.strides, grad.strides, rowStrides], -1);
  const out = launch(
    ctx,
    softmaxGradApplyKernel(sq.shape.length, log),
    [yh, gh, sums],
    [y.offset, ...sq.strides[0], grad.offset, ...sq.strides[1], ...sq.strides[2], ...sq.shape],
    size,
  );
  ctx.runner.release(sums);
  return out;
}
