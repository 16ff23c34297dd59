import { collapseDims, contiguousStrides, type Handle, sizeOf, type View } from '@dendrite/tensor';
import { asHandle, handOutHost, launch, type OpContext } from '../context.js';
import {
  layerNormApplyKernel,
  layerNormDxKernel,
  layerNormGradStatsKernel,
  layerNormParamGradKernel,
  layerNormStatsKernel,
} from '../kernels/layer-norm.js';
import { fill } from './storage.js';

/**
 * Layer norm over the last dim, this backend's own kernels (overrides of the defaults composed from
 * primitives): 2 launches forward (row statistics, then the output), 2–4 backward (row statistics,
 * dx, and dweight/dbias when there are a weight and a bias).
 */

/** The rows of `x` (every dim but the last) folded, with the strides of each view given. */
function rowsOf(x: View, others: readonly View[]) {
  const rowShape = x.shape.slice(0, -1);
  const folded = collapseDims(rowShape, [
    contiguousStrides(rowShape),
    x.strides.slice(0, -1),
    ...others.map((v) => v.strides.slice(0, -1)),
  ]);
  return {
    count: sizeOf(rowShape),
    rank: folded.shape.length,
    shape: folded.shape,
    strides: folded.strides.slice(1),
    m: x.shape[x.shape.length - 1],
  };
}

/** y = (x − mean)/√(var + ε)·weight + bias over the last dim (biased variance). */
export function layerNorm(
  ctx: OpContext,
  x: View,
  weight: View | null,
  bias: View | null,
  eps: number,
): Handle {
  const rows = rowsOf(x, []);
  const size = rows.count * rows.m;
  if (size === 0) return handOutHost(ctx, new Float32Array(0));
  const t = x.strides[x.shape.length - 1];
  const xh = asHandle(x.handle);
  const stats = ctx.runner.run(
    layerNormStatsKernel(rows.rank),
    [xh],
    [x.offset, ...rows.strides[0], ...rows.shape, t, rows.m, eps],
    2 * rows.count,
  );
  const arrays = [
    xh,
    stats,
    ...(weight ? [asHandle(weight.handle)] : []),
    ...(bias ? [asHandle(bias.handle)] : []),
  ];
  const scalars = [
    x.offset,
    ...rows.strides[0],
    ...rows.shape,
    t,
    rows.m,
    ...(weight ? [weight.offset, weight.strides[0]] : []),
    ...(bias ? [bias.offset, bias.strides[0]] : []),
  ];
  const out = launch(
    ctx,
    layerNormApplyKernel(rows.rank, weight !== null, bias !== null),
    arrays,
    scalars,
    size,
  );
  ctx.runner.release(stats);
  return out;
}

/**
 * The gradients of {@link layerNorm} for upstream `grad`:
 * dx = rstd·(ĝ − mean(ĝ) − x̂·mean(ĝ·x̂)), ĝ = grad·w;  dweight = Σ_rows grad·x̂;  dbias = Σ_rows grad.
 */
export function layerNormBackward(
  ctx: OpContext,
  x: View,
  weight: View | null,
  grad: View,
  eps: number,
  withBias: boolean,
): [Handle, Handle | null, Handle | null] {
  const rows = rowsOf(x, [grad]);
  const C = rows.m;
  if (rows.count === 0 || C === 0) {
    const zeros = () => fill(ctx, C, 0, x.dtype);
    return [handOutHost(ctx, new Float32Array(0)), weight ? zeros() : null, withBias ? zeros() : null];
  }
  const t = x.strides[x.shape.length - 1];
  const tg = grad.strides[grad.shape.length - 1];
  const [xh, gh] = [asHandle(x.handle), asHandle(grad.handle)];
  const wh = weight ? [asHandle(weight.handle)] : [];
  const w = weight ? [weight.offset, weight.strides[0]] : [];
  const xRows = [x.offset, ...rows.strides[0], ...rows.shape];
  const gRows = [grad.offset, ...rows.strides[1], tg];
  const stats = ctx.runner.run(
    layerNormGradStatsKernel(rows.rank, weight !== null),
    [xh, gh, ...wh],
    [...xRows, t, C, eps, ...gRows, ...w],
    4 * rows.count,
  );
  const dx = launch(
    ctx,
    layerNormDxKernel(rows.rank, weight !== null),
    [xh, gh, stats, ...wh],
    [...xRows, t, C, ...gRows, ...w],
    rows.count * C,
  );
  const dweight = weight
    ? launch(
        ctx,
        layerNormParamGradKernel(rows.rank, true),
        [xh, gh, stats],
        [x.offset, ...rows.strides[0], t, ...rows.shape, ...gRows, rows.count],
        C,
      )
    : null;
  const dbias = withBias
    ? launch(ctx, layerNormParamGradKernel(rows.rank, false), [gh], [...rows.shape, ...gRows, rows.count], C)
    : null;
  ctx.runner.release(stats);
  return [dx, dweight, dbias];
}
