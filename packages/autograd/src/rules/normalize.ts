import { hasFusedLayerNorm, layerNormBackward, type Tensor } from '@dendrite/tensor';
import { isGradEnabled } from '../mode.js';
import { defineGrad } from './registry.js';

// y = x̂·w + b,  x̂ = (x − mean)·rstd,  rstd = 1/√(var + ε), over the last dim (C elements):
//   dL/dx = rstd·(ĝ − mean(ĝ) − x̂·mean(ĝ·x̂)),  ĝ = dL/dy·w;   dL/dw = Σ_rows dL/dy·x̂;   dL/db = Σ_rows dL/dy
defineGrad('layerNorm', {
  save: (e) => [e.inputs[0], ...(e.attrs.weight ? [e.inputs[1]] : [])],
  backward: (g, ctx) => {
    const [x, weight = null] = ctx.saved as [Tensor, Tensor?];
    const eps = ctx.attrs.eps as number;
    const withBias = ctx.attrs.bias as boolean;
    const rows = x.shape.slice(0, -1).map((_, i) => i);
    let dx: Tensor;
    let dw: Tensor | null = null;
    let db: Tensor | null = null;
    if (hasFusedLayerNorm(x.backend) && !isGradEnabled()) {
      // One pass on the backend's kernel (when the backward itself is not being recorded).
      ({ dx, dweight: dw, dbias: db } = layerNormBackward(x, weight, g, eps, withBias));
    } else {
      const mean = x.mean(-1, true);
      const centered = x.sub(mean);
      const rstd = centered.square().mean(-1, true).add(eps).rsqrt();
      const xhat = centered.mul(rstd);
      const gh = weight ? g.mul(weight) : g;
      dx = gh
        .sub(gh.mean(-1, true))
        .sub(xhat.mul(gh.mul(xhat).mean(-1, true)))
        .mul(rstd);
      if (weight) dw = g.mul(xhat).sum(rows);
      if (withBias) db = g.sum(rows);
    }
    const grads: (Tensor | null)[] = [ctx.needs[0] ? dx : null];
    if (ctx.attrs.weight) grads.push(ctx.needs[1] ? dw : null);
    if (withBias) grads.push(ctx.needs[grads.length] ? db : null);
    return grads;
  },
});
