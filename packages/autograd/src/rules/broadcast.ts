import type { Tensor } from '@dendrite/tensor';

/**
 * Undoes broadcasting in a gradient: sums `g` over the dims that broadcasting added or stretched,
 * so the result has `shape`. If y = f(broadcast(x)), dL/dx = Σ over broadcast dims of dL/dy.
 */
export function sumToShape(g: Tensor, shape: readonly number[]): Tensor {
  if (g.shape.length === shape.length && g.shape.every((d, i) => d === shape[i])) return g;
  const lead = g.rank - shape.length;
  const axes: number[] = [];
  for (let i = 0; i < g.rank; i++) {
    if (i < lead || (shape[i - lead] === 1 && g.shape[i] !== 1)) axes.push(i);
  }
  const summed = axes.length > 0 ? g.sum(axes, true) : g;
  return summed.reshape(shape);
}
