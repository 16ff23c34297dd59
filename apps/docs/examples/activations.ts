// Activation functions bend a weighted sum; softmax turns a vector of scores
// into probabilities.
import { tensor } from '@dendrite/tensor';

const z = tensor([-2, -1, 0, 1, 2]);
console.log('relu     ', z.relu().toString());
// exact form (erf); { approximate: 'tanh' } also exists
console.log('gelu     ', z.gelu().toString());
console.log('sigmoid  ', z.sigmoid().toString());
console.log('tanh     ', z.tanh().toString());

const logits = tensor([2, 1, 0]);
// ≈ 0.665, 0.245, 0.090 — they sum to 1
console.log('softmax  ', logits.softmax(-1).toString());
