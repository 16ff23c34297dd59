// Backpropagation through y = w·x + b and L = (y − t)², with the course's
// numbers.
import { exportGraph } from '@dendrite/autograd';
import { tensor } from '@dendrite/tensor';

const x = tensor(2); // input
const t = tensor(2); // target
const w = tensor(0.5).requiresGrad_(); // weight
const b = tensor(0.1).requiresGrad_(); // bias

const y = w.mul(x).add(b); // 1.1
const loss = y.sub(t).square(); // (−0.9)² = 0.81
console.log('loss =', loss.itemSync().toFixed(4));

// The recorded graph, as JSON (the course page draws it).
const graph = exportGraph(loss, { names: { w, b } });
console.log(graph.nodes.map((n) => `${n.kind}:${n.label}`).join('  '));

loss.backward(); // the chain rule, from the loss back to every leaf
console.log('dL/dw =', w.grad!.itemSync().toFixed(4)); // 2·(y − t)·x = −3.6
console.log('dL/db =', b.grad!.itemSync().toFixed(4)); // 2·(y − t)   = −1.8
