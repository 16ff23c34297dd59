// The playground's network in a few lines: Linear layers with an activation
// between them, trained on XOR points. With tanh it learns them; with no
// activation, three layers are still one straight line.
import { crossEntropy, Identity, Linear, Sequential, Tanh } from '@dendrite/nn';
import { Adam } from '@dendrite/optim';
import { Generator, tensor, tidy } from '@dendrite/tensor';

// 200 points in [−1, 1]², class 1 where x and y have the same sign.
const gen = new Generator(1);
const xy: number[] = [];
const labels: number[] = [];
for (let i = 0; i < 200; i++) {
  const [x, y] = [gen.nextFloat() * 2 - 1, gen.nextFloat() * 2 - 1];
  xy.push(x, y);
  labels.push(x * y > 0 ? 1 : 0);
}
const inputs = tensor(xy, { shape: [200, 2] });
const targets = tensor(labels, { dtype: 'int32' });

function mlp(activation: () => Tanh | Identity) {
  const generator = new Generator(2);
  return new Sequential(
    new Linear(2, 8, { generator }),
    activation(),
    new Linear(8, 8, { generator }),
    activation(),
    new Linear(8, 2, { generator }), // two logits: class 0, class 1
  );
}

for (const [name, activation] of [
  ['tanh', () => new Tanh()],
  ['none', () => new Identity()],
] as const) {
  const model = mlp(activation);
  const optimizer = new Adam(model.parameters(), { lr: 0.03 });
  for (let step = 0; step < 500; step++) {
    tidy(() => {
      optimizer.zeroGrad();
      crossEntropy(model.forward(inputs), targets).backward();
      optimizer.step();
    });
  }
  const predicted = model.forward(inputs).argmax(-1).dataSync();
  const right = labels.filter((label, i) => predicted[i] === label).length;
  console.log(`activation ${name}: accuracy ${right / 2} %`);
}
