import { type DType, type Handle, sizeOf, type View } from '@dendrite/tensor';
import { asHandle, launch, type OpContext } from '../context.js';
import { invertIndex } from '../csr.js';
import { GpuHandle } from '../handle.js';
import { checkIndex } from '../index-check.js';
import {
  gatherKernel,
  indexAddCsrKernel,
  indexAddKernel,
  indexSelectKernel,
  scatterAddKernel,
} from '../kernels/indexing.js';
import { fill } from './storage.js';

/**
 * Gathers and scatters. Indices are checked first (see `index-check.ts`); scatters are written as
 * gathers (each output sums what lands on it: gpu.js has no atomics), and `indexAdd` with a
 * host-known index sums only its own sources through the inverted index (`csr.ts`).
 */

/** y[…, i, …] = x[…, index[…, i, …], …] along `axis`. */
export function gather(ctx: OpContext, x: View, axis: number, index: View): Handle {
  checkIndex(ctx, 'gather', index, x.shape[axis], axis, false);
  const spec = gatherKernel(index.shape.length, axis);
  const scalars = [
    x.offset,
    ...x.strides,
    index.offset,
    ...index.strides,
    ...index.shape,
    x.shape[axis],
    Number.NaN,
  ];
  return launch(ctx, spec, [asHandle(x.handle), asHandle(index.handle)], scalars, sizeOf(index.shape));
}

/** y = zeros(shape); y[…, index[…, j, …], …] += src[…, j, …] along `axis`. */
export function scatterAdd(
  ctx: OpContext,
  shape: readonly number[],
  dtype: DType,
  axis: number,
  index: View,
  src: View,
): Handle {
  checkIndex(ctx, 'scatterAdd', index, shape[axis], axis, false);
  const size = sizeOf(shape);
  if (size > 0 && sizeOf(index.shape) === 0) return fill(ctx, size, 0, dtype);
  const spec = scatterAddKernel(shape.length, axis);
  const scalars = [
    index.offset,
    ...index.strides,
    src.offset,
    ...src.strides,
    ...shape,
    ...index.shape,
    Number.NaN,
  ];
  return launch(ctx, spec, [asHandle(index.handle), asHandle(src.handle)], scalars, size);
}

/** y = the slices index[0], index[1], … of x along `axis`. */
export function indexSelect(ctx: OpContext, x: View, axis: number, index: View): Handle {
  checkIndex(ctx, 'indexSelect', index, x.shape[axis], axis, true);
  const shape = [...x.shape];
  shape[axis] = index.shape[0];
  const spec = indexSelectKernel(shape.length, axis);
  const scalars = [
    x.offset,
    ...x.strides,
    index.offset,
    index.strides[0],
    ...shape,
    x.shape[axis],
    Number.NaN,
  ];
  return launch(ctx, spec, [asHandle(x.handle), asHandle(index.handle)], scalars, sizeOf(shape));
}

/** y = zeros(shape); slice index[j] of y along `axis` += slice j of src (the embedding gradient). */
export function indexAdd(
  ctx: OpContext,
  shape: readonly number[],
  dtype: DType,
  axis: number,
  index: View,
  src: View,
): Handle {
  checkIndex(ctx, 'indexAdd', index, shape[axis], axis, true);
  const size = sizeOf(shape);
  const m = index.shape[0];
  if (size > 0 && m === 0) return fill(ctx, size, 0, dtype);
  const ih = asHandle(index.handle);
  if (ih.hostKnown) return indexAddInverted(ctx, shape, axis, index, src);
  const spec = indexAddKernel(shape.length, axis);
  const scalars = [index.offset, index.strides[0], m, src.offset, ...src.strides, ...shape, Number.NaN];
  return launch(ctx, spec, [ih, asHandle(src.handle)], scalars, size);
}

/** indexAdd with a host-known index: inverted on the host, so each output sums only its own slices. */
function indexAddInverted(
  ctx: OpContext,
  shape: readonly number[],
  axis: number,
  index: View,
  src: View,
): Handle {
  const ih = asHandle(index.handle);
  const targets = new Int32Array(index.shape[0]);
  for (let j = 0; j < targets.length; j++) targets[j] = ih.hostAt(index.offset + j * index.strides[0])!;
  const { off, list } = invertIndex(targets, shape[axis]);
  const offH = GpuHandle.host(off);
  const listH = GpuHandle.host(list);
  const out = launch(
    ctx,
    indexAddCsrKernel(shape.length, axis),
    [offH, listH, asHandle(src.handle)],
    [src.offset, ...src.strides, ...shape],
    sizeOf(shape),
  );
  ctx.runner.release(offH);
  ctx.runner.release(listH);
  return out;
}
