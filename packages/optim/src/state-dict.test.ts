import { type DType, type Tensor, tensor, ValueError } from '@dendrite/tensor';
import { describe, expect, it } from 'vitest';
import { Adam, AdamW } from './adam.js';
import type { Optimizer } from './optimizer.js';
import { SGD } from './sgd.js';
import {
  type OptimizerStateJSON,
  optimizerStateFromJSON,
  optimizerStateToJSON,
  optimizerStateToJSONSync,
} from './state-dict.js';
import { param, setGrad, values } from './test-utils.js';

/** Deterministic gradients for step k of parameter i. */
function gradFor(p: Tensor, k: number, i: number): number[] {
  return Array.from({ length: p.size }, (_, j) => Math.sin(1 + 3.7 * k + 1.3 * j + 0.7 * i) * (1 + (j % 3)));
}

function makeParams(dtype: DType): Tensor[] {
  return [
    param([0.3, -0.7, 1.1], dtype),
    param(
      [
        [0.5, 0.25],
        [-1, 2],
      ],
      dtype,
    ),
  ];
}

/** Copies of the parameters' current values, as new trainable parameters. */
function copyParams(ps: Tensor[]): Tensor[] {
  return ps.map((p) => tensor(p.toArraySync(), { dtype: p.dtype }).requiresGrad_());
}

function train(opt: Optimizer, params: Tensor[], from: number, to: number): void {
  for (let k = from; k < to; k++) {
    params.forEach((p, i) => {
      setGrad(p, gradFor(p, k, i));
    });
    opt.step();
  }
}

type Make = (params: Tensor[] | Array<{ params: Tensor[]; lr?: number }>) => Optimizer;
const optimizers: Array<[string, Make]> = [
  [
    'SGD (momentum, nesterov, weight decay)',
    (p) => new SGD(p, { lr: 0.05, momentum: 0.9, nesterov: true, weightDecay: 0.01 }),
  ],
  ['Adam (amsgrad)', (p) => new Adam(p, { lr: 0.01, amsgrad: true, weightDecay: 0.01 })],
  ['AdamW', (p) => new AdamW(p, { lr: 0.01 })],
];

describe('stateDict / loadStateDict: training resumes exactly', () => {
  for (const [name, make] of optimizers) {
    for (const dtype of ['float64', 'float32'] as DType[]) {
      for (const viaJSON of [false, true]) {
        it(`${name}, ${dtype}, ${viaJSON ? 'through JSON.stringify' : 'as tensors'}: bit-identical later steps`, async () => {
          const a = makeParams(dtype);
          const optA = make([{ params: [a[0]] }, { params: [a[1]], lr: 0.02 }]);
          train(optA, a, 0, 3);

          // Checkpoint mid-training: parameters and optimizer state.
          const b = copyParams(a);
          const sd = optA.stateDict();
          const saved = viaJSON ? JSON.parse(JSON.stringify(await optimizerStateToJSON(sd))) : sd;
          const optB = make([{ params: [b[0]] }, { params: [b[1]] }]); // lr differs until loaded
          optB.loadStateDict(saved);
          expect(optB.paramGroups.map((g) => g.lr)).toEqual(optA.paramGroups.map((g) => g.lr));

          train(optA, a, 3, 7);
          train(optB, b, 3, 7);
          a.forEach((p, i) => {
            expect(values(b[i])).toEqual(values(p)); // bit-identical
            expect(b[i].dtype).toBe(dtype);
          });
        });
      }
    }
  }

  it('has PyTorch’s layout: state by parameter index, groups with options and param indices', () => {
    const [w, v] = makeParams('float64');
    const opt = new Adam([{ params: [w] }, { params: [v], lr: 0.5 }], { lr: 0.1 });
    setGrad(v, [
      [1, 1],
      [1, 1],
    ]);
    opt.step();
    const sd = opt.stateDict();
    expect(Object.keys(sd.state)).toEqual(['1']); // only v has had a gradient
    expect(sd.state[1].step).toBe(1);
    expect((sd.state[1].expAvg as Tensor).shape).toEqual([2, 2]);
    expect(sd.paramGroups).toEqual([
      {
        lr: 0.1,
        betas: [0.9, 0.999],
        eps: 1e-8,
        weightDecay: 0,
        amsgrad: false,
        maximize: false,
        params: [0],
      },
      {
        lr: 0.5,
        betas: [0.9, 0.999],
        eps: 1e-8,
        weightDecay: 0,
        amsgrad: false,
        maximize: false,
        params: [1],
      },
    ]);
    const json = optimizerStateToJSONSync(sd);
    expect(json.state[1].expAvg).toEqual({
      shape: [2, 2],
      dtype: 'float64',
      data: [0.09999999999999998, 0.09999999999999998, 0.09999999999999998, 0.09999999999999998],
    });
  });

  it('returns copies: later steps do not change a state dict already taken', () => {
    const [w] = makeParams('float64');
    const opt = new SGD([w], { lr: 0.1, momentum: 0.9 });
    setGrad(w, [1, 2, 3]);
    opt.step();
    const sd = opt.stateDict();
    const buf = sd.state[0].momentumBuffer as Tensor;
    opt.step();
    expect(values(buf)).toEqual([1, 2, 3]);
    expect(values(opt.stateOf(w)!.momentumBuffer)).toEqual([1, 2, 3].map((g) => 0.9 * g + g)); // b ← μb + g
    buf.dispose(); // the caller owns it; the optimizer's state is unaffected
    opt.step();
  });

  it('optimizerStateFromJSON gives back tensors, and loading copies them (the source may be disposed)', () => {
    const [w] = makeParams('float32');
    const opt = new AdamW([w]);
    setGrad(w, [1, 2, 3]);
    opt.step();
    const json = optimizerStateToJSONSync(opt.stateDict());
    const sd = optimizerStateFromJSON(json);
    const expAvg = sd.state[0].expAvg as Tensor;
    expect(expAvg.dtype).toBe('float32');
    expect(values(expAvg)).toEqual((json.state[0].expAvg as { data: number[] }).data);
    const [w2] = makeParams('float32');
    const opt2 = new AdamW([w2]);
    opt2.loadStateDict(sd);
    expAvg.dispose();
    expect(values(opt2.stateOf(w2)!.expAvg)).toEqual(values(opt.stateOf(w)!.expAvg));
    expect(opt2.stateOf(w2)!.expAvg).not.toBe(expAvg);
  });

  it('a float64 state loads into float32 parameters (cast, as PyTorch)', () => {
    const [w64] = makeParams('float64');
    const opt64 = new SGD([w64], { lr: 0.1, momentum: 0.9 });
    setGrad(w64, [0.1, 0.2, 0.3]);
    opt64.step();
    const [w32] = makeParams('float32');
    const opt32 = new SGD([w32], { lr: 0.1, momentum: 0.9 });
    opt32.loadStateDict(opt64.stateDict());
    const buf = opt32.stateOf(w32)!.momentumBuffer;
    expect(buf.dtype).toBe('float32');
    expect(values(buf)).toEqual([0.1, 0.2, 0.3].map(Math.fround));
  });
});

