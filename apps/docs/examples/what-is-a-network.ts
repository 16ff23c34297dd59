// A network is weighted sums: one layer of four neurons reading three inputs is
// one matrix product.
import { matmul, tensor } from '@dendrite/tensor';

const x = tensor([[1, 2, 3]]); // one example, three inputs: [1 × 3]
const W = tensor([
  [0.5, -1, 0.25, 0], // each column holds the weights of one neuron
  [0.1, 0.2, 0.3, 0.4],
  [-0.2, 0.5, 0, 1],
]); // [3 × 4]
const b = tensor([0, 1, -1, 0.5]); // one bias per neuron

const y = matmul(x, W).add(b); // four weighted sums at once: [1 × 4]
console.log(y.shape, y.toString());

// The first neuron by hand: 1·0.5 + 2·0.1 + 3·(−0.2) + 0 = 0.1
console.log((1 * 0.5 + 2 * 0.1 + 3 * -0.2 + 0).toFixed(4));
