// Why non-linearity matters: two linear layers in a row are one linear layer in
// disguise.
import { Generator, matmul, randn, tensor } from '@dendrite/tensor';

const gen = new Generator(7);
const W1 = randn([3, 4], { generator: gen }); // layer 1: 3 inputs → 4
const W2 = randn([4, 2], { generator: gen }); // layer 2: 4 → 2
const x = tensor([
  [1, -2, 0.5],
  [0.3, 0.8, -1],
]); // two examples: [2 × 3]

const stacked = matmul(matmul(x, W1), W2); // layer after layer
const W = matmul(W1, W2); // one [3 × 2] matrix that does the same job
const single = matmul(x, W);
console.log('two layers:', stacked.toString());
console.log('one matrix:', single.toString());
console.log(
  'largest difference:',
  stacked.sub(single).abs().max().itemSync() < 1e-5 ? '< 1e-5' : 'large',
);

// Put a ReLU between them and no single matrix can do it: the network is no
// longer additive.
const net = (input: typeof x) => matmul(matmul(input, W1).relu(), W2);
const a = tensor([[1, 0, 0]]);
const c = tensor([[-1, 0, 0]]);
const linearNet = (input: typeof x) => matmul(input, W);
console.log(
  'linear: f(a) + f(c) − f(a + c) =',
  linearNet(a)
    .add(linearNet(c))
    .sub(linearNet(a.add(c)))
    .toString(),
);
console.log(
  'ReLU:   f(a) + f(c) − f(a + c) =',
  net(a)
    .add(net(c))
    .sub(net(a.add(c)))
    .toString(),
);
