// A user's TypeScript file, typechecked against the packed packages with `strict: true` and
// TypeScript's default target/lib, as usage.mts and usage.cts (module node16: ES module and
// CommonJS) and usage.ts (moduleResolution bundler). It never imports @dendrite/autograd: layers
// come from @dendrite/nn, whose types must bring autograd's `backward()` and `.grad` along.
import { Linear, mse } from '@dendrite/nn';
import { type Tensor, tensor } from '@dendrite/tensor';

const layer = new Linear(3, 1);
const x = tensor([
  [1, 2, 3],
  [4, 5, 6],
]);
const loss: Tensor = mse(layer.forward(x), tensor([[1], [0]]));
loss.backward();
const grad: Tensor | null = layer.weight.grad;

const w = tensor([0.5, -0.25, 2]).requiresGrad_();
w.mul(w).sum().backward();
export const grads: (Tensor | null)[] = [grad, w.grad];
