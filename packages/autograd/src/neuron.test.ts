import './index.js';
import { Generator, randn, type Tensor, tensor } from '@dendrite/tensor';
import { describe, expect, it } from 'vitest';
import { noGrad } from './mode.js';

describe('a single neuron output = f(w·x + b)', () => {
  it('reproduces hand-computed gradients', () => {
    // x = (1, 2, 3), w = (0.5, -0.25, 0.1), b = 0.2:  z = 0.5 − 0.5 + 0.3 + 0.2 = 0.5
    const x = tensor([1, 2, 3], { dtype: 'float64' });
    const w = tensor([0.5, -0.25, 0.1], { dtype: 'float64' }).requiresGrad_();
    const b = tensor([0.2], { dtype: 'float64' }).requiresGrad_();
    const out = x.mul(w).sum().add(b).tanh();
    out.sum().backward();
    // d out/dz = 1 − tanh²(0.5);  d out/dw = that · x;  d out/db = that
    const dz = 1 - Math.tanh(0.5) ** 2;
    const gw = w.grad!.toArraySync() as number[];
    for (const [i, xi] of [1, 2, 3].entries()) expect(gw[i]).toBeCloseTo(dz * xi, 14);
    expect((b.grad!.toArraySync() as number[])[0]).toBeCloseTo(dz, 14);
    expect(out.itemSync()).toBeCloseTo(Math.tanh(0.5), 14);
  });
});

describe('a two-layer MLP', () => {
  it('learns XOR with plain gradient descent', () => {
    const g = new Generator(7);
    const X = tensor([
      [0, 0],
      [0, 1],
      [1, 0],
      [1, 1],
    ]);
    const Y = tensor([[0], [1], [1], [0]]);
    const params: Tensor[] = [
      randn([2, 8], { generator: g, std: 1 }).requiresGrad_(),
      randn([8], { generator: g, std: 0.1 }).requiresGrad_(),
      randn([8, 1], { generator: g, std: 1 }).requiresGrad_(),
      randn([1], { generator: g, std: 0.1 }).requiresGrad_(),
    ];
    const [w1, b1, w2, b2] = params;
    const forward = () => X.matmul(w1).add(b1).tanh().matmul(w2).add(b2).sigmoid();
    let loss = 0;
    for (let step = 0; step < 2000; step++) {
      const p = forward();
      const l = p.sub(Y).square().mean();
      l.backward();
      loss = l.itemSync();
      noGrad(() => {
        for (const t of params) {
          t.assign(t.sub(t.grad!.mul(0.5)));
          t.grad = null;
        }
      });
    }
    expect(loss).toBeLessThan(0.01);
    const preds = (noGrad(forward).toArraySync() as number[][]).map((r) => Math.round(r[0]));
    expect(preds).toEqual([0, 1, 1, 0]);
  });
});
