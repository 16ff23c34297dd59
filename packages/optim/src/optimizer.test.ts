import { noGrad } from '@dendrite/autograd';
import { liveStorageCount, tensor, tidy, ValueError } from '@dendrite/tensor';
import { describe, expect, it } from 'vitest';
import { Adam, AdamW } from './adam.js';
import { decayGroups } from './groups.js';
import { SGD } from './sgd.js';
import { param, setGrad, values } from './test-utils.js';

describe('parameter groups', () => {
  it('apply each group its own lr and weightDecay, the rest from the defaults', () => {
    const a = param([1, 2]);
    const b = param([3]);
    const opt = new SGD(
      [
        { params: [a], lr: 0.5, weightDecay: 0.1 },
        { params: [b] }, // defaults: lr 0.1, no decay
      ],
      { lr: 0.1, momentum: 0 },
    );
    expect(opt.paramGroups.map((g) => [g.lr, g.weightDecay])).toEqual([
      [0.5, 0.1],
      [0.1, 0],
    ]);
    setGrad(a, [1, 1]);
    setGrad(b, [1]);
    opt.step();
    expect(values(a)).toEqual([1 - 0.5 * (1 + 0.1 * 1), 2 - 0.5 * (1 + 0.1 * 2)]);
    expect(values(b)).toEqual([3 - 0.1 * 1]);
  });

  it('take option changes between steps (paramGroups[i].lr = …)', () => {
    const p = param([1]);
    const opt = new SGD([p], { lr: 0.1 });
    setGrad(p, [1]);
    opt.step();
    opt.paramGroups[0].lr = 0.25;
    opt.step();
    expect(values(p)).toEqual([1 - 0.1 - 0.25]);
  });

  it('addParamGroup adds parameters with their own options', () => {
    const a = param([1]);
    const b = param([1]);
    const opt = new Adam([a], { lr: 0.1 });
    opt.addParamGroup({ params: [b], lr: 0.01 });
    expect(opt.parameters()).toEqual([a, b]);
    expect(opt.paramGroups[1]).toMatchObject({ lr: 0.01, betas: [0.9, 0.999] });
    expect(() => opt.addParamGroup({ params: [a] })).toThrow(ValueError);
  });

  it('decayGroups decays only weights with ≥ 2 dims (nanoGPT), in one line', () => {
    const weight = param([
      [1, 2],
      [3, 4],
    ]);
    const bias = param([1, 1]);
    const groups = decayGroups([weight, bias], 0.1);
    expect(groups).toEqual([
      { params: [weight], weightDecay: 0.1 },
      { params: [bias], weightDecay: 0 },
    ]);
    const opt = new AdamW(groups, { lr: 0.1 });
    expect(opt.paramGroups.map((g) => g.weightDecay)).toEqual([0.1, 0]);
    // No gradient signal: only the decay moves the weight, and the bias does not move.
    setGrad(weight, [
      [0, 0],
      [0, 0],
    ]);
    setGrad(bias, [0, 0]);
    opt.step();
    expect(values(weight)).toEqual([1, 2, 3, 4].map((x) => x * (1 - 0.1 * 0.1)));
    expect(values(bias)).toEqual([1, 1]);
    expect(decayGroups([weight, bias], 0.1, { minDims: 1 })[0].params).toEqual([weight, bias]);
  });
});

