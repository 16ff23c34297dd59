import { gradcheck } from '@dendrite/autograd';
import {
  type Backend,
  cpuBackend,
  DTypeError,
  Generator,
  gather,
  IndexError,
  randn,
  ShapeError,
  setOpHook,
  tensor,
} from '@dendrite/tensor';
import { composeBackend, primitivesOf } from '@dendrite/tensor/backend';
import { describe, expect, it } from 'vitest';
import { binaryCrossEntropy, binaryCrossEntropyWithLogits, crossEntropy, mse, nllLoss } from './losses.js';

const f64 = { dtype: 'float64' as const };
const ids = (v: number[]) => tensor(v, { dtype: 'int32' });

describe('crossEntropy', () => {
  const logits = tensor(
    [
      [2, 1, 0.1],
      [0.5, 2.5, -1],
      [1, 1, 1],
    ],
    f64,
  );
  const targets = ids([0, 1, 2]);

  it('equals −mean(log softmax picked at the targets)', () => {
    const logp = logits.logSoftmax(-1);
    const want = -gather(logp, 1, targets.unsqueeze(1)).sum().itemSync() / 3;
    expect(crossEntropy(logits, targets).itemSync()).toBeCloseTo(want, 12);
    // by hand for the first row: −log(e² / (e² + e + e^0.1))
    const row0 = -Math.log(Math.exp(2) / (Math.exp(2) + Math.exp(1) + Math.exp(0.1)));
    expect(crossEntropy(logits, targets, { reduction: 'none' }).toArraySync()).toHaveLength(3);
    expect((crossEntropy(logits, targets, { reduction: 'none' }).toArraySync() as number[])[0]).toBeCloseTo(
      row0,
      12,
    );
    expect(crossEntropy(logits, targets, { reduction: 'sum' }).itemSync()).toBeCloseTo(3 * want, 12);
  });

  it('is stable for huge logits', () => {
    const big = tensor(
      [
        [1000, 0],
        [0, -1000],
      ],
      f64,
    );
    expect(crossEntropy(big, ids([0, 1])).itemSync()).toBeCloseTo(500, 9);
  });

  it('leaves ignoreIndex targets out of the loss and the mean', () => {
    const full = crossEntropy(logits, targets, { reduction: 'none' }).toArraySync() as number[];
    const masked = crossEntropy(logits, ids([0, -100, 2])).itemSync();
    expect(masked).toBeCloseTo((full[0] + full[2]) / 2, 12);
    expect(crossEntropy(logits, ids([0, 7, 2]), { ignoreIndex: 7 }).itemSync()).toBeCloseTo(
      (full[0] + full[2]) / 2,
      12,
    );
  });

  it('label smoothing mixes in the uniform distribution', () => {
    const eps = 0.1;
    const logp = logits.logSoftmax(-1).toArraySync() as number[][];
    const want =
      [0, 1, 2]
        .map((i) => (1 - eps) * -logp[i][i] + (eps * -logp[i].reduce((a, b) => a + b, 0)) / 3)
        .reduce((a, b) => a + b) / 3;
    expect(crossEntropy(logits, targets, { labelSmoothing: eps }).itemSync()).toBeCloseTo(want, 12);
  });

  it('handles [batch, time, vocab] logits and passes gradcheck', () => {
    const g = new Generator(4);
    const x = randn([2, 3, 5], { ...f64, generator: g });
    const t = tensor(
      [
        [0, 4, 2],
        [1, -100, 3],
      ],
      { dtype: 'int32' },
    );
    const r = gradcheck((l) => crossEntropy(l, t, { labelSmoothing: 0.2 }), [x]);
    expect(r.ok, r.report).toBe(true);
  });

  it('rejects float targets, wrong shapes and out-of-range classes', () => {
    expect(() => crossEntropy(logits, tensor([0, 1, 2]))).toThrow(DTypeError);
    expect(() => crossEntropy(logits, ids([0, 1]))).toThrow(ShapeError);
    expect(() => crossEntropy(logits, ids([0, 1]))).toThrow(
      /logits \[3,3\] need targets of shape \[3\], got \[2\]/,
    );
    expect(() => crossEntropy(logits, ids([0, 3, 1]))).toThrow(IndexError);
    expect(() => crossEntropy(logits, ids([0, 3, 1]))).toThrow(/outside \[0, 3\)/);
    expect(() => crossEntropy(logits, targets, { labelSmoothing: 2 })).toThrow(
      /labelSmoothing must be in \[0, 1\]/,
    );
  });

  it('runs as one fused softmaxCrossEntropy op; a backend without the kernel gives the same loss', () => {
    const ops: string[] = [];
    const prev = setOpHook((e) => {
      ops.push(e.op);
      prev?.(e);
    });
    try {
      crossEntropy(logits, targets);
    } finally {
      setOpHook(prev);
    }
    expect(ops).toContain('softmaxCrossEntropy');
    expect(ops).not.toContain('logSoftmax');
    const unfused: Backend = composeBackend({ ...primitivesOf(cpuBackend), name: 'cpu-unfused-loss' });
    const x = randn([2, 3, 5], { ...f64, generator: new Generator(8) });
    const t = tensor(
      [
        [0, 4, 2],
        [1, -100, 3],
      ],
      { dtype: 'int32' },
    );
    for (const reduction of ['mean', 'sum', 'none'] as const) {
      const a = crossEntropy(x, t, { labelSmoothing: 0.1, reduction });
      const b = crossEntropy(x.to(unfused), t.to(unfused), { labelSmoothing: 0.1, reduction });
      expect(b.shape).toEqual(a.shape);
      const av = Array.from(a.dataSync());
      Array.from(b.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(av[i], 12));
    }
    expect(() => crossEntropy(x.to(unfused), t.add(5).to(unfused))).toThrow(/outside \[0, 5\)/);
  });

  it('a single row of logits with a 0-d target; reduction none keeps the target shape', () => {
    const row = tensor([2, 1, 0.1], f64);
    const want = -Math.log(Math.exp(1) / (Math.exp(2) + Math.exp(1) + Math.exp(0.1)));
    expect(crossEntropy(row, tensor(1, { dtype: 'int32' })).itemSync()).toBeCloseTo(want, 12);
    expect(crossEntropy(row, tensor(1, { dtype: 'int32' }), { reduction: 'none' }).shape).toEqual([]);
  });

  it('nllLoss on log-probabilities equals crossEntropy on logits', () => {
    expect(nllLoss(logits.logSoftmax(-1), targets).itemSync()).toBeCloseTo(
      crossEntropy(logits, targets).itemSync(),
      12,
    );
  });
});

