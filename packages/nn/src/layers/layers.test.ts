import { gradcheck } from '@dendrite/autograd';
import { Generator, manualSeed, ones, randn, tensor } from '@dendrite/tensor';
import { describe, expect, it } from 'vitest';
import { ModuleDict, ModuleList, Sequential } from '../containers.js';
import { functional as F } from '../index.js';
import { GELU, LogSoftmax, ReLU, Sigmoid, Softmax, Softplus, Tanh } from './activations.js';
import { Dropout } from './dropout.js';
import { Embedding } from './embedding.js';
import { FeedForward } from './feed-forward.js';
import { LayerNorm, layerNorm } from './layernorm.js';
import { Linear, linear } from './linear.js';
import { MLP } from './mlp.js';

const f64 = { dtype: 'float64' as const };
const close = (a: unknown, b: number[][] | number[], digits = 5) => {
  const flat = (v: unknown): number[] => (Array.isArray(v) ? v.flatMap(flat) : [v as number]);
  const x = flat(a);
  const y = flat(b);
  expect(x.length).toBe(y.length);
  x.forEach((v, i) => expect(v).toBeCloseTo(y[i], digits));
};

describe('Linear', () => {
  it('computes y = x·Wᵀ + b', () => {
    const fc = new Linear(2, 3);
    fc.weight.assign(
      tensor([
        [1, 2],
        [3, 4],
        [5, 6],
      ]),
    );
    fc.bias!.assign(tensor([0.5, -0.5, 1]));
    close(fc.forward(tensor([[1, -1]])).toArraySync(), [[-0.5, -1.5, 0]]);
    // leading dims are folded
    expect(fc.forward(ones([2, 4, 2])).shape).toEqual([2, 4, 3]);
  });

  it('initialises within ±1/√in, reproducibly from a generator', () => {
    const a = new Linear(16, 8, { generator: new Generator(3) });
    const b = new Linear(16, 8, { generator: new Generator(3) });
    expect(a.weight.toArraySync()).toEqual(b.weight.toArraySync());
    const w = a.weight.dataSync();
    expect(Math.max(...w.map(Math.abs))).toBeLessThanOrEqual(0.25);
    expect(new Linear(4, 2, { bias: false }).bias).toBeNull();
  });

  it('passes gradcheck for input, weight and bias', () => {
    const g = new Generator(1);
    const inputs = [
      randn([2, 3, 4], { ...f64, generator: g }),
      randn([5, 4], { ...f64, generator: g }),
      randn([5], { ...f64, generator: g }),
    ];
    const r = gradcheck((x, w, b) => linear(x, w, b), inputs);
    expect(r.ok, r.report).toBe(true);
  });

  it('names the mismatch in a bad input', () => {
    expect(() => new Linear(3, 2).forward(ones([2, 4]))).toThrow(/must end in 3 features/);
    expect(() => new Linear(0, 2)).toThrow(/inFeatures must be a positive integer/);
  });
});

describe('Embedding', () => {
  it('looks up rows by int32 id and rejects out-of-range ids', () => {
    const e = new Embedding(4, 2);
    e.weight.assign(
      tensor([
        [0, 1],
        [2, 3],
        [4, 5],
        [6, 7],
      ]),
    );
    expect(
      e
        .forward(
          tensor(
            [
              [3, 0],
              [1, 1],
            ],
            { dtype: 'int32' },
          ),
        )
        .toArraySync(),
    ).toEqual([
      [
        [6, 7],
        [0, 1],
      ],
      [
        [2, 3],
        [2, 3],
      ],
    ]);
    expect(() => e.forward(tensor([4], { dtype: 'int32' }))).toThrow(/Embedding: an id is outside \[0, 4\)/);
    expect(() => e.forward(tensor([1]))).toThrow(/ids must be int32/);
  });

  it('accumulates gradients into repeated rows', () => {
    const e = new Embedding(3, 2);
    e.forward(tensor([0, 2, 2], { dtype: 'int32' }))
      .sum()
      .backward();
    expect(e.weight.grad!.toArraySync()).toEqual([
      [1, 1],
      [0, 0],
      [2, 2],
    ]);
  });
});

