import { type Backend, cpuBackend, Generator, randn, type Tensor } from '@dendrite/tensor';
import { composeBackend, primitivesOf } from '@dendrite/tensor/backend';
import { describe, expect, it } from 'vitest';
import { Adam, AdamW } from './adam.js';

/** The CPU primitives with the default Adam kernel (the reference composite). */
const unfused: Backend = composeBackend({ ...primitivesOf(cpuBackend), name: 'cpu-no-fused-adam' });

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
      it(`${name} (${dtype}): the CPU kernel gives exactly the values of the reference (the composite default)`, () => {
        expect(run(cpuBackend, make, dtype)).toEqual(run(unfused, make, dtype));
      });
    }
  }
});
