// Smoke test run from CommonJS against the packed, npm-installed packages. Requiring @dendrite/nn
// alone must install autograd (backward works), and an app that requires nn, optim and tensor gets
// one tensor module: the layers' tensors are instances of the Tensor class tensor exports.
const { Linear } = require('@dendrite/nn');

(async () => {
  const layer = new Linear(3, 1);
  const { Tensor, tensor } = require('@dendrite/tensor');
  const { SGD } = require('@dendrite/optim');
  const y = layer.forward(tensor([[1, 2, 3]]));
  if (!(y instanceof Tensor) || !(layer.weight instanceof Tensor))
    throw new Error(
      "nn's tensors are not instances of require('@dendrite/tensor').Tensor: two copies loaded",
    );
  y.sum().backward(); // d/dW Σ(x·Wᵀ + b) = x
  const grad = Array.from(await layer.weight.grad.data());
  if (grad.join() !== '1,2,3') throw new Error(`dW = [${grad}], expected [1,2,3]`);
  const before = Array.from(await layer.weight.data());
  new SGD(layer.parameters(), { lr: 0.5 }).step(); // w ← w − η·∇w
  const after = Array.from(await layer.weight.data());
  if (after.some((w, i) => Math.abs(w - (before[i] - 0.5 * grad[i])) > 1e-6))
    throw new Error(`SGD step: [${before}] → [${after}] with ∇ [${grad}], lr 0.5`);
  console.log(`require: ∇W = [${grad}], SGD step ok`);
})().catch((err) => {
  console.error(err);
  process.exit(1);
});
