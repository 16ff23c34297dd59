import { collapseDims, contiguousStrides, type Handle, sizeOf, type View } from '@dendrite/tensor';
import { asHandle, launch, type OpContext } from '../context.js';
import { matmulKernel } from '../kernels/matmul.js';
import { type MatmulLayout, TiledMatmul } from '../wgsl-matmul.js';
import { fill } from './storage.js';

/**
 * y = a·b over the last two dims, batch dims broadcast. In webgpu, products of at least
 * `wgslMatmulMinSize` multiply-adds whose layout fits run as the hand-written tiled WGSL kernel
 * (`wgsl-matmul.ts`); everything else is the gpu.js kernel, one thread per output cell.
 */
export function matmul(ctx: OpContext, a: View, b: View): Handle {
  const r = a.shape.length;
  const M = a.shape[r - 2];
  const K = a.shape[r - 1];
  const N = b.shape[r - 1];
  const batchShape = a.shape.slice(0, r - 2);
  const size = sizeOf(batchShape) * M * N;
  if (size > 0 && K === 0) return fill(ctx, size, 0, a.dtype);
  const batch = collapseDims(batchShape, [
    contiguousStrides(batchShape),
    a.strides.slice(0, r - 2),
    b.strides.slice(0, r - 2),
  ]);
  if (ctx.wgsl !== null && M * N * K >= ctx.wgsl.minSize) {
    const layout: MatmulLayout = {
      M,
      N,
      K,
      batch: batch.shape,
      aOff: a.offset,
      sam: a.strides[r - 2],
      sak: a.strides[r - 1],
      aBatch: batch.strides[1],
      bOff: b.offset,
      sbk: b.strides[r - 2],
      sbn: b.strides[r - 1],
      bBatch: batch.strides[2],
    };
    if (TiledMatmul.fits(layout)) {
      const tiled = ctx.wgsl.matmul;
      const inputs = [asHandle(a.handle), asHandle(b.handle)];
      return ctx.counters.handOut(
        ctx.runner.runCustom(inputs, size, ([va, vb]) => tiled.run(va, vb, layout)),
      );
    }
  }
  const spec = matmulKernel(batch.shape.length);
  const scalars = [
    a.offset,
    ...batch.strides[1],
    a.strides[r - 2],
    a.strides[r - 1],
    b.offset,
    ...batch.strides[2],
    b.strides[r - 2],
    b.strides[r - 1],
    ...batch.shape,
    M,
    N,
    K,
  ];
  return launch(ctx, spec, [asHandle(a.handle), asHandle(b.handle)], scalars, size);
}
