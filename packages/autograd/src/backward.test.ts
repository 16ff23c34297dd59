import './index.js';
import { Generator, ones, randn, scalar, type Tensor, tensor, tidy } from '@dendrite/tensor';
import { describe, expect, it } from 'vitest';
import { AutogradError } from './errors.js';
import { enableGrad, isGradEnabled, noGrad } from './mode.js';

const f64 = { dtype: 'float64' as const };

describe('backward', () => {
  it('computes d/dx of a scalar and accumulates into .grad across calls', () => {
    const x = tensor([1, 2, 3], f64).requiresGrad_();
    x.mul(x).sum().backward(); // d/dx Σx² = 2x
    expect(x.grad!.toArraySync()).toEqual([2, 4, 6]);
    x.mul(3).sum().backward(); // + 3
    expect(x.grad!.toArraySync()).toEqual([5, 7, 9]);
  });

  it('keeps the identity of the grad tensor while accumulating', () => {
    const x = tensor([1, 2], f64).requiresGrad_();
    x.sum().backward();
    const g = x.grad;
    x.sum().backward();
    expect(x.grad).toBe(g);
    expect(g!.toArraySync()).toEqual([2, 2]);
  });

  it('gives each leaf its own grad tensor even when a rule passes the gradient through', () => {
    const a = tensor([1, 2], f64).requiresGrad_();
    const b = tensor([3, 4], f64).requiresGrad_();
    a.add(b).sum().backward();
    expect(a.grad).not.toBe(b.grad);
    a.mul(2).sum().backward();
    expect(a.grad!.toArraySync()).toEqual([3, 3]);
    expect(b.grad!.toArraySync()).toEqual([1, 1]);
  });

  it('sums gradients where a value is used twice (diamond graph)', () => {
    const x = tensor([2], f64).requiresGrad_();
    const y = x.mul(3);
    y.mul(y).add(y).sum().backward(); // d/dx (9x² + 3x) = 18x + 3
    expect(x.grad!.toArraySync()).toEqual([39]);
  });

  it('needs an explicit gradient for non-scalar outputs', () => {
    const x = tensor([1, 2], f64).requiresGrad_();
    const y = x.mul(2);
    expect(() => y.backward()).toThrow(AutogradError);
    expect(() => y.backward()).toThrow(/one-element outputs; pass one of shape \[2\]/);
    y.backward(tensor([1, 10], f64));
    expect(x.grad!.toArraySync()).toEqual([2, 20]);
  });

  it('rejects a gradient of the wrong shape', () => {
    const x = tensor([1, 2], f64).requiresGrad_();
    expect(() => x.mul(2).backward(tensor([1, 2, 3], f64))).toThrow(
      /gradient shape \[3\] does not match the output shape \[2\]/,
    );
  });

  it('frees the graph after backward and says so on a second backward', () => {
    const x = tensor([1, 2], f64).requiresGrad_();
    const y = x.exp().sum();
    y.backward();
    expect(() => y.backward()).toThrow(/backward through the graph a second time.*retainGraph/);
  });

  it('runs backward twice through a retained graph', () => {
    const x = tensor([0, 1], f64).requiresGrad_();
    const y = x.exp().sum();
    y.backward(undefined, { retainGraph: true });
    y.backward();
    expect(x.grad!.toArraySync()).toEqual([2, 2 * Math.E]);
  });

  it('refuses backward on a tensor that does not require grad', () => {
    expect(() => tensor([1]).backward()).toThrow(/does not require grad/);
  });

  it('lets a leaf be the root', () => {
    const x = tensor([3], f64).requiresGrad_();
    x.backward();
    expect(x.grad!.toArraySync()).toEqual([1]);
  });

  it('only float tensors can require gradients', () => {
    expect(() => tensor([1, 2], { dtype: 'int32' }).requiresGrad_()).toThrow(/only float tensors/);
  });

  it('non-leaf tensors cannot stop requiring grad; detach() cuts them from the graph', () => {
    const x = tensor([1, 2], f64).requiresGrad_();
    const y = x.mul(2);
    expect(y.isLeaf).toBe(false);
    expect(y.gradFn?.op).toBe('mul');
    expect(() => {
      y.requiresGrad = false;
    }).toThrow(/only leaf tensors/);
    const d = y.detach();
    expect(d.requiresGrad).toBe(false);
    expect(d.isLeaf).toBe(true);
    expect(d.sharesStorageWith(y)).toBe(true);
    expect(d.mul(3).requiresGrad).toBe(false);
  });

  it('noGrad records nothing; enableGrad records inside it', () => {
    const x = tensor([1, 2], f64).requiresGrad_();
    const y = noGrad(() => x.mul(2));
    expect(y.requiresGrad).toBe(false);
    expect(y.gradFn).toBeNull();
    const z = noGrad(() => enableGrad(() => x.mul(2)));
    expect(z.requiresGrad).toBe(true);
    expect(isGradEnabled()).toBe(true);
  });

  it('noGrad rejects async functions', () => {
    expect(() => noGrad(async () => 1)).toThrow(/returned a Promise/);
    expect(isGradEnabled()).toBe(true);
  });

  it('non-differentiable ops produce tensors without gradients', () => {
    const x = tensor([1, 5, 2], f64).requiresGrad_();
    expect(x.argmax().requiresGrad).toBe(false);
    expect(x.gt(1).requiresGrad).toBe(false);
  });

  it('retainGrad keeps the gradient of an intermediate tensor', () => {
    const x = tensor([1, 2], f64).requiresGrad_();
    const h = x.mul(3).retainGrad();
    h.mul(h).sum().backward(); // dL/dh = 2h
    expect(h.grad!.toArraySync()).toEqual([6, 12]);
    expect(x.grad!.toArraySync()).toEqual([18, 36]);
  });

  it('createGraph gives gradients of gradients', () => {
    const x = tensor([2], f64).requiresGrad_();
    const y = x.pow(3).sum();
    y.backward(undefined, { createGraph: true });
    const dx = x.grad!; // 3x² = 12
    expect(dx.toArraySync()).toEqual([12]);
    expect(dx.requiresGrad).toBe(true);
    x.grad = null;
    dx.sum().backward(); // d/dx 3x² = 6x = 12
    expect(x.grad!.toArraySync()).toEqual([12]);
  });

  it('works across tidy scopes: the graph keeps what backward needs', () => {
    const w = tensor([0.5, -1], f64).requiresGrad_();
    const loss = tidy(() =>
      w
        .mul(tensor([2, 3], f64))
        .tanh()
        .sum(),
    );
    loss.backward();
    const t = [Math.tanh(1), Math.tanh(-3)];
    expect(w.grad!.toArraySync()).toEqual([2 * (1 - t[0] ** 2), 3 * (1 - t[1] ** 2)]);
    expect(w.grad!.isDisposed).toBe(false);
  });

  it('backward inside tidy keeps the leaf gradients', () => {
    const w = ones([3], f64).requiresGrad_();
    tidy(() => {
      w.mul(scalar(4, f64)).sum().backward();
    });
    expect(w.grad!.isDisposed).toBe(false);
    expect(w.grad!.toArraySync()).toEqual([4, 4, 4]);
  });
});

