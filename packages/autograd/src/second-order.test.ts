import './index.js';
import { causalSoftmax, softmaxCrossEntropy, type Tensor, tensor } from '@dendrite/tensor';
import { describe, expect, it } from 'vitest';
import { grad } from './functional.js';

const f64 = { dtype: 'float64' as const };
const v = tensor(
  [
    [1, -2, 0.5, 3],
    [0.25, 1, -1, 2],
  ],
  f64,
);
const x0 = [
  [0.3, -1.2, 2.0, 0.7],
  [1.1, 0.4, -0.6, -2.2],
];

/**
 * Gradients of gradients: with createGraph, the first gradient g(x) = ∇ Σf(x) is itself recorded;
 * the gradient of g(x)·v must equal central differences of g(x)·v (a Hessian-vector product).
 */
function secondOrderError(f: (x: Tensor) => Tensor): number {
  const gv = (xs: number[][]) =>
    (grad((x: Tensor) => f(x).sum(), { argnums: 0 })(tensor(xs, f64)) as Tensor).mul(v).sum().itemSync();
  const eps = 1e-6;
  const numeric: number[] = [];
  for (let i = 0; i < 2; i++) {
    for (let j = 0; j < 4; j++) {
      const p = x0.map((r) => [...r]);
      const m = x0.map((r) => [...r]);
      p[i][j] += eps;
      m[i][j] -= eps;
      numeric.push((gv(p) - gv(m)) / (2 * eps));
    }
  }
  const x = tensor(x0, f64).requiresGrad_();
  f(x).sum().backward(undefined, { createGraph: true });
  const g1 = x.grad!;
  x.grad = null;
  g1.mul(v).sum().backward();
  const analytic = Array.from(x.grad!.dataSync());
  return Math.max(...analytic.map((a, i) => Math.abs(a - numeric[i]) / (1 + Math.abs(numeric[i]))));
}

describe('second-order gradients (createGraph)', () => {
  const cases: Record<string, (x: Tensor) => Tensor> = {
    'exp (saves its output)': (x) => x.exp(),
    'tanh, sigmoid': (x) => x.tanh().add(x.sigmoid().mul(x)),
    'sqrt, rsqrt': (x) => x.square().add(1).sqrt().add(x.square().add(1).rsqrt()),
    'mul, div': (x) => x.mul(x).div(x.square().add(2)),
    'mean, sub (broadcast)': (x) => x.sub(x.mean(-1, true)).square(),
    'softmax, logSoftmax': (x) => x.softmax(-1).mul(x).add(x.logSoftmax(0).mul(0.5)),
    'gelu (exact and tanh)': (x) => x.gelu().add(x.gelu({ approximate: 'tanh' })),
    'layerNorm (fused forward, composite backward when recorded)': (x) =>
      x.layerNorm(4, tensor([0.5, 1.5, -1, 2], f64), tensor([0.1, 0, 0, -0.2], f64)).square(),
    matmul: (x) => x.matmul(x.mT).matmul(x),
    'causalSoftmax (fused forward, primitive backward when recorded)': (x) => causalSoftmax(x, 0.8).mul(x),
    'softmaxCrossEntropy with smoothing and an ignored row': (x) =>
      softmaxCrossEntropy(x.mul(x), tensor([3, -100], { dtype: 'int32' }), { labelSmoothing: 0.1 }),
  };
  for (const [name, f] of Object.entries(cases)) {
    it(name, () => {
      expect(secondOrderError(f)).toBeLessThan(1e-5);
    });
  }
});
