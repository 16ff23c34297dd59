// AdamW's first step: every weight moves by about the learning rate, whatever
// its gradient's size.
import '@dendrite/autograd';
import { AdamW } from '@dendrite/optim';
import { type Tensor, tensor } from '@dendrite/tensor';

const big = tensor(0.5, { dtype: 'float64' }).requiresGrad_();
const small = tensor(0.5, { dtype: 'float64' }).requiresGrad_();
const opt = new AdamW([big, small], { lr: 0.001, weightDecay: 0 });

big.grad = tensor(0.12, { dtype: 'float64' });
small.grad = tensor(0.0003, { dtype: 'float64' });
opt.step();

console.log(
  'moved by',
  (0.5 - big.itemSync()).toFixed(6),
  'and',
  (0.5 - small.itemSync()).toFixed(6),
);
// The optimizer's state for a parameter: the two running averages m and v.
const { expAvg: m, expAvgSq: v } = opt.stateOf(big) as Record<string, Tensor>;
console.log(
  'm =',
  m.itemSync().toFixed(4),
  ' v =',
  v.itemSync().toExponential(2),
);

// Decoupled weight decay: with lr 0.001 and decay 0.1, a weight with no
// gradient shrinks by 0.9999.
const w = tensor(1, { dtype: 'float64' }).requiresGrad_();
const decay = new AdamW([w], { lr: 0.001, weightDecay: 0.1 });
w.grad = tensor(0, { dtype: 'float64' });
decay.step();
console.log('decayed weight', w.itemSync().toFixed(6));
