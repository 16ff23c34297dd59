// Smoke test run from an ES module against the packed, npm-installed packages: importing
// @dendrite/nn alone installs autograd, and nn's tensors are @dendrite/tensor's Tensor.
import { Linear } from '@dendrite/nn';
import { Tensor, tensor } from '@dendrite/tensor';

const layer = new Linear(3, 1);
const y = layer.forward(tensor([[1, 2, 3]]));
if (!(y instanceof Tensor)) throw new Error("nn's tensors are not instances of @dendrite/tensor's Tensor");
y.sum().backward(); // d/dW Σ(x·Wᵀ + b) = x
const grad = Array.from(await layer.weight.grad.data());
if (grad.join() !== '1,2,3') throw new Error(`dW = [${grad}], expected [1,2,3]`);
console.log(`import: ∇W = [${grad}]`);