describe('regression and binary losses', () => {
  it('mse', () => {
    expect(mse(tensor([1, 2, 3]), tensor([1, 0, 0])).itemSync()).toBeCloseTo(13 / 3, 6);
    expect(() => mse(tensor([1, 2]), tensor([1]))).toThrow(/must have the same shape/);
  });

  it('binaryCrossEntropy clamps logs at −100', () => {
    const p = tensor([0.9, 0.2], f64);
    const t = tensor([1, 0], f64);
    expect(binaryCrossEntropy(p, t).itemSync()).toBeCloseTo(-(Math.log(0.9) + Math.log(0.8)) / 2, 12);
    expect(binaryCrossEntropy(tensor([0], f64), tensor([1], f64)).itemSync()).toBe(100);
  });

  it('the with-logits form matches sigmoid + BCE and stays finite for large logits', () => {
    const x = tensor([-3, 0.5, 4], f64);
    const t = tensor([0, 1, 1], f64);
    expect(binaryCrossEntropyWithLogits(x, t).itemSync()).toBeCloseTo(
      binaryCrossEntropy(x.sigmoid(), t).itemSync(),
      12,
    );
    expect(
      binaryCrossEntropyWithLogits(tensor([1000, -1000], f64), tensor([0, 1], f64)).itemSync(),
    ).toBeCloseTo(1000, 9);
    const r = gradcheck((l) => binaryCrossEntropyWithLogits(l, t), [x]);
    expect(r.ok, r.report).toBe(true);
  });
});
