import { defineGrad } from './registry.js';

// y = concat(x₀, x₁, …):  dL/dxᵢ is the slice of dL/dy where xᵢ was placed
defineGrad('concat', {
  backward: (g, ctx) => {
    const axis = ctx.attrs.axis as number;
    const sizes = ctx.attrs.sizes as number[];
    return g.split(sizes, axis).map((piece, i) => (ctx.needs[i] ? piece : null));
  },
});