describe('gradients of gradients through fused kernels', () => {
  it('layerNorm: createGraph takes the composite path, matching the same math written out', () => {
    const w = tensor([0.5, 1.5, -1, 2], f64);
    const v = tensor(
      [
        [1, -2, 0.5, 3],
        [0.25, 1, -1, 2],
      ],
      f64,
    );
    const composite = (x: Tensor) => {
      const c = x.sub(x.mean(-1, true));
      return c.mul(c.square().mean(-1, true).add(1e-5).rsqrt()).mul(w);
    };
    const secondOrder = (ln: (x: Tensor) => Tensor) => {
      const x = tensor(
        [
          [0.3, -1.2, 2.0, 0.7],
          [1.1, 0.4, -0.6, -2.2],
        ],
        f64,
      ).requiresGrad_();
      ln(x).square().sum().backward(undefined, { createGraph: true });
      const g1 = x.grad!;
      x.grad = null;
      g1.mul(v).sum().backward();
      return [g1.toArraySync(), x.grad!.toArraySync()] as const;
    };
    const [fusedG, fusedH] = secondOrder((x) => x.layerNorm(w.shape, w, null, 1e-5));
    const [compG, compH] = secondOrder(composite);
    (fusedG as number[][])
      .flat()
      .forEach((a, i) => expect(a).toBeCloseTo((compG as number[][]).flat()[i], 12));
    (fusedH as number[][])
      .flat()
      .forEach((a, i) => expect(a).toBeCloseTo((compH as number[][]).flat()[i], 10));
  });
});

