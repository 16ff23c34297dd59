import { isFloat } from '@dendrite/tensor';
import { defineGrad } from './registry.js';

// y = float(x):  dL/dx = dL/dy converted back to x's dtype (no gradient reaches int or bool inputs)
defineGrad('cast', {
  backward: (g, ctx) => {
    const from = ctx.inputs[0].dtype;
    return [isFloat(from) ? g.to(from) : null];
  },
});

// y = x on another backend:  dL/dx = dL/dy moved back
defineGrad('toBackend', {
  backward: (g, ctx) => [g.to(ctx.attrs.from as string)],
});
