const { concat, linspace, ones, randn, stack, zeros } = require('@dendrite/tensor');

/**
 * Two interleaved spirals, one per class: the classic data set a straight line cannot split.
 * Point i of class c sits at radius r = t and angle θ = 3π·t + c·π (t from 0.05 to 1, 1½ turns),
 * plus a little Gaussian noise: x = (r·cos θ, r·sin θ) + ε.
 *
 * @param {number} perClass points in each class
 * @param {import('@dendrite/tensor').Generator} generator the noise's seeded source
 * @param {number} [noise] standard deviation of the noise
 * @returns {{ x: import('@dendrite/tensor').Tensor, y: import('@dendrite/tensor').Tensor }}
 *   x: float32 [2·perClass, 2] coordinates; y: int32 [2·perClass] class labels (0 or 1)
 */
function spirals(perClass, generator, noise = 0.02) {
  const t = linspace(0.05, 1, perClass);
  const arms = [0, 1].map((c) => {
    const theta = t.mul(3 * Math.PI).add(c * Math.PI);
    return stack([t.mul(theta.cos()), t.mul(theta.sin())], 1); // [perClass, 2]
  });
  const x = concat(arms, 0).add(randn([2 * perClass, 2], { std: noise, generator }));
  const y = concat([zeros([perClass], { dtype: 'int32' }), ones([perClass], { dtype: 'int32' })]);
  return { x, y };
}

module.exports = { spirals };