describe('weight gradients of matrix products', () => {
  it('come out contiguous for a weight used transposed (x·Wᵀ), batched or not, and equal Σ xᵀ·g', () => {
    const g = new Generator(4);
    for (const xShape of [
      [6, 5],
      [3, 4, 5],
      [2, 2, 3, 5],
    ]) {
      const x = randn(xShape, { generator: g, dtype: 'float64' });
      const w = randn([7, 5], { generator: g, dtype: 'float64' }).requiresGrad_();
      const v = randn([5, 7], { generator: g, dtype: 'float64' }).requiresGrad_();
      const up = randn([...xShape.slice(0, -1), 7], { generator: g, dtype: 'float64' });
      x.matmul(w.mT).mul(up).sum().backward();
      x.matmul(v).mul(up).sum().backward();
      const grad = w.grad as Tensor;
      expect(grad.isContiguous).toBe(true);
      expect((v.grad as Tensor).isContiguous).toBe(true);
      // Σ over every row r of the batch: dW[o][i] = Σ_r up[r][o]·x[r][i], and dV = dWᵀ
      const xs = x.reshape(-1, 5).toArraySync() as number[][];
      const us = up.reshape(-1, 7).toArraySync() as number[][];
      const want = Array.from({ length: 7 }, (_, o) =>
        Array.from({ length: 5 }, (_, i) => xs.reduce((s, row, r) => s + us[r][o] * row[i], 0)),
      );
      const got = grad.toArraySync() as number[][];
      const gotV = (v.grad as Tensor).toArraySync() as number[][];
      for (let o = 0; o < 7; o++)
        for (let i = 0; i < 5; i++) {
          expect(got[o][i]).toBeCloseTo(want[o][i], 12);
          expect(gotV[i][o]).toBeCloseTo(want[o][i], 12);
        }
    }
  });
});

describe('gradients of max, min, amax and amin at ties (as PyTorch)', () => {
  const x = () =>
    tensor(
      [
        [1, 5, 5],
        [7, 0, 7],
      ],
      f64,
    ).requiresGrad_();

  it('max(x, dim).values sends the whole gradient to the position its indices name; indices have none', () => {
    const a = x();
    const { values, indices } = a.max(1);
    expect(indices.requiresGrad).toBe(false);
    values.sum().backward();
    expect(a.grad!.toArraySync()).toEqual([
      [0, 1, 0],
      [1, 0, 0],
    ]);
    const b = x();
    b.min(0, true).values.sum().backward();
    expect(b.grad!.toArraySync()).toEqual([
      [1, 0, 1],
      [0, 1, 0],
    ]);
  });

  it('amax, amin and max(x) split the gradient evenly between ties', () => {
    const a = x();
    a.amax(1).sum().backward();
    expect(a.grad!.toArraySync()).toEqual([
      [0, 0.5, 0.5],
      [0.5, 0, 0.5],
    ]);
    const b = x();
    b.max().backward();
    expect(b.grad!.toArraySync()).toEqual([
      [0, 0, 0],
      [0.5, 0, 0.5],
    ]);
  });
});
