import { BackendError, contiguousStrides, type Handle, sizeOf, type View } from '@dendrite/tensor';
import { asHandle, handOutHost, type OpContext } from '../context.js';
import type { GpuHandle } from '../handle.js';
import { concatKernel, MAX_CONCAT_INPUTS } from '../kernels/indexing.js';

/**
 * y = the views joined along `axis`. One kernel reads at most {@link MAX_CONCAT_INPUTS} arrays
 * (gpu.js's WebGPU kernels take 7), so more inputs are joined in rounds, each round's result the
 * first input of the next.
 */
export function concat(ctx: OpContext, xs: readonly View[], axis: number): Handle {
  const parts = xs.filter((v) => v.shape[axis] > 0);
  const shape = [...xs[0].shape];
  shape[axis] = xs.reduce((s, v) => s + v.shape[axis], 0);
  if (parts.length === 0 || sizeOf(shape) === 0) return handOutHost(ctx, new Float32Array(0));
  let acc: View | null = null;
  let temp: GpuHandle | null = null;
  let rest = [...parts];
  while (rest.length > 0) {
    const take = acc === null ? MAX_CONCAT_INPUTS : MAX_CONCAT_INPUTS - 1;
    const group: View[] = acc === null ? rest.slice(0, take) : [acc, ...rest.slice(0, take)];
    rest = rest.slice(take);
    const last = rest.length === 0;
    const out = concatGroup(ctx, group, axis);
    if (temp !== null) ctx.runner.release(temp);
    if (last) return ctx.counters.handOut(out);
    temp = out;
    const partShape = [...group[0].shape];
    partShape[axis] = group.reduce((s, v) => s + v.shape[axis], 0);
    acc = {
      handle: out,
      dtype: xs[0].dtype,
      shape: partShape,
      strides: contiguousStrides(partShape),
      offset: 0,
    };
  }
  throw new BackendError('gpujs concat: nothing to join');
}

/** One concat kernel over at most MAX_CONCAT_INPUTS views (not handed out: the caller decides). */
function concatGroup(ctx: OpContext, views: readonly View[], axis: number): GpuHandle {
  const shape = [...views[0].shape];
  shape[axis] = views.reduce((s, v) => s + v.shape[axis], 0);
  const spec = concatKernel(shape.length, axis, views.length);
  const scalars: number[] = [];
  for (const v of views) scalars.push(v.offset, ...v.strides);
  let start = 0;
  for (let k = 0; k < views.length - 1; k++) {
    start += views[k].shape[axis];
    scalars.push(start);
  }
  scalars.push(...shape);
  return ctx.runner.run(
    spec,
    views.map((v) => asHandle(v.handle)),
    scalars,
    sizeOf(shape),
  );
}
