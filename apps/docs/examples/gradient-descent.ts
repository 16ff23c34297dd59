// Gradient descent on L = w², from w = 1, with three learning rates.
import '@dendrite/autograd';
import { SGD } from '@dendrite/optim';
import { tensor } from '@dendrite/tensor';

function descend(lr: number, steps: number): number[] {
  const w = tensor(1, { dtype: 'float64' }).requiresGrad_();
  const opt = new SGD([w], { lr });
  const path = [w.itemSync()];
  for (let i = 0; i < steps; i++) {
    opt.zeroGrad();
    w.square().backward(); // dL/dw = 2w
    opt.step(); // w ← w − lr · 2w
    path.push(w.itemSync());
  }
  return path;
}

const show = (xs: number[]) => xs.map((v) => v.toFixed(3)).join(', ');
console.log(
  'lr 0.1   ',
  show(descend(0.1, 4)),
  '… after 20:',
  descend(0.1, 20)[20].toFixed(3),
);
console.log(
  'lr 0.001 ',
  show(descend(0.001, 4)),
  '… after 20:',
  descend(0.001, 20)[20].toFixed(3),
);
console.log(
  'lr 1.1   ',
  show(descend(1.1, 4)),
  '… after 20:',
  descend(1.1, 20)[20].toFixed(1),
);
