import { type Tensor, tensor, ValueError } from '@dendrite/tensor';
import { describe, expect, it } from 'vitest';
import { accumulateGradients } from './accumulate.js';
import { SGD } from './sgd.js';
import { param, values } from './test-utils.js';

// A tiny model: y = tanh(x·W + b)·V, mean squared error against targets.
function model() {
  return {
    W: param([
      [0.2, -0.5, 0.1],
      [0.7, 0.3, -0.2],
    ]),
    b: param([0.05, -0.1, 0.2]),
    V: param([[0.4], [-0.6], [0.9]]),
  };
}
type Model = ReturnType<typeof model>;
const mse = (m: Model, x: Tensor, y: Tensor) =>
  x.matmul(m.W).add(m.b).tanh().matmul(m.V).sub(y).square().mean();

const N = 12;
const X = Array.from({ length: N }, (_, i) => [Math.sin(i), Math.cos(1.7 * i)]);
const Y = Array.from({ length: N }, (_, i) => [Math.sin(0.3 * i) - 0.2]);
const batch = (from: number, to: number) => ({
  x: tensor(X.slice(from, to), { dtype: 'float64' }),
  y: tensor(Y.slice(from, to), { dtype: 'float64' }),
});

describe('gradient accumulation', () => {
  it('k micro-batches of size b with loss/k give the gradients of one batch of size k·b', () => {
    const k = 4;
    const b = N / k;
    const full = model();
    const whole = batch(0, N);
    const fullLoss = mse(full, whole.x, whole.y);
    fullLoss.backward();

    const acc = model();
    const mean = accumulateGradients(k, (i) => {
      const { x, y } = batch(i * b, (i + 1) * b);
      return mse(acc, x, y);
    });
    expect(mean.shape).toEqual([]);
    expect(mean.requiresGrad).toBe(false);
    expect(mean.itemSync()).toBeCloseTo(fullLoss.itemSync(), 14);
    for (const key of ['W', 'b', 'V'] as const) {
      const want = values(full[key].grad!);
      values(acc[key].grad!).forEach((g, i) => {
        expect(g).toBeCloseTo(want[i], 14);
      });
    }
  });

  it('the same pattern by hand: backward on loss/k per micro-batch, then one step', () => {
    const k = 3;
    const a = model();
    const c = model();
    const optA = new SGD(Object.values(a), { lr: 0.1 });
    const optC = new SGD(Object.values(c), { lr: 0.1 });
    optA.zeroGrad();
    for (let i = 0; i < k; i++) {
      const { x, y } = batch(i * 4, (i + 1) * 4);
      mse(a, x, y).div(k).backward(); // .grad accumulates across backward() calls
    }
    optA.step();
    optC.zeroGrad();
    accumulateGradients(k, (i) => {
      const { x, y } = batch(i * 4, (i + 1) * 4);
      return mse(c, x, y);
    }).dispose();
    optC.step();
    for (const key of ['W', 'b', 'V'] as const) expect(values(c[key])).toEqual(values(a[key]));
  });

  it('accepts a [1]-shaped loss and rejects bad arguments', () => {
    const w = param([1, 2]);
    const loss = accumulateGradients(2, () => w.sum().reshape([1]));
    expect(loss.shape).toEqual([]);
    expect(loss.itemSync()).toBe(3);
    expect(values(w.grad!)).toEqual([1, 1]);
    expect(() => accumulateGradients(0, () => w.sum())).toThrow(ValueError);
    expect(() => accumulateGradients(1.5, () => w.sum())).toThrow(/microBatches/);
    expect(() => accumulateGradients(2, () => w.mul(1))).toThrow(/one element/);
  });
});
