import { layerNormBackward, type Tensor } from '@dendrite/tensor';
import { layerNormBackwardComposite } from '@dendrite/tensor/backend';
import { fusedOrComposite } from './fused.js';
import { defineGrad } from './registry.js';

// y = x̂·w + b,  x̂ = (x − mean)·rstd,  rstd = 1/√(var + ε), over the last dim (C elements):
//   dL/dx = rstd·(ĝ − mean(ĝ) − x̂·mean(ĝ·x̂)),  ĝ = dL/dy·w;   dL/dw = Σ_rows dL/dy·x̂;   dL/db = Σ_rows dL/dy
defineGrad('layerNorm', {
  save: (e) => [e.inputs[0], ...(e.attrs.weight ? [e.inputs[1]] : [])],
  backward: (g, ctx) => {
    const [x, weight = null] = ctx.saved as [Tensor, Tensor?];
    const eps = ctx.attrs.eps as number;
    const withBias = ctx.attrs.bias as boolean;
    const {
      dx,
      dweight: dw,
      dbias: db,
    } = fusedOrComposite(
      () => layerNormBackward(x, weight, g, eps, withBias),
      () => layerNormBackwardComposite(x, weight, g, eps, withBias),
    );
    const grads: (Tensor | null)[] = [ctx.needs[0] ? dx : null];
    if (ctx.attrs.weight) grads.push(ctx.needs[1] ? dw : null);
    if (withBias) grads.push(ctx.needs[grads.length] ? db : null);
    return grads;
  },
});
