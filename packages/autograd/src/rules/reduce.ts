import type { Tensor } from '@dendrite/tensor';
import { defineGrad, markNotDifferentiable } from './registry.js';

/** Reshapes a reduced gradient back to keepdim form so it broadcasts over the input. */
function keepdimShape(inputShape: readonly number[], axes: readonly number[]): number[] {
  return inputShape.map((d, i) => (axes.includes(i) ? 1 : d));
}

function expandBack(g: Tensor, inputShape: readonly number[], axes: readonly number[]): Tensor {
  return g.reshape(keepdimShape(inputShape, axes)).expand(inputShape);
}

// y = Σ x over axes:  ∂y/∂xᵢ = 1, so the gradient is dL/dy copied to every summed position
defineGrad('sum', {
  backward: (g, ctx) => [expandBack(g, ctx.inputs[0].shape, ctx.attrs.axes as number[])],
});

// y = amax x over axes:  the gradient flows to the positions equal to the max, split evenly among ties
// (as torch.amax, and torch.max(x) over every element). max(x, dim) is argmax + gather instead, so
// its values send the whole gradient to the one position its indices name, as torch.max(x, dim).
function extremum(g: Tensor, x: Tensor, y: Tensor, axes: number[]): Tensor {
  const shape = keepdimShape(x.shape, axes);
  const mask = x.eq(y.reshape(shape)).to(g.dtype);
  const count = mask.sum(axes, true);
  return mask.div(count).mul(g.reshape(shape));
}
defineGrad('amax', {
  save: (e) => [e.inputs[0], e.output],
  backward: (g, { saved: [x, y], attrs }) => [extremum(g, x, y, attrs.axes as number[])],
});
defineGrad('amin', {
  save: (e) => [e.inputs[0], e.output],
  backward: (g, { saved: [x, y], attrs }) => [extremum(g, x, y, attrs.axes as number[])],
});

markNotDifferentiable('argmax', "'argmax' returns integer positions, which have no gradient");
markNotDifferentiable('argmin', "'argmin' returns integer positions, which have no gradient");

// yᵢ = Σ_{j≤i} xⱼ:  ∂L/∂xⱼ = Σ_{i≥j} ∂L/∂yᵢ, a reversed running sum, = total − cumsum + g
defineGrad('cumsum', {
  backward: (g, { attrs }) => {
    const axis = attrs.axis as number;
    return [g.sum(axis, true).sub(g.cumsum(axis)).add(g)];
  },
});