describe('loadStateDict rejects a state dict that does not fit, and changes nothing', () => {
  function trained(): { opt: Adam; params: Tensor[]; json: OptimizerStateJSON } {
    const params = makeParams('float64');
    const opt = new Adam(params, { lr: 0.1 });
    train(opt, params, 0, 2);
    return { opt, params, json: optimizerStateToJSONSync(opt.stateDict()) };
  }

  const cases: Array<[string, (json: OptimizerStateJSON) => unknown, (params: Tensor[]) => Adam, RegExp]> = [
    [
      'a different number of parameters',
      (j) => j,
      (p) => new Adam([p[0]]),
      /has 2 parameters in the state dict, 1 in the optimizer/,
    ],
    [
      'a different number of groups',
      (j) => j,
      (p) => new Adam([{ params: [p[0]] }, { params: [p[1]] }]),
      /2 parameter groups|1 parameter groups/,
    ],
    [
      'different shapes',
      (j) => j,
      () => new Adam([param([1, 2, 3]), param([1, 2, 3, 4])]),
      /shape \[2, ?2\].*\[4\]/,
    ],
    [
      'an unknown state key',
      (j) => ({ ...j, state: { ...j.state, 0: { ...j.state[0], velocity: 1 } } }),
      (p) => new Adam(copyParams(p)),
      /unknown state 'velocity'/,
    ],
    [
      'a missing state key',
      (j) => ({ ...j, state: { 0: { step: 2, expAvg: j.state[0].expAvg } } }),
      (p) => new Adam(copyParams(p)),
      /lacks 'expAvgSq'/,
    ],
    [
      'a bad option',
      (j) => ({ ...j, paramGroups: [{ ...j.paramGroups[0], lr: -1 }] }),
      (p) => new Adam(copyParams(p)),
      /lr must be/,
    ],
    [
      'an unknown option',
      (j) => ({ ...j, paramGroups: [{ ...j.paramGroups[0], momentum: 0.9 }] }),
      (p) => new Adam(copyParams(p)),
      /unknown option 'momentum'/,
    ],
    [
      'state for an index no group lists',
      (j) => ({ ...j, state: { ...j.state, 7: j.state[0] } }),
      (p) => new Adam(copyParams(p)),
      /parameter 7/,
    ],
    [
      'wrong data length',
      (j) => ({ ...j, state: { 0: { ...j.state[0], expAvg: { shape: [3], dtype: 'float64', data: [1] } } } }),
      (p) => new Adam(copyParams(p)),
      /needs 3 values/,
    ],
    ['not a state dict', () => ({ nope: true }), (p) => new Adam(copyParams(p)), /state.*paramGroups/],
  ];
  for (const [name, edit, make, message] of cases) {
    it(name, () => {
      const { params, json } = trained();
      const target = make(params);
      // Give the target some state of its own, to check it is left intact.
      for (const p of target.parameters()) setGrad(p, new Array(p.size).fill(1));
      target.step();
      const before = optimizerStateToJSONSync(target.stateDict());
      const load = () => target.loadStateDict(edit(json) as OptimizerStateJSON);
      expect(load).toThrow(ValueError);
      expect(load).toThrow(message);
      expect(optimizerStateToJSONSync(target.stateDict())).toEqual(before);
    });
  }
});
