// Building a model: a Module registers its layers and parameters by assignment.
import { Linear, Module, ReLU, Sequential } from '@dendrite/nn';
import { manualSeed, type Tensor, tensor } from '@dendrite/tensor';

// the default generator: initial weights are the same on every run
manualSeed(0);

class TwoLayerNet extends Module {
  fc1 = new Linear(2, 16); // weight [16, 2] and bias [16]
  act = new ReLU();
  fc2 = new Linear(16, 3);

  forward(x: Tensor): Tensor {
    return this.fc2.forward(this.act.forward(this.fc1.forward(x)));
  }
}

const net = new TwoLayerNet();
console.log(net.toString());
for (const [name, p] of net.namedParameters()) console.log(name, p.shape);
console.log('parameters:', net.numParameters()); // 2·16 + 16 + 16·3 + 3 = 99

const logits = net.forward(tensor([[0.5, -1]]));
console.log('logits', logits.shape);

// The same network without a class.
const seq = new Sequential(new Linear(2, 16), new ReLU(), new Linear(16, 3));
console.log('sequential:', seq.numParameters(), 'parameters');
