import { tensor } from '@dendrite/tensor';
import { expect, it } from 'vitest';
import './index.js';

// The neuron example from README.md, as written there.
it('the README example runs and prints the documented gradients', () => {
  const x = tensor([1, 2, 3]);
  const w = tensor([0.5, -0.25, 0.1]).requiresGrad_();
  const b = tensor([0.2]).requiresGrad_();
  const out = x.mul(w).sum().add(b).tanh();
  out.sum().backward();
  expect(w.grad!.toString()).toBe('tensor([0.7864, 1.5729, 2.3593])');
  expect(b.grad!.toString()).toBe('tensor([0.7864])');
});
