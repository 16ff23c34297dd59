// Two numbers worth printing in any training loop: how many ReLUs never fire
// on the data, and how large the gradient is before clipGradNorm scales it.
import { crossEntropy, init, Linear } from '@dendrite/nn';
import { clipGradNorm } from '@dendrite/optim';
import { Generator, randn, type Tensor, tensor } from '@dendrite/tensor';

const gen = new Generator(1);
// Six layers of 16, weights N(0, 1): far too large for 16 inputs each.
const layers = [2, 16, 16, 16, 16, 16].map((n, i, a) => {
  const layer = new Linear(n, a[i + 1] ?? 2, { generator: gen });
  init.normal(layer.weight, 0, 1, { generator: gen });
  return layer;
});
const x = randn([64, 2], { generator: gen });
const labels = tensor(
  Array.from({ length: 64 }, (_, i) => i % 2),
  { dtype: 'int32' },
);

let h: Tensor = x;
for (const [i, layer] of layers.entries()) {
  h = layer.forward(h);
  if (i === layers.length - 1) break;
  h = h.relu();
  // A unit is dead when it outputs 0 for every input.
  const dead = Array.from(h.amax(0).dataSync()).filter((v) => v <= 0);
  console.log(
    `layer ${i + 1}: activation std ${h.std().itemSync().toFixed(1)},`,
    `${dead.length} of 16 units dead`,
  );
}
crossEntropy(h, labels).backward();
const params = layers.flatMap((l) => l.parameters());
const before = clipGradNorm(params, 1).itemSync(); // returns the norm before
const after = clipGradNorm(params, 1).itemSync(); // now at most 1
console.log(
  `gradient norm ${before.toFixed(0)}, clipped to ${after.toFixed(3)}`,
);
