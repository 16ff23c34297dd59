// Autograd: importing the package adds requiresGrad_(), backward() and .grad to
// every Tensor.
import { gradcheck, noGrad, toDot } from '@dendrite/autograd';
import { tensor } from '@dendrite/tensor';

const x = tensor([1, 2, 3]); // inputs
const w = tensor([0.5, -0.25, 0.1]).requiresGrad_(); // weights
const b = tensor([0.2]).requiresGrad_(); // bias
const out = x.mul(w).sum().add(b).tanh(); // output = tanh(w·x + b)
out.sum().backward();
// (1 − tanh²(0.5))·x and 1 − tanh²(0.5)
console.log(w.grad!.toString(), b.grad!.toString());

// Gradients accumulate across backward() calls until you reset them, as in
// PyTorch.
x.mul(w).sum().add(b).tanh().sum().backward();
console.log('accumulated:', b.grad!.toString()); // twice the value above
b.grad = null; // what optimizer.zeroGrad() does for every parameter

// No graph is recorded inside noGrad (inference, evaluation).
const y = noGrad(() => x.mul(w).sum());
console.log('recorded:', y.requiresGrad);

// Check a gradient against float64 finite differences.
const a = tensor([0.3, -1.2, 2], { dtype: 'float64' }).requiresGrad_();
console.log('gradcheck:', gradcheck((t) => t.sigmoid().mul(t).sum(), [a]).ok);

// The graph as Graphviz DOT (exportGraph gives the same as JSON).
const z = w.mul(x).sum();
console.log(toDot(z, { names: { w } }).split('\n').length, 'lines of DOT');
