import { Generator, linspace, randn, type Tensor, tidy, zeros } from '@dendrite/tensor';
import { describe, expect, it } from 'vitest';
import { Adam, AdamW } from './adam.js';
import { clipGradNorm } from './clip.js';
import { decayGroups } from './groups.js';
import type { Optimizer } from './optimizer.js';
import { cosineWithWarmup } from './schedule.js';
import { LRScheduler } from './scheduler.js';
import { SGD } from './sgd.js';

/**
 * A two-layer MLP from raw tensors on a toy regression: y = sin(2x) on [−2, 2], 64 points.
 * prediction = tanh(x·W₁ + b₁)·W₂ + b₂, loss = mean squared error.
 */
function problem(dtype: 'float32' | 'float64') {
  const gen = new Generator(7);
  const hidden = 16;
  const x = linspace(-2, 2, 64, { dtype }).reshape([64, 1]);
  const y = x.mul(2).sin();
  const params = {
    W1: randn([1, hidden], { generator: gen, dtype }).requiresGrad_(),
    b1: zeros([hidden], { dtype }).requiresGrad_(),
    W2: randn([hidden, 1], { generator: gen, dtype, std: 1 / Math.sqrt(hidden) }).requiresGrad_(),
    b2: zeros([1], { dtype }).requiresGrad_(),
  };
  const loss = (): Tensor => {
    const { W1, b1, W2, b2 } = params;
    const h = x.matmul(W1).add(b1).tanh(); // hidden activations
    return h.matmul(W2).add(b2).sub(y).square().mean(); // MSE
  };
  return { params, loss };
}

function train(opt: Optimizer, loss: () => Tensor, steps: number, after?: () => void): [number, number] {
  const first = tidy(() => loss().itemSync());
  for (let i = 0; i < steps; i++) {
    tidy(() => {
      opt.zeroGrad();
      loss().backward();
      opt.step();
      after?.();
    });
  }
  const last = tidy(() => loss().itemSync());
  return [first, last];
}

type P = ReturnType<typeof problem>['params'];
const setups: Array<[string, (p: P) => Optimizer, number]> = [
  ['SGD', (p) => new SGD(Object.values(p), { lr: 0.1 }), 1000],
  ['SGD + momentum', (p) => new SGD(Object.values(p), { lr: 0.05, momentum: 0.9 }), 400],
  ['SGD + nesterov', (p) => new SGD(Object.values(p), { lr: 0.05, momentum: 0.9, nesterov: true }), 400],
  ['Adam', (p) => new Adam(Object.values(p), { lr: 0.02 }), 400],
  ['Adam + amsgrad', (p) => new Adam(Object.values(p), { lr: 0.02, amsgrad: true }), 400],
  ['AdamW (decay groups)', (p) => new AdamW(decayGroups(Object.values(p), 0.01), { lr: 0.02 }), 400],
];

describe('an MLP on a toy regression converges', () => {
  for (const [name, make, steps] of setups) {
    for (const dtype of ['float64', 'float32'] as const) {
      it(`${name} (${dtype})`, () => {
        const { params, loss } = problem(dtype);
        const [first, last] = train(make(params), loss, steps);
        expect(first).toBeGreaterThan(0.3);
        expect(last).toBeLessThan(0.02);
      });
    }
  }

  it('AdamW with nanoGPT’s schedule and gradient clipping', () => {
    const { params, loss } = problem('float32');
    const opt = new AdamW(decayGroups(Object.values(params), 0.1), { lr: 0.03, betas: [0.9, 0.95] });
    const scheduler = new LRScheduler(
      opt,
      cosineWithWarmup({ lr: 0.03, minLr: 0.003, warmupIters: 20, decayIters: 400 }),
    );
    const [first, last] = train(opt, loss, 400, () => {
      clipGradNorm(Object.values(params), 1.0); // freed by the iteration's tidy
      scheduler.step();
    });
    expect(first).toBeGreaterThan(0.3);
    expect(last).toBeLessThan(0.02);
    expect(scheduler.getLastLr()).toEqual([0.003, 0.003]); // past decayIters: the floor
  });
});
