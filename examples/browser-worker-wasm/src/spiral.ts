import { concat, type Generator, linspace, ones, randn, stack, type Tensor, zeros } from '@dendrite/tensor';

/**
 * Two interleaved spirals, one per class. Point i of class c sits at radius r = t and angle
 * θ = 3π·t + c·π (t from 0.05 to 1), plus Gaussian noise: x = (r·cos θ, r·sin θ) + ε.
 *
 * @returns x: float32 [2·perClass, 2] coordinates; y: int32 [2·perClass] class labels (0 or 1)
 */
export function spirals(perClass: number, generator: Generator, noise = 0.02): { x: Tensor; y: Tensor } {
  const t = linspace(0.05, 1, perClass);
  const arms = [0, 1].map((c) => {
    const theta = t.mul(3 * Math.PI).add(c * Math.PI);
    return stack([t.mul(theta.cos()), t.mul(theta.sin())], 1); // [perClass, 2]
  });
  const x = concat(arms, 0).add(randn([2 * perClass, 2], { std: noise, generator }));
  const y = concat([zeros([perClass], { dtype: 'int32' }), ones([perClass], { dtype: 'int32' })]);
  return { x, y };
}