describe('LayerNorm', () => {
  it('normalises the last dim to mean 0, variance 1 (hand-computed)', () => {
    const ln = new LayerNorm(4, { eps: 0 });
    // x = (1, 2, 3, 4): mean 2.5, var 1.25
    const s = Math.sqrt(1.25);
    close(ln.forward(tensor([[1, 2, 3, 4]])).toArraySync(), [[-1.5 / s, -0.5 / s, 0.5 / s, 1.5 / s]]);
  });

  it('applies weight and bias; passes gradcheck', () => {
    const g = new Generator(2);
    const inputs = [
      randn([2, 3, 5], { ...f64, generator: g }),
      randn([5], { ...f64, generator: g }),
      randn([5], { ...f64, generator: g }),
    ];
    const r = gradcheck((x, w, b) => layerNorm(x, [5], w, b, 1e-5), inputs);
    expect(r.ok, r.report).toBe(true);
    const r2 = gradcheck((x) => layerNorm(x, [3, 5], null, null), [inputs[0]]);
    expect(r2.ok, r2.report).toBe(true);
  });

  it('can drop the bias', () => {
    expect(new LayerNorm(8, { bias: false }).bias).toBeNull();
    expect(() => new LayerNorm(3).forward(ones([2, 4]))).toThrow(/must end in \[3\]/);
  });
});

describe('Dropout', () => {
  it('is seeded, keeps the expectation, and is off in eval mode', () => {
    const x = ones([1000]);
    const a = new Dropout(0.25, { generator: new Generator(9) }).forward(x).dataSync();
    const b = new Dropout(0.25, { generator: new Generator(9) }).forward(x).dataSync();
    expect(Array.from(a)).toEqual(Array.from(b));
    const kept = a.filter((v) => v !== 0);
    expect(kept.every((v) => Math.abs(v - 1 / 0.75) < 1e-6)).toBe(true);
    expect(kept.length).toBeGreaterThan(680);
    expect(kept.length).toBeLessThan(820);
    const d = new Dropout(0.5).eval();
    expect(d.forward(x)).toBe(x);
    expect(() => new Dropout(1)).toThrow(/p must be in \[0, 1\)/);
  });
});

