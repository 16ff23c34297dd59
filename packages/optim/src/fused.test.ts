import { type Backend, cpuBackend, Generator, randn, type Tensor } from '@dendrite/tensor';
import { describe, expect, it } from 'vitest';
import { Adam, AdamW } from './adam.js';

/** The CPU backend without its fused Adam kernel: the optimizer falls back to tensor ops. */
const unfused: Backend = { ...cpuBackend, name: 'cpu-no-fused-adam', adamUpdate: undefined };

function run(
  backend: Backend,
  make: (ps: Tensor[]) => Adam | AdamW,
  dtype: 'float32' | 'float64',
): number[][] {
  const g = new Generator(5);
  const params = [
    randn([4, 3], { generator: g, dtype, backend }),
    randn([3], { generator: g, dtype, backend }),
  ].map((p) => p.requiresGrad_());
  const opt = make(params);
  for (let step = 0; step < 4; step++) {
    for (const p of params) p.grad = randn(p.shape, { generator: g, dtype, backend });
    opt.step();
  }
  return params.map((p) => Array.from(p.dataSync()));
}

describe('the fused Adam kernel', () => {
  const variants: [string, (ps: Tensor[]) => Adam | AdamW][] = [
    ['AdamW', (ps) => new AdamW(ps, { lr: 0.01, weightDecay: 0.1 })],
    ['Adam with L2 and amsgrad', (ps) => new Adam(ps, { lr: 0.01, weightDecay: 0.05, amsgrad: true })],
    ['AdamW maximizing', (ps) => new AdamW(ps, { lr: 0.003, betas: [0.8, 0.95], eps: 1e-6, maximize: true })],
  ];
  for (const [name, make] of variants) {
    for (const dtype of ['float32', 'float64'] as const) {
      it(`${name} (${dtype}): gives exactly the values of the op-by-op update`, () => {
        expect(run(cpuBackend, make, dtype)).toEqual(run(unfused, make, dtype));
      });
    }
  }
});
