import { describe, expect, it } from 'vitest';
import { Adam, type AdamOptions, AdamW } from './adam.js';
import { param, setGrad, values } from './test-utils.js';

/**
 * PyTorch's Adam / AdamW (torch/optim/adam.py, `_single_tensor_adam`), element by element:
 *   g ← −g (maximize)
 *   θ ← θ·(1 − ηλ)                         (AdamW)   or   g ← g + λθ   (Adam)
 *   t ← t + 1;  m ← β₁m + (1−β₁)g;  v ← β₂v + (1−β₂)g²;  v̂ ← max(v̂, v) (amsgrad) or v
 *   θ ← θ − η/(1−β₁ᵗ) · m / (√v̂ / √(1−β₂ᵗ) + ε)
 */
function adamReference(theta0: number[], grads: number[][], o: AdamOptions, decoupled: boolean): number[][] {
  const theta = [...theta0];
  const n = theta.length;
  const m = new Array<number>(n).fill(0);
  const v = new Array<number>(n).fill(0);
  const vMax = new Array<number>(n).fill(0);
  const [b1, b2] = o.betas;
  const history: number[][] = [];
  grads.forEach((grad, k) => {
    const t = k + 1;
    for (let i = 0; i < n; i++) {
      let g = o.maximize ? -grad[i] : grad[i];
      if (o.weightDecay !== 0) {
        if (decoupled) theta[i] = theta[i] * (1 - o.lr * o.weightDecay);
        else g = g + o.weightDecay * theta[i];
      }
      m[i] = b1 * m[i] + (1 - b1) * g;
      v[i] = b2 * v[i] + (1 - b2) * (g * g);
      vMax[i] = Math.max(vMax[i], v[i]);
      const stepSize = o.lr / (1 - b1 ** t);
      const denom = Math.sqrt(o.amsgrad ? vMax[i] : v[i]) / Math.sqrt(1 - b2 ** t) + o.eps;
      theta[i] = theta[i] - (m[i] / denom) * stepSize;
    }
    history.push([...theta]);
  });
  return history;
}

const THETA0 = [0.3, -0.7, 1.1, 0.05];
const GRADS = [
  [0.5, -1.25, 2, 0.125],
  [0.25, -0.75, -1, 0.5],
  [-0.5, 0.375, 1.5, -2],
  [1, 1, -0.25, 0.75],
  [0.01, -0.02, 0.03, 0.001],
];
const ADAM: AdamOptions = {
  lr: 1e-3,
  betas: [0.9, 0.999],
  eps: 1e-8,
  weightDecay: 0,
  amsgrad: false,
  maximize: false,
};

const cases: Array<[string, Partial<AdamOptions>]> = [
  ['defaults', {}],
  ['lr 0.1, betas (0.8, 0.99), eps 1e-6', { lr: 0.1, betas: [0.8, 0.99], eps: 1e-6 }],
  ['weight decay 0.1', { lr: 0.05, weightDecay: 0.1 }],
  ['amsgrad (v shrinks at the last step)', { lr: 0.05, amsgrad: true }],
  ['maximize', { lr: 0.05, maximize: true, weightDecay: 0.02 }],
];

for (const [Opt, decoupled, defaults] of [
  [Adam, false, ADAM],
  [AdamW, true, { ...ADAM, weightDecay: 1e-2 }],
] as const) {
  describe(`${Opt.name} against PyTorch's formulas`, () => {
    for (const [name, options] of cases) {
      const o = { ...defaults, ...options };
      it(`${name}: five steps match exactly (float64)`, () => {
        const p = param(THETA0);
        const opt = new Opt([p], options);
        const expected = adamReference(THETA0, GRADS, o, decoupled);
        GRADS.forEach((g, k) => {
          setGrad(p, g);
          opt.step();
          expect(values(p), `step ${k + 1}`).toEqual(expected[k]);
        });
        expect(opt.stateOf(p)?.step).toBe(GRADS.length);
      });

      it(`${name}: five steps match to float32 precision`, () => {
        const p = param(THETA0, 'float32');
        const opt = new Opt([p], options);
        const expected = adamReference(THETA0, GRADS, o, decoupled);
        GRADS.forEach((g, k) => {
          setGrad(p, g);
          opt.step();
          values(p).forEach((x, i) => {
            expect(x).toBeCloseTo(expected[k][i], 5);
          });
        });
      });
    }

    it('uses PyTorch defaults', () => {
      const opt = new Opt([param([1])]);
      expect(opt.defaults).toEqual(defaults);
      expect(opt.paramGroups[0]).toMatchObject(defaults);
    });

    it('keeps step, expAvg, expAvgSq (and maxExpAvgSq with amsgrad) shaped like the parameter', () => {
      const p = param(
        [
          [1, 2],
          [3, 4],
        ],
        'float32',
      );
      const opt = new Opt([p], { amsgrad: true });
      setGrad(p, [
        [1, -1],
        [2, 0],
      ]);
      opt.step();
      const s = opt.stateOf(p)!;
      expect(s.step).toBe(1);
      for (const t of [s.expAvg, s.expAvgSq, s.maxExpAvgSq!]) {
        expect(t.shape).toEqual([2, 2]);
        expect(t.dtype).toBe('float32');
      }
      expect(values(s.expAvg)).toEqual([0.1, -0.1, 0.2, 0].map(Math.fround));
    });
  });
}

it('the amsgrad case exercises v̂ ≠ v (the reference differs without amsgrad)', () => {
  const o = { ...ADAM, lr: 0.05 };
  expect(adamReference(THETA0, GRADS, { ...o, amsgrad: true }, false)[4]).not.toEqual(
    adamReference(THETA0, GRADS, o, false)[4],
  );
});

describe('AdamW is not Adam with L2', () => {
  it('differs from Adam with the same weightDecay when the weight is large and its gradient small', () => {
    // Adam folds λθ into g and then divides by √v, so a big weight with a tiny gradient takes a
    // full-size step toward 0; AdamW shrinks it by (1 − ηλ) only.
    const theta0 = [5, 0.01];
    const grads = [
      [1e-4, 1],
      [1e-4, 1],
      [1e-4, 1],
    ];
    const o: AdamOptions = { ...ADAM, lr: 0.1, weightDecay: 0.1 };
    const a = param(theta0);
    const w = param(theta0);
    const adam = new Adam([a], o);
    const adamw = new AdamW([w], o);
    grads.forEach((g) => {
      setGrad(a, g);
      setGrad(w, g);
      adam.step();
      adamw.step();
    });
    expect(values(a)).toEqual(adamReference(theta0, grads, o, false)[2]);
    expect(values(w)).toEqual(adamReference(theta0, grads, o, true)[2]);
    // Adam: g ≈ λθ = 0.5 dominates, ~3 steps of size η: 5 − 0.3 = 4.7. AdamW: 5·(1 − 0.01)³ − tiny.
    expect(values(a)[0]).toBeCloseTo(4.7, 2);
    expect(values(w)[0]).toBeCloseTo(5 * 0.99 ** 3 - 0.3, 2);
    expect(Math.abs(values(a)[0] - values(w)[0])).toBeGreaterThan(0.1);
  });

  it('equals Adam exactly when weightDecay is 0', () => {
    const a = param(THETA0);
    const w = param(THETA0);
    const adam = new Adam([a], { lr: 0.01 });
    const adamw = new AdamW([w], { lr: 0.01, weightDecay: 0 });
    for (const g of GRADS) {
      setGrad(a, g);
      setGrad(w, g);
      adam.step();
      adamw.step();
      expect(values(w)).toEqual(values(a));
    }
  });
});
