// The root README's promise, run in a fresh project that did `npm install @dendrite/tensor
// @dendrite/nn @dendrite/optim` from the registry: a PyTorch-shaped training loop whose loss falls.
import { Linear, Module, mse, ReLU } from '@dendrite/nn';
import { AdamW } from '@dendrite/optim';
import { manualSeed, tensor } from '@dendrite/tensor';

manualSeed(0);
class Net extends Module {
  hidden = new Linear(1, 16);
  act = new ReLU();
  out = new Linear(16, 1);
  forward(x) {
    return this.out.forward(this.act.forward(this.hidden.forward(x)));
  }
}
const x = tensor([[-1], [-0.5], [0], [0.5], [1]]);
const y = tensor([[1], [0.25], [0], [0.25], [1]]); // y = x²
const net = new Net();
const opt = new AdamW(net.parameters(), { lr: 0.05, weightDecay: 0 });
let first;
let last;
for (let step = 0; step < 200; step++) {
  opt.zeroGrad();
  const loss = mse(net.forward(x), y);
  loss.backward();
  opt.step();
  last = loss.itemSync();
  first ??= last;
}
if (!(last < first / 10)) throw new Error(`loss did not fall: ${first} → ${last}`);
console.log(`loss ${first.toFixed(4)} → ${last.toFixed(4)}`);
