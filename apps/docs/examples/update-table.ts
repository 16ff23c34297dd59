// One step of plain gradient descent (θ ← θ − η·g) at learning rate 0.01, by
// the optimizer.
import '@dendrite/autograd';
import { SGD } from '@dendrite/optim';
import { tensor } from '@dendrite/tensor';

const rows = [
  { name: 'w₁', value: 0.85, gradient: 0.12 },
  { name: 'w₂', value: -0.43, gradient: -0.08 },
  { name: 'w₃', value: 0.21, gradient: 0.005 },
  { name: 'bias', value: 0.3, gradient: 0.35 },
];
const params = rows.map((r) =>
  tensor(r.value, { dtype: 'float64' }).requiresGrad_(),
);
params.forEach((p, i) => {
  // as backward() would have left it
  p.grad = tensor(rows[i].gradient, { dtype: 'float64' });
});

new SGD(params, { lr: 0.01 }).step();

for (const [i, r] of rows.entries()) {
  // 5 decimals, trailing zeros dropped
  const after = Number(params[i].itemSync().toFixed(5));
  const value = r.value.toFixed(3).padStart(6);
  const gradient = r.gradient.toFixed(3).padStart(6);
  console.log(`${r.name.padEnd(5)} ${value}  ${gradient}  → ${after}`);
}