describe('activations and containers', () => {
  it('activation modules match their functions', () => {
    const x = tensor([[-1, 0.5, 2]]);
    expect(new ReLU().forward(x).toArraySync()).toEqual([[0, 0.5, 2]]);
    close(new Sigmoid().forward(x).toArraySync(), [
      [1 / (1 + Math.E), 1 / (1 + Math.exp(-0.5)), 1 / (1 + Math.exp(-2))],
    ]);
    close(new Tanh().forward(x).toArraySync(), [[Math.tanh(-1), Math.tanh(0.5), Math.tanh(2)]]);
    close(new GELU().forward(tensor([1])).toArraySync(), [0.8413447]);
    close(new GELU({ approximate: 'tanh' }).forward(tensor([1])).toArraySync(), [0.841192]);
    const sm = Array.from(new Softmax().forward(x).dataSync());
    expect(sm.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
    close(new LogSoftmax().forward(x).exp().toArraySync(), [Array.from(sm)]);
    // ln(1 + eˣ); with β 2, ln(1 + e^(2x))/2; past the threshold x itself
    close(new Softplus().forward(x).toArraySync(), [
      [Math.log1p(Math.exp(-1)), Math.log1p(Math.exp(0.5)), Math.log1p(Math.exp(2))],
    ]);
    close(new Softplus({ beta: 2, threshold: 3 }).forward(x).toArraySync(), [
      [Math.log1p(Math.exp(-2)) / 2, Math.log1p(Math.exp(1)) / 2, 2],
    ]);
    expect(new Softplus({ beta: 2 }).toString()).toBe('Softplus(beta=2, threshold=20)');
    expect(F.softplus(x, { beta: 2, threshold: 3 }).toArraySync()).toEqual(
      new Softplus({ beta: 2, threshold: 3 }).forward(x).toArraySync(),
    );
    expect(() => new Softplus({ beta: 0 })).toThrow(
      /Softplus: beta must be a finite number other than 0, got 0/,
    );
    expect(() => new Softplus({ threshold: Number.NaN })).toThrow(/Softplus: threshold must be a number/);
  });

  it('Sequential chains modules; ModuleList and ModuleDict register children', () => {
    manualSeed(0);
    const net = new Sequential(new Linear(2, 3), new ReLU(), new Linear(3, 1));
    expect(net.forward(ones([4, 2])).shape).toEqual([4, 1]);
    expect([...net.namedParameters()].map(([n]) => n)).toEqual(['0.weight', '0.bias', '2.weight', '2.bias']);
    const list = new ModuleList([new ReLU()]);
    expect(list.length).toBe(1);
    expect(() => list.at(3)).toThrow(/index 3 is out of range/);
    const dict = new ModuleDict({ a: new Linear(1, 1) });
    expect(dict.keys()).toEqual(['a']);
    expect([...dict.namedParameters()].map(([n]) => n)).toEqual(['a.weight', 'a.bias']);
    expect(() => dict.get('b')).toThrow(/no module named 'b'/);
  });

  it('FeedForward (the transformer block’s MLP) expands 4× with GELU and projects back', () => {
    const ff = new FeedForward(8);
    expect(ff.c_fc.weight.shape).toEqual([32, 8]);
    expect(ff.c_proj.weight.shape).toEqual([8, 32]);
    const x = randn([2, 5, 8]);
    const expected = linear(linear(x, ff.c_fc.weight, ff.c_fc.bias).gelu(), ff.c_proj.weight, ff.c_proj.bias);
    close(ff.forward(x).toArraySync(), (expected.toArraySync() as number[][][]).flat() as number[][]);
    expect(() => new FeedForward(0)).toThrow(/FeedForward: nEmbd must be a positive integer, got 0/);
  });

  it('MLP stacks Linear layers with an activation between them, laid out as torchvision’s ops.MLP', () => {
    const mlp = new MLP(2, [16, 16, 3], { generator: new Generator(0) });
    expect([...mlp.namedParameters()].map(([n, p]) => `${n} ${p.shape.join('×')}`)).toEqual([
      '0.weight 16×2',
      '0.bias 16',
      '3.weight 16×16',
      '3.bias 16',
      '6.weight 3×16',
      '6.bias 3',
    ]);
    expect([...mlp].map((m) => m.constructor.name)).toEqual([
      'Linear',
      'ReLU',
      'Dropout',
      'Linear',
      'ReLU',
      'Dropout',
      'Linear',
      'Dropout',
    ]);
    const x = randn([4, 2]);
    const [l0, , , l3, , , l6] = [...mlp] as Linear[];
    const expected = linear(
      linear(linear(x, l0.weight, l0.bias).relu(), l3.weight, l3.bias).relu(),
      l6.weight,
      l6.bias,
    );
    close(mlp.forward(x).toArraySync(), expected.toArraySync() as number[][]);
    expect(mlp.toString()).toMatch(/^MLP\(\n {2}2 → 16 → 16 → 3\n/);
  });

  it('MLP takes the activation, bias and dropout; a single width is one Linear', () => {
    const gelu = new MLP(3, [5, 2], { activation: () => new GELU(), bias: false, dropout: 0.1 });
    expect([...gelu].map((m) => m.constructor.name)).toEqual([
      'Linear',
      'GELU',
      'Dropout',
      'Linear',
      'Dropout',
    ]);
    expect(gelu.parameters().length).toBe(2);
    expect((gelu.at(2) as Dropout).p).toBe(0.1);
    expect(new MLP(3, [1]).forward(randn([2, 3])).shape).toEqual([2, 1]);
    expect(() => new MLP(3, [])).toThrow(/MLP: hiddenFeatures must be a non-empty array/);
    expect(() => new MLP(3, [4, 0])).toThrow(/MLP: hiddenFeatures\[1\] must be a positive integer, got 0/);
    expect(() => new MLP(3, [4], { dropout: 1 })).toThrow(/MLP: dropout must be in \[0, 1\), got 1/);
  });
});