describe('step and zeroGrad', () => {
  it('skip parameters whose .grad is null (no update, no state)', () => {
    const a = param([1]);
    const b = param([1]);
    const opt = new Adam([a, b], { lr: 0.1 });
    setGrad(a, [1]);
    opt.step();
    expect(values(b)).toEqual([1]);
    expect(opt.stateOf(b)).toBeUndefined();
    expect(opt.stateOf(a)?.step).toBe(1);
  });

  it('zeroGrad sets every .grad to null (PyTorch set_to_none) and frees it', () => {
    const a = param([1, 2]);
    const b = param([3]);
    const opt = new SGD([a, b], { lr: 0.1 });
    a.mul(b).sum().backward();
    const g = a.grad!;
    expect(values(g)).toEqual([3, 3]);
    opt.zeroGrad();
    expect(a.grad).toBeNull();
    expect(b.grad).toBeNull();
    expect(g.isDisposed).toBe(true);
  });

  it('zeroGrad(false) keeps the grad tensors and fills them with zeros', () => {
    const a = param([1, 2]);
    const opt = new SGD([a], { lr: 0.1 });
    a.sum().backward();
    const g = a.grad!;
    opt.zeroGrad(false);
    expect(a.grad).toBe(g);
    expect(values(g)).toEqual([0, 0]);
    a.mul(2).sum().backward(); // accumulates into the zeroed grad
    expect(values(a.grad!)).toEqual([2, 2]);
  });

  it('without zeroGrad, backward accumulates and the step uses the sum', () => {
    const w = param([1]);
    const opt = new SGD([w], { lr: 0.1 });
    w.mul(2).sum().backward();
    w.mul(3).sum().backward();
    opt.step();
    expect(values(w)).toEqual([1 - 0.1 * 5]);
  });

  it('keeps parameter identity and requiresGrad, and records no graph', () => {
    const w = param([1, 2]);
    const opt = new Adam([w], { lr: 0.1 });
    w.square().sum().backward();
    opt.step();
    expect(w.requiresGrad).toBe(true);
    expect(w.isLeaf).toBe(true);
    expect(opt.paramGroups[0].params[0]).toBe(w);
    opt.zeroGrad();
    w.square().sum().backward(); // the updated parameter still trains
    expect(w.grad).not.toBeNull();
  });

  it('step(closure) evaluates the closure with grad enabled and returns its loss', () => {
    const w = param([2]);
    const opt = new SGD([w], { lr: 0.1 });
    const loss = noGrad(() =>
      opt.step(() => {
        opt.zeroGrad();
        const l = w.square().sum(); // dl/dw = 2w = 4
        l.backward();
        return l;
      }),
    );
    expect(loss?.itemSync()).toBe(4);
    expect(values(w)).toEqual([2 - 0.1 * 4]);
  });

  it('state survives a step called inside a user tidy', () => {
    const w = param([1, 2]);
    const opt = new Adam([w], { lr: 0.1 });
    tidy(() => {
      w.square().sum().backward();
      opt.step();
    });
    const s = opt.stateOf(w)!;
    expect(s.expAvg.isDisposed).toBe(false);
    expect(w.isDisposed).toBe(false);
    expect(values(s.expAvg)).toEqual([(1 - 0.9) * 2, (1 - 0.9) * 4]); // m = (1 − β₁)g, g = 2w
  });

  for (const [name, make] of [
    [
      'SGD + momentum + nesterov + weight decay',
      (p: ReturnType<typeof param>[]) =>
        new SGD(p, { lr: 0.01, momentum: 0.9, nesterov: true, weightDecay: 0.1 }),
    ],
    ['Adam + amsgrad', (p: ReturnType<typeof param>[]) => new Adam(p, { amsgrad: true, weightDecay: 0.1 })],
    ['AdamW', (p: ReturnType<typeof param>[]) => new AdamW(p)],
  ] as const) {
    it(`${name}: device memory stays flat over many steps`, () => {
      const w = param([
        [0.1, 0.2],
        [0.3, 0.4],
      ]);
      const b = param([0.5, -0.5]);
      const x = tensor(
        [
          [1, 2],
          [3, 4],
        ],
        { dtype: 'float64' },
      );
      const opt = make([w, b]);
      const iteration = () =>
        tidy(() => {
          opt.zeroGrad();
          x.matmul(w).add(b).tanh().square().mean().backward();
          opt.step();
        });
      iteration(); // the first step creates the state
      const before = liveStorageCount();
      for (let i = 0; i < 50; i++) iteration();
      expect(liveStorageCount()).toBe(before);
      opt.dispose();
      expect(liveStorageCount()).toBeLessThan(before);
    });
  }
});

describe('bad options are rejected with a ValueError naming the option', () => {
  const p = () => param([1]);
  const cases: Array<[string, () => unknown, RegExp]> = [
    ['negative lr (SGD)', () => new SGD([p()], { lr: -0.1 }), /SGD: lr/],
    ['negative lr (Adam)', () => new Adam([p()], { lr: -1 }), /Adam: lr/],
    ['NaN lr', () => new AdamW([p()], { lr: Number.NaN }), /AdamW: lr/],
    ['beta1 = 1', () => new Adam([p()], { betas: [1, 0.999] }), /betas\[0\]/],
    ['beta2 < 0', () => new AdamW([p()], { betas: [0.9, -0.1] }), /betas\[1\]/],
    ['betas not a pair', () => new Adam([p()], { betas: [0.9] as unknown as [number, number] }), /betas/],
    ['eps = 0', () => new Adam([p()], { eps: 0 }), /eps/],
    ['eps < 0', () => new AdamW([p()], { eps: -1e-8 }), /eps/],
    ['negative weightDecay', () => new AdamW([p()], { weightDecay: -0.1 }), /weightDecay/],
    ['negative momentum', () => new SGD([p()], { momentum: -0.5 }), /momentum/],
    ['negative dampening', () => new SGD([p()], { momentum: 0.9, dampening: -1 }), /dampening/],
    ['nesterov without momentum', () => new SGD([p()], { nesterov: true }), /nesterov/],
    [
      'nesterov with dampening',
      () => new SGD([p()], { nesterov: true, momentum: 0.9, dampening: 0.1 }),
      /nesterov/,
    ],
    ['non-boolean amsgrad', () => new Adam([p()], { amsgrad: 1 as unknown as boolean }), /amsgrad/],
    ['unknown option', () => new SGD([p()], { learningRate: 0.1 } as never), /learningRate/],
    ['bad option in a group', () => new SGD([{ params: [p()], lr: -1 }], { lr: 0.1 }), /lr.*param group 0/],
    [
      'a parameter that does not require grad',
      () => new SGD([tensor([1])], { lr: 0.1 }),
      /does not require grad/,
    ],
    ['a non-leaf tensor', () => new SGD([p().mul(2)], { lr: 0.1 }), /leaf/],
    ['not a tensor', () => new SGD([[1, 2]] as never, { lr: 0.1 }), /not a Tensor/],
    ['a single tensor instead of a list', () => new SGD(p() as never, { lr: 0.1 }), /iterable/],
    ['an empty parameter list', () => new Adam([]), /empty parameter list/],
    [
      'the same parameter twice in a group',
      () => {
        const w = p();
        return new SGD([w, w], { lr: 0.1 });
      },
      /more than once/,
    ],
    [
      'the same parameter in two groups',
      () => {
        const w = p();
        return new Adam([{ params: [w] }, { params: [p(), w] }]);
      },
      /parameter 1 of param group 1 appears more than once/,
    ],
  ];
  for (const [name, make, message] of cases) {
    it(name, () => {
      expect(make).toThrow(ValueError);
      expect(make).toThrow(message);
    });
  }

  it('a valid edge: lr 0 and momentum 0 are allowed', () => {
    expect(() => new SGD([p()], { lr: 0, momentum: 0 })).not.toThrow();
  });
});
