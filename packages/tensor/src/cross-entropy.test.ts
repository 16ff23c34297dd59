import { describe, expect, it } from 'vitest';
import { composeBackend, primitivesOf } from './backend-kit.js';
import {
  type Backend,
  cpuBackend,
  crossEntropyBackward,
  DTypeError,
  Generator,
  gather,
  IndexError,
  oneHot,
  randn,
  ShapeError,
  softmaxCrossEntropy,
  type Tensor,
  tensor,
  ValueError,
  where,
} from './index.js';

const g = new Generator(21);
const f64 = { dtype: 'float64' as const };
const ids = (v: number[]) => tensor(v, { dtype: 'int32' });

/** The CPU backend without its fused kernels: the core computes the loss from primitives. */
const unfused: Backend = composeBackend({ ...primitivesOf(cpuBackend), name: 'cpu-unfused-ce' });

function expectClose(got: ArrayLike<number>, want: ArrayLike<number>, tol: number): void {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++)
    expect(Math.abs(got[i] - want[i]), `element ${i}`).toBeLessThanOrEqual(tol);
}

/** −(1−ε)·log p[t] − ε·mean log p, 0 where t = ignoreIndex, written with primitives. */
function reference(logits: Tensor, targets: Tensor, ignoreIndex = -100, eps = 0): Tensor {
  const logp = logits.logSoftmax(-1);
  const valid = targets.ne(ignoreIndex);
  const picked = gather(logp, 1, where(valid, targets, 0).unsqueeze(1)).squeeze(1);
  return where(valid, picked.mul(-(1 - eps)).sub(logp.mean(-1).mul(eps)), 0);
}

