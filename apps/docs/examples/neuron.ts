// One neuron: output = f(w₁x₁ + w₂x₂ + w₃x₃ + b), with the numbers of the
// course's worked example.
import { tensor } from '@dendrite/tensor';

const x = tensor([2, -1, 0.5]); // inputs x₁, x₂, x₃
const w = tensor([0.4, 0.3, -0.6]); // weights w₁, w₂, w₃
const b = 0.1; // bias

// the weighted sum plus the bias: the pre-activation
const z = x.mul(w).sum().add(b);
const output = z.relu(); // the activation f

console.log('z      =', z.itemSync().toFixed(4)); // 0.8 − 0.3 − 0.3 + 0.1
console.log('output =', output.itemSync().toFixed(4));

// With a bias of −0.5 the weighted sum is negative and ReLU silences the
// neuron.
console.log('silent =', x.mul(w).sum().add(-0.5).relu().itemSync().toFixed(4));
