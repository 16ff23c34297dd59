import { type DType, tensor } from '@dendrite/tensor';
import { describe, expect, it } from 'vitest';
import { SGD, type SGDOptions } from './sgd.js';
import { param, setGrad, values } from './test-utils.js';

/**
 * PyTorch's SGD (torch/optim/sgd.py, `_single_tensor_sgd`), element by element in plain JS numbers:
 *   g ← −g (maximize);  g ← g + λθ;  b ← g (first step) or μb + (1−τ)g;  g ← g + μb (Nesterov) or b;
 *   θ ← θ − ηg
 */
function sgdReference(theta0: number[], grads: number[][], o: SGDOptions): number[][] {
  const theta = [...theta0];
  let buf: number[] | null = null;
  const history: number[][] = [];
  for (const grad of grads) {
    const g = grad.map((gi, i) => {
      let d = o.maximize ? -gi : gi;
      if (o.weightDecay !== 0) d = d + o.weightDecay * theta[i];
      return d;
    });
    let d = g;
    if (o.momentum !== 0) {
      buf = buf === null ? [...g] : buf.map((b, i) => o.momentum * b + (1 - o.dampening) * g[i]);
      const b = buf;
      d = o.nesterov ? g.map((gi, i) => gi + o.momentum * b[i]) : b;
    }
    for (let i = 0; i < theta.length; i++) theta[i] = theta[i] - o.lr * d[i];
    history.push([...theta]);
  }
  return history;
}

const GRADS = [
  [0.5, -1.25, 2, 0.125],
  [0.25, -0.75, -1, 0.5],
  [-0.5, 0.375, 1.5, -2],
  [1, 1, -0.25, 0.75],
];
const THETA0 = [0.3, -0.7, 1.1, 0.05];
const base: SGDOptions = {
  lr: 0.1,
  momentum: 0,
  dampening: 0,
  weightDecay: 0,
  nesterov: false,
  maximize: false,
};

describe('SGD: the seed worked example', () => {
  // The course's table: one plain gradient-descent step at learning rate 0.01.
  const table = [
    { name: 'w₁', value: 0.85, grad: 0.12, after: '0.8488' },
    { name: 'w₂', value: -0.43, grad: -0.08, after: '-0.4292' },
    { name: 'w₃', value: 0.21, grad: 0.005, after: '0.20995' },
    { name: 'bias', value: 0.3, grad: 0.35, after: '0.2965' },
  ];
  const decimals = (s: string) => s.split('.')[1].length;

  for (const dtype of ['float64', 'float32'] as DType[]) {
    it(`reproduces the table to the printed digits (${dtype}, grads set by hand)`, () => {
      const params = table.map((row) => param([row.value], dtype));
      table.forEach((row, i) => {
        setGrad(params[i], [row.grad]);
      });
      new SGD(params, { lr: 0.01 }).step();
      table.forEach((row, i) => {
        expect(values(params[i])[0].toFixed(decimals(row.after)), row.name).toBe(row.after);
      });
    });

    it(`reproduces the table with gradients from backward() (${dtype})`, () => {
      // loss = w·c + bias·0.35, so ∂loss/∂w = c and ∂loss/∂bias = 0.35: the table's gradients.
      const w = param([0.85, -0.43, 0.21], dtype);
      const bias = param([0.3], dtype);
      const c = tensor([0.12, -0.08, 0.005], { dtype });
      const opt = new SGD([w, bias], { lr: 0.01 });
      opt.zeroGrad();
      w.mul(c).sum().add(bias.mul(0.35).sum()).backward();
      opt.step();
      const got = [...values(w), ...values(bias)];
      table.forEach((row, i) => {
        expect(got[i].toFixed(decimals(row.after)), row.name).toBe(row.after);
      });
    });
  }
});

describe('SGD update rule against PyTorch formulas', () => {
  const cases: Array<[string, Partial<SGDOptions>]> = [
    ['plain', {}],
    ['momentum', { momentum: 0.9 }],
    ['momentum + dampening', { momentum: 0.9, dampening: 0.25 }],
    ['nesterov', { momentum: 0.8, nesterov: true }],
    ['weight decay', { weightDecay: 0.01 }],
    ['momentum + weight decay + nesterov', { momentum: 0.5, weightDecay: 0.1, nesterov: true }],
    ['maximize + momentum', { maximize: true, momentum: 0.9, lr: 0.05 }],
  ];
  for (const [name, options] of cases) {
    const o = { ...base, ...options };
    it(`${name}: four steps match exactly (float64)`, () => {
      const p = param(THETA0);
      const opt = new SGD([p], { ...options, lr: o.lr });
      const expected = sgdReference(THETA0, GRADS, o);
      GRADS.forEach((g, k) => {
        setGrad(p, g);
        opt.step();
        expect(values(p), `step ${k + 1}`).toEqual(expected[k]);
      });
    });

    it(`${name}: four steps match to float32 precision`, () => {
      const p = param(THETA0, 'float32');
      const opt = new SGD([p], { ...options, lr: o.lr });
      const expected = sgdReference(THETA0, GRADS, o);
      GRADS.forEach((g, k) => {
        setGrad(p, g);
        opt.step();
        values(p).forEach((v, i) => {
          expect(v).toBeCloseTo(expected[k][i], 5);
        });
      });
    });
  }

  it('keeps the momentum buffer in the state, shaped and typed like the parameter', () => {
    const p = param([[1, 2, 3]], 'float32');
    const opt = new SGD([p], { lr: 0.1, momentum: 0.9 });
    expect(opt.stateOf(p)).toBeUndefined();
    setGrad(p, [[1, 1, 1]]);
    opt.step();
    const buf = opt.stateOf(p)?.momentumBuffer;
    expect(buf?.shape).toEqual([1, 3]);
    expect(buf?.dtype).toBe('float32');
    expect(buf?.backend).toBe(p.backend);
    expect(values(buf!)).toEqual([1, 1, 1]);
  });

  it('plain SGD keeps no state', () => {
    const p = param([1]);
    const opt = new SGD([p], { lr: 0.1 });
    setGrad(p, [1]);
    opt.step();
    expect(opt.stateOf(p)).toBeUndefined();
    expect(opt.stateDict().state).toEqual({});
  });
});
