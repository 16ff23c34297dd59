import { arange, indexAddZeros } from '@dendrite/tensor';
import { sumToShape } from './broadcast.js';
import { defineGrad } from './registry.js';

// A view moves elements without changing them: its gradient moves them back.

// y = reshape(x):  dL/dx = reshape(dL/dy, shape of x)
defineGrad('reshape', { backward: (g, ctx) => [g.reshape(ctx.inputs[0].shape)] });

// y = permute(x, p):  dL/dx = permute(dL/dy, p⁻¹)
defineGrad('permute', {
  backward: (g, { attrs }) => {
    const axes = attrs.axes as number[];
    const inverse = new Array<number>(axes.length);
    axes.forEach((a, i) => {
      inverse[a] = i;
    });
    return [g.permute(inverse)];
  },
});

// y = x[start:end:step]:  dL/dx is zero except at the sliced positions, which get dL/dy
defineGrad('slice', {
  backward: (g, ctx) => {
    const { axis, start, end, step } = ctx.attrs as {
      axis: number;
      start: number;
      end: number;
      step: number;
    };
    const index = arange(start, end, step, { dtype: 'int32', backend: g.backend });
    return [indexAddZeros(ctx.inputs[0].shape, axis, index, g)];
  },
  // with step 1 the slice is one block: dL/dy placed at [start, end) along the axis
  place: (g, ctx) => {
    const { axis, start, step } = ctx.attrs as { axis: number; start: number; step: number };
    return step === 1 ? { axis, start, grad: g } : null;
  },
});

// y = expand(x):  each x element was copied along broadcast dims; dL/dx sums those copies
defineGrad('expand', { backward: (g, ctx) => [sumToShape(g, ctx.inputs[0].shape)] });

// y = x (a copy):  dL/dx = dL/dy
defineGrad('contiguous', { backward: (g) => [g] });
defineGrad('clone', { backward: (g) => [g] });
