// A training loop: zero the gradients, forward, loss, backward, step — repeat.
import { crossEntropy, Linear, Module, ReLU } from '@dendrite/nn';
import { AdamW } from '@dendrite/optim';
import { manualSeed, type Tensor, tensor, tidy } from '@dendrite/tensor';

manualSeed(1);

// Four points of XOR: no single straight line separates the classes, so the
// model needs its ReLU.
const inputs = tensor([
  [0, 0],
  [0, 1],
  [1, 0],
  [1, 1],
]);
const labels = tensor([0, 1, 1, 0], { dtype: 'int32' });

class Classifier extends Module {
  hidden = new Linear(2, 8);
  act = new ReLU();
  out = new Linear(8, 2);
  forward(x: Tensor): Tensor {
    return this.out.forward(this.act.forward(this.hidden.forward(x)));
  }
}
const model = new Classifier();
const optimizer = new AdamW(model.parameters(), { lr: 0.05, weightDecay: 0 });

for (let step = 0; step <= 200; step++) {
  const loss = tidy(() => {
    optimizer.zeroGrad(); // forget the last step's gradients
    const l = crossEntropy(model.forward(inputs), labels); // forward + loss
    l.backward(); // gradients for every parameter
    optimizer.step(); // every parameter moves against its gradient
    return l.detach();
  });
  if (step % 50 === 0)
    console.log(`step ${step}  loss ${loss.itemSync().toFixed(4)}`);
}

model.eval();
// [0, 1, 1, 0]
console.log('predictions', model.forward(inputs).argmax(-1).toArraySync());