describe('softmaxCrossEntropy', () => {
  const logits = tensor(
    [
      [2, 1, 0.1],
      [0.5, 2.5, -1],
      [1, 1, 1],
    ],
    f64,
  );

  it('is −log softmax(logits)[target] per row (by hand for row 0 and the uniform row)', () => {
    const loss = softmaxCrossEntropy(logits, ids([0, 1, 2]));
    expect(loss.shape).toEqual([3]);
    expect(loss.dtype).toBe('float64');
    const l = loss.toArraySync() as number[];
    expect(l[0]).toBeCloseTo(-Math.log(Math.exp(2) / (Math.exp(2) + Math.exp(1) + Math.exp(0.1))), 14);
    expect(l[2]).toBeCloseTo(Math.log(3), 14);
    expectClose(loss.dataSync(), reference(logits, ids([0, 1, 2])).dataSync(), 1e-14);
  });

  it('gives 0 (and a zero gradient row) where the target is ignoreIndex', () => {
    const loss = softmaxCrossEntropy(logits, ids([0, -100, 2])).toArraySync() as number[];
    expect(loss[1]).toBe(0);
    const full = softmaxCrossEntropy(logits, ids([0, 1, 2])).toArraySync() as number[];
    expect(loss[0]).toBe(full[0]);
    expect(loss[2]).toBe(full[2]);
    const custom = softmaxCrossEntropy(logits, ids([7, 1, 7]), { ignoreIndex: 7 }).toArraySync() as number[];
    expect(custom).toEqual([0, full[1], 0]);
    const d = crossEntropyBackward(
      logits,
      ids([0, -100, 2]),
      tensor([1, 1, 1], f64),
    ).toArraySync() as number[][];
    expect(d[1]).toEqual([0, 0, 0]);
  });

  it('label smoothing mixes in the uniform distribution', () => {
    const eps = 0.1;
    const t = ids([0, 1, -100]);
    const logp = logits.logSoftmax(-1).toArraySync() as number[][];
    const want = [0, 1].map((i) => (1 - eps) * -logp[i][i] + (eps * -logp[i].reduce((a, b) => a + b, 0)) / 3);
    const got = softmaxCrossEntropy(logits, t, { labelSmoothing: eps }).toArraySync() as number[];
    expect(got[0]).toBeCloseTo(want[0], 14);
    expect(got[1]).toBeCloseTo(want[1], 14);
    expect(got[2]).toBe(0);
  });

  it('stays finite for huge logits', () => {
    const big = tensor(
      [
        [1000, 0],
        [0, -1000],
      ],
      { dtype: 'float32' },
    );
    expect(softmaxCrossEntropy(big, ids([0, 1])).toArraySync()).toEqual([0, 1000]);
    const fallback = softmaxCrossEntropy(big.to(unfused), ids([0, 1]).to(unfused)).toArraySync() as number[];
    expect(fallback[0]).toBeCloseTo(0, 12);
    expect(fallback[1]).toBe(1000);
  });

  it('the fallback from primitives gives the same losses (float32 and float64, smoothing, ignored rows)', () => {
    for (const dtype of ['float32', 'float64'] as const) {
      const x = randn([6, 9], { dtype, generator: g, std: 3 });
      const t = ids([0, 8, -100, 4, 4, 1]);
      for (const labelSmoothing of [0, 0.2]) {
        const fused = softmaxCrossEntropy(x, t, { labelSmoothing });
        const fallback = softmaxCrossEntropy(x.to(unfused), t.to(unfused), { labelSmoothing });
        expect(fallback.dtype).toBe(dtype);
        expectClose(fallback.dataSync(), fused.dataSync(), dtype === 'float32' ? 1e-5 : 1e-13);
      }
    }
  });

  it('the fused gradient is g·(softmax − (1−ε)·onehot − ε/C), zero rows where ignored', () => {
    const x = randn([5, 4], { ...f64, generator: g });
    const t = ids([3, 0, -1, 2, 3]);
    const gy = randn([5], { ...f64, generator: g });
    const eps = 0.15;
    const valid = t.ne(-1);
    const hot = oneHot(where(valid, t, 0), 4, 'float64');
    const want = where(
      valid.unsqueeze(1),
      x
        .softmax(-1)
        .sub(hot.mul(1 - eps))
        .sub(eps / 4)
        .mul(gy.unsqueeze(1)),
      0,
    );
    const got = crossEntropyBackward(x, t, gy, { ignoreIndex: -1, labelSmoothing: eps });
    expect(got.shape).toEqual([5, 4]);
    expectClose(got.dataSync(), want.dataSync(), 1e-15);
    // central differences of Σ g·loss
    const h = 1e-6;
    const xs = Array.from(x.dataSync());
    const f = (v: number[]) =>
      softmaxCrossEntropy(tensor(v, { ...f64, shape: [5, 4] }), t, { ignoreIndex: -1, labelSmoothing: eps })
        .mul(gy)
        .sum()
        .itemSync();
    const numeric = xs.map((_, i) => {
      const p = [...xs];
      const m = [...xs];
      p[i] += h;
      m[i] -= h;
      return (f(p) - f(m)) / (2 * h);
    });
    expectClose(got.dataSync(), numeric, 1e-8);
  });

  it('reads strided logits (a transposed [C, N] view)', () => {
    const xt = randn([7, 3], { ...f64, generator: g });
    const t = ids([6, 0, 3]);
    expectClose(softmaxCrossEntropy(xt.mT, t).dataSync(), reference(xt.mT.contiguous(), t).dataSync(), 1e-14);
  });

  it('out-of-range targets throw IndexError naming the op, the target and C (fused and fallback)', () => {
    expect(() => softmaxCrossEntropy(logits, ids([0, 3, 1]))).toThrow(IndexError);
    expect(() => softmaxCrossEntropy(logits, ids([0, 3, 1]))).toThrow(
      /softmaxCrossEntropy: target 3 \(row 1\) is outside \[0, 3\) for 3 classes and is not ignoreIndex -100/,
    );
    expect(() => softmaxCrossEntropy(logits, ids([-1, 0, 1]))).toThrow(/target -1 \(row 0\)/);
    expect(() => crossEntropyBackward(logits, ids([0, 5, 1]), tensor([1, 1, 1], f64))).toThrow(
      /softmaxCrossEntropy: target 5/,
    );
    expect(() => softmaxCrossEntropy(logits.to(unfused), ids([0, 3, 1]).to(unfused))).toThrow(IndexError);
    expect(() => softmaxCrossEntropy(logits.to(unfused), ids([0, 3, 1]).to(unfused))).toThrow(
      /softmaxCrossEntropy: a target is outside \[0, 3\)/,
    );
  });

  it('rejects wrong shapes, dtypes and options', () => {
    expect(() => softmaxCrossEntropy(logits, ids([0, 1]))).toThrow(ShapeError);
    expect(() => softmaxCrossEntropy(logits, ids([0, 1]))).toThrow(
      /softmaxCrossEntropy: logits must be \[N, C\] and targets \[N\], got logits \[3,3\] and targets \[2\]/,
    );
    expect(() => softmaxCrossEntropy(logits.reshape(1, 3, 3), ids([0]))).toThrow(ShapeError);
    expect(() => softmaxCrossEntropy(logits, tensor([0, 1, 2]))).toThrow(DTypeError);
    expect(() => softmaxCrossEntropy(ids([0, 1]).reshape(1, 2), ids([0]))).toThrow(/logits must be float/);
    expect(() => softmaxCrossEntropy(logits, ids([0, 1, 2]), { labelSmoothing: 1.5 })).toThrow(ValueError);
    expect(() => softmaxCrossEntropy(logits, ids([0, 1, 2]), { ignoreIndex: 0.5 })).toThrow(
      /ignoreIndex must be an integer/,
    );
    expect(() => crossEntropyBackward(logits, ids([0, 1, 2]), tensor([1, 1], f64))).toThrow(
      /crossEntropyBackward: grad must be \[3\]/,
    );
    expect(() =>
      crossEntropyBackward(logits.to(unfused), ids([0, 1, 2]).to(unfused), tensor([1, 1, 1], f64)),
    ).toThrow(/crossEntropyBackward: inputs live on different backends \('cpu-unfused-ce' and 'cpu'\)/);
  });
});
