import { type Tensor, tensor } from '@dendrite/tensor';
import { expect, it } from 'vitest';
import { crossEntropy, Linear, Module, ReLU } from './index.js';

// The example from README.md, as written there.
it('the README example runs', () => {
  class Net extends Module {
    fc1 = new Linear(2, 16);
    act = new ReLU();
    fc2 = new Linear(16, 3);
    forward(x: Tensor) {
      return this.fc2.forward(this.act.forward(this.fc1.forward(x)));
    }
  }
  const net = new Net();
  const loss = crossEntropy(net.forward(tensor([[0.5, -1]])), tensor([2], { dtype: 'int32' }));
  loss.backward();
  expect(net.fc1.weight.grad!.shape).toEqual([16, 2]);
  expect(net.toString()).toContain('(fc1): Linear(in=2, out=16, bias=true)  # 48 params');
  expect(net.numParameters()).toBe(48 + 51);
});
