import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { tensor, zeros } from './creation.js';
import { IndexError, ShapeError, ValueError } from './errors.js';
import { amax, amin, argmax, argmin, logSumExp, max, mean, min, std, sum, variance } from './ops/reduce.js';
import {
  arbLayout,
  arbShape,
  arbValues,
  at,
  expectClose,
  expectTensor,
  indices,
  nest,
  PROPERTY_PARAMS,
  withLayout,
} from './test-utils.js';

const NaN_ = Number.NaN;
const INF = Number.POSITIVE_INFINITY;

const x23 = () =>
  tensor([
    [1, 2, 3],
    [4, 5, 6],
  ]);

describe('sum', () => {
  it('over all axes, one axis, negative axes, several axes, with keepdim', () => {
    const x = x23();
    expectTensor(sum(x), 21, 'float32');
    expect(sum(x).shape).toEqual([]);
    expectTensor(sum(x, 0), [5, 7, 9]);
    expectTensor(sum(x, 1), [6, 15]);
    expectTensor(sum(x, -1, true), [[6], [15]]);
    expectTensor(sum(x, [0, 1]), 21);
    expectTensor(sum(x, [1, 0], true), [[21]]);
    expectTensor(sum(x, null, true), [[21]]);
    expectTensor(x.sum(0, true), [[5, 7, 9]]);
  });

  it('int32 stays int32, bool counts in int32, float64 stays float64', () => {
    expectTensor(sum(tensor([1, 2, 3], { dtype: 'int32' })), 6, 'int32');
    expectTensor(sum(tensor([true, false, true, true])), 3, 'int32');
    expectTensor(sum(tensor([0.5, 0.25], { dtype: 'float64' })), 0.75, 'float64');
  });

  it('of an empty axis is 0, and NaN propagates', () => {
    expectTensor(sum(zeros([0])), 0);
    expectTensor(sum(zeros([0, 3]), 0), [0, 0, 0]);
    expectClose(sum(tensor([1, NaN_, 2])), NaN_, 0);
    expectClose(sum(tensor([1, INF, -INF])), NaN_, 0);
  });

  it('reduces non-contiguous inputs', () => {
    const xt = x23().transpose(0, 1); // [[1,4],[2,5],[3,6]]
    expectTensor(sum(xt, 1), [5, 7, 9]);
    expectTensor(sum(xt, 0), [6, 15]);
    expectTensor(sum(x23().slice(1, 0, null, 2), 1), [4, 10]);
  });

  it('of a 0-d tensor is itself', () => {
    expectTensor(sum(tensor(4)), 4);
  });
});

describe('mean, var, std', () => {
  it('mean is in float', () => {
    const x = x23();
    expectTensor(mean(x), 3.5, 'float32');
    expectTensor(mean(x, 0), [2.5, 3.5, 4.5]);
    expectTensor(mean(x, 1, true), [[2], [5]]);
    expectTensor(mean(tensor([1, 2], { dtype: 'int32' })), 1.5, 'float32');
    expectTensor(mean(tensor([true, false, false, false])), 0.25, 'float32');
    expectTensor(mean(tensor([1, 2], { dtype: 'float64' })), 1.5, 'float64');
    expectClose(mean(zeros([0])), NaN_, 0);
    expectTensor(x.mean(-1), [2, 5]);
  });

  it('variance uses Bessel’s correction by default', () => {
    const x = tensor([1, 2, 3, 4]);
    expectClose(variance(x), 5 / 3, 1e-7, 'float32');
    expectClose(variance(x, null, { correction: 0 }), 1.25, 1e-7);
    expectClose(std(x, 0), Math.sqrt(5 / 3), 1e-7);
    expectClose(std(x, 0, { correction: 0, keepdim: true }), [Math.sqrt(1.25)], 1e-7);
    expectClose(
      variance(
        tensor([
          [1, 3],
          [2, 2],
        ]),
        1,
      ),
      [2, 0],
      0,
    );
    expectClose(x.var(0, { correction: 0 }), 1.25, 1e-7);
    expectClose(x.std(), Math.sqrt(5 / 3), 1e-7);
    expectClose(variance(tensor([1, 2, 3, 4], { dtype: 'int32' })), 5 / 3, 1e-7, 'float32');
  });

  it('variance of one sample with correction 1 is NaN (0/0), as in PyTorch', () => {
    expectClose(variance(tensor([3])), NaN_, 0);
  });

  it('rejects a negative correction', () => {
    expect(() => variance(tensor([1, 2]), null, { correction: -1 })).toThrow(ValueError);
    expect(() => variance(tensor([1, 2]), null, { correction: -1 })).toThrow(
      /var: correction must be ≥ 0, got -1/,
    );
  });
});

describe('amax and amin (values only, any axes)', () => {
  it('over axes with keepdim', () => {
    const x = tensor([
      [1, 9, 3],
      [7, 5, -6],
    ]);
    expectTensor(amax(x), 9);
    expectTensor(amin(x), -6);
    expectTensor(amax(x, 0), [7, 9, 3]);
    expectTensor(amin(x, 1, true), [[1], [-6]]);
    expectTensor(amin(x, 1, { keepdim: true }), [[1], [-6]]);
    expectTensor(x.amax(-1), [9, 7]);
    expectTensor(x.amin([0, 1], true), [[-6]]);
    expectTensor(x.amax(null, true), [[9]]);
  });

  it('keep int32 and bool, and propagate NaN', () => {
    expectTensor(amax(tensor([3, -1], { dtype: 'int32' })), 3, 'int32');
    expectTensor(amin(tensor([true, false])), 0, 'bool');
    expectClose(amax(tensor([1, NaN_, 5])), NaN_, 0);
    expectClose(
      amin(
        tensor([
          [NaN_, 1],
          [2, 3],
        ]),
        1,
      ),
      [NaN_, 2],
      0,
    );
    expectClose(amax(tensor([-INF, -INF])), -INF, 0);
  });

  it('refuse an empty axis', () => {
    expect(() => amax(zeros([2, 0]), 1)).toThrow(ShapeError);
    expect(() => amax(zeros([2, 0]), 1)).toThrow(
      /amax: cannot reduce over axis 1 of size 0 \(shape \[2,0\]\)/,
    );
    expect(() => amin(zeros([0]))).toThrow(/amin: cannot reduce over axis 0 of size 0/);
    expect(() => max(zeros([0]))).toThrow(/max: cannot reduce over axis 0 of size 0/);
    expectTensor(amax(zeros([0, 2]), 1), []);
  });
});

describe('max and min, PyTorch-shaped', () => {
  const x = () =>
    tensor([
      [1, 9, 3],
      [7, 5, -6],
    ]);

  it('max(x) and min(x) are the whole-tensor extremes (0-d tensors)', () => {
    expectTensor(max(x()), 9);
    expectTensor(min(x()), -6);
    expectTensor(x().max(), 9);
    expectClose(max(tensor([1, NaN_, 5])), NaN_, 0);
  });

  it('max(x, dim) gives { values, indices } like torch.max(x, dim)', () => {
    const { values, indices } = max(x(), 1);
    expectTensor(values, [9, 7]);
    expectTensor(indices, [1, 0], 'int32');
    const m = min(x(), 0, true);
    expectTensor(m.values, [[1, 5, -6]]);
    expectTensor(m.indices, [[0, 1, 1]], 'int32');
    const byMethod = x().max(-1, { keepdim: true });
    expectTensor(byMethod.values, [[9], [7]]);
    expectTensor(byMethod.indices, [[1], [0]], 'int32');
    expectTensor(x().min(1).indices, [0, 2], 'int32');
  });

  it('keeps the dtype, takes the first of ties, and propagates NaN with its index', () => {
    const ints = max(tensor([[2, 5, 5]], { dtype: 'int32' }), 1);
    expectTensor(ints.values, [5], 'int32');
    expectTensor(ints.indices, [1], 'int32');
    const bools = min(tensor([true, false, false]), 0);
    expectTensor(bools.values, 0, 'bool');
    expectTensor(bools.indices, 1, 'int32');
    const withNaN = max(tensor([1, NaN_, 5]), 0);
    expectClose(withNaN.values, NaN_, 0);
    expectTensor(withNaN.indices, 1, 'int32');
  });

  it('max(x, other) is the element-wise maximum, as torch.max(input, other)', () => {
    expectTensor(max(tensor([1, 5]), tensor([3, 2])), [3, 5]);
    expectTensor(tensor([1, 5]).min(tensor([3, 2])), [1, 2]);
  });

  it('refuses what torch.max refuses, pointing at amax/amin', () => {
    // Several axes were accepted before and returned values only: now a clear error.
    expect(() => max(x(), [0, 1] as unknown as number)).toThrow(ValueError);
    expect(() => max(x(), [0, 1] as unknown as number)).toThrow(
      /max: dim must be one integer .* got \[0,1\]; for the values over several axes use amax\(x, \[0,1\]\)/,
    );
    expect(() => min(x(), null as unknown as number, true)).toThrow(
      /min: min\(x\) .* use amin\(x, null, true\)/,
    );
    expect(() => max(zeros([2, 0]), 1)).toThrow(/max: cannot reduce over axis 1 of size 0/);
    expect(() => max(x(), 1, 'yes' as unknown as boolean)).toThrow(
      /max: the argument after the axes is keepdim/,
    );
  });
});

describe('one convention for keepdim: positional where PyTorch has it, else { keepdim }', () => {
  it('every reduction takes { keepdim } as well as a boolean', () => {
    const x = x23();
    expectTensor(sum(x, 1, { keepdim: true }), [[6], [15]]);
    expectClose(mean(x, 0, { keepdim: true }), [[2.5, 3.5, 4.5]]);
    expectTensor(argmax(x, 1, { keepdim: true }), [[2], [2]], 'int32');
    expectTensor(x.argmin(1, true), [[0], [0]], 'int32');
    expect(logSumExp(x, 1, { keepdim: true }).shape).toEqual([2, 1]);
    expect(std(x, 1, { keepdim: true }).shape).toEqual([2, 1]);
  });

  it('unknown options and wrong types are errors, not silently ignored', () => {
    expect(() => sum(x23(), 1, { keepDim: true } as never)).toThrow(
      /sum: unknown option 'keepDim' \(options: keepdim\)/,
    );
    expect(() => variance(x23(), 1, { unbiased: false } as never)).toThrow(
      /var: unknown option 'unbiased' \(options: correction, keepdim\)/,
    );
    expect(() => mean(x23(), 1, 1 as never)).toThrow(/mean: the argument after the axes is keepdim/);
  });

  it("var/std refuse a positional boolean: PyTorch's var(x, dim, unbiased) would mean something else", () => {
    expect(() => variance(x23(), 1, false as never)).toThrow(ValueError);
    expect(() => variance(x23(), 1, false as never)).toThrow(
      /var: .* got false; .* write \{ correction: 0 \}/,
    );
    expect(() => x23().std(1, true as never)).toThrow(/std: .* got true; .* write \{ correction: 1 \}/);
    expectClose(variance(x23(), 1, { correction: 0, keepdim: true }), [[2 / 3], [2 / 3]]);
  });
});

describe('logSumExp', () => {
  it('is log Σ exp, computed stably', () => {
    expectClose(logSumExp(tensor([1, 2, 3], { dtype: 'float64' }), 0), 3.40760596444438, 1e-14, 'float64');
    expectClose(logSumExp(tensor([1000, 1000]), 0), 1000 + Math.LN2, 1e-7);
    expectClose(logSumExp(tensor([-1000, -1000]), 0), -1000 + Math.LN2, 1e-7);
    expectClose(
      logSumExp(
        tensor([
          [0, 0],
          [1, 1],
        ]),
        1,
        true,
      ),
      [[Math.LN2], [1 + Math.LN2]],
      1e-7,
    );
    expectClose(tensor([[0, 0]]).logSumExp([0, 1]), Math.log(2), 1e-7);
    expect(logSumExp(tensor([1, 2], { dtype: 'int32' }), 0).dtype).toBe('float32');
  });

  it('handles infinite maxima like PyTorch: all -inf gives -inf, any +inf gives +inf', () => {
    expectClose(logSumExp(tensor([-INF, -INF]), 0), -INF, 0);
    expectClose(
      logSumExp(
        tensor([
          [-INF, -INF],
          [0, -INF],
        ]),
        1,
      ),
      [-INF, 0],
      0,
    );
    expectClose(logSumExp(tensor([1, INF]), 0), INF, 0);
    expectClose(logSumExp(tensor([1, NaN_]), 0), NaN_, 0);
  });
});

describe('argmax and argmin', () => {
  it('return the first extreme index as int32', () => {
    const x = tensor([
      [1, 5, 5],
      [7, 0, 7],
    ]);
    expectTensor(argmax(x, 1), [1, 0], 'int32');
    expectTensor(argmin(x, 1), [0, 1], 'int32');
    expectTensor(argmax(x, 0), [1, 0, 1]);
    expectTensor(argmax(x), 3);
    expectTensor(argmin(x), 4);
    expectTensor(argmax(x, 1, true), [[1], [0]]);
    expectTensor(argmax(x, null, true), [[3]]);
    expectTensor(x.argmin(-2), [0, 1, 0]);
    expectTensor(x.argmax(), 3);
  });

  it('treat NaN as the extreme, take bools and int32, and read strided inputs', () => {
    expectTensor(argmax(tensor([1, NaN_, 9, NaN_])), 1);
    expectTensor(argmin(tensor([1, NaN_, -9])), 1);
    expectTensor(argmax(tensor([false, true, true])), 1);
    expectTensor(argmin(tensor([4, -2, -2], { dtype: 'int32' })), 1);
    expectTensor(argmax(x23().transpose(0, 1), 1), [1, 1, 1]);
  });

  it('refuse an empty axis', () => {
    expect(() => argmax(zeros([0]))).toThrow(ShapeError);
    expect(() => argmin(zeros([2, 0]), 1)).toThrow(
      /argmin: cannot reduce over an empty axis \(shape \[2,0\]\)/,
    );
  });
});

describe('axis validation', () => {
  it('rejects out-of-range, fractional and repeated axes', () => {
    const x = x23();
    expect(() => sum(x, 2)).toThrow(IndexError);
    expect(() => sum(x, 2)).toThrow(/sum: axis 2 is out of range for a tensor of rank 2/);
    expect(() => max(x, -3)).toThrow(/max: axis -3 is out of range/);
    expect(() => amax(x, -3)).toThrow(/amax: axis -3 is out of range/);
    expect(() => mean(x, 0.5)).toThrow(/mean: axis must be an integer, got 0.5/);
    expect(() => sum(x, [0, -2])).toThrow(/sum: repeated axis in \[0,-2\]/);
    expect(() => argmax(x, 5)).toThrow(/argmax: axis 5 is out of range/);
    expect(() => logSumExp(x, 3)).toThrow(IndexError);
  });
});

// ---- property tests against a naive nested-array reference ----------------------------------------

/** Reduces nested `data` of `shape` over `axes` with `f`, the slow way: one pass over every index. */
function refReduce(
  data: unknown,
  shape: readonly number[],
  axes: readonly number[],
  keepdim: boolean,
  init: number,
  f: (acc: number, v: number) => number,
): { shape: number[]; values: number[] } {
  const outShape: number[] = [];
  shape.forEach((d, i) => {
    if (!axes.includes(i)) outShape.push(d);
    else if (keepdim) outShape.push(1);
  });
  const acc = new Map<string, number>();
  for (const idx of indices(shape)) {
    const key = idx.filter((_, i) => !axes.includes(i)).join(',');
    acc.set(key, f(acc.get(key) ?? init, at(data as never, idx)));
  }
  const kept = shape.filter((_, i) => !axes.includes(i));
  const values = indices(kept).map((idx) => acc.get(idx.join(',')) as number);
  return { shape: outShape, values };
}

/** A shape, values, a layout, a subset of axes (some given negative) and keepdim. */
const arbReduceCase = arbShape({ minRank: 1, maxRank: 4, maxDim: 4 }).chain((shape) =>
  fc.record({
    shape: fc.constant(shape),
    values: arbValues(shape),
    layout: arbLayout(shape),
    axes: fc.subarray(
      shape.map((_, i) => i),
      { minLength: 1 },
    ),
    negate: fc.boolean(),
    keepdim: fc.boolean(),
    all: fc.boolean(),
  }),
);

describe('reductions (property tests)', () => {
  it('sum, amax, amin and mean match explicit loops for any axes, keepdim and layout', () => {
    fc.assert(
      fc.property(arbReduceCase, ({ shape, values, layout, axes, negate, keepdim, all }) => {
        const data = nest(values, shape);
        const x = withLayout(data, shape, layout);
        const reduced = all ? shape.map((_, i) => i) : axes;
        const arg = all ? undefined : negate ? axes.map((a) => a - shape.length) : axes;
        const cases: [
          string,
          (k: boolean) => ReturnType<typeof sum>,
          number,
          (a: number, v: number) => number,
        ][] = [
          ['sum', (k) => sum(x, arg, k), 0, (a, v) => a + v],
          ['amax', (k) => amax(x, arg, k), -INF, (a, v) => Math.max(a, v)],
          ['amin', (k) => amin(x, arg, k), INF, (a, v) => Math.min(a, v)],
        ];
        for (const [name, run, init, f] of cases) {
          const want = refReduce(data, shape, reduced, keepdim, init, f);
          const got = run(keepdim);
          expect(got.shape, name).toEqual(want.shape);
          expect(Array.from(got.dataSync()), name).toEqual(want.values);
        }
        const n = reduced.reduce((p, a) => p * shape[a], 1);
        const s = refReduce(data, shape, reduced, keepdim, 0, (a, v) => a + v);
        const m = mean(x, arg, keepdim);
        expect(m.shape).toEqual(s.shape);
        Array.from(m.dataSync()).forEach((v, i) => {
          expect(v).toBeCloseTo(s.values[i] / n, 5);
        });
      }),
      PROPERTY_PARAMS,
    );
  });

  it('argmax and argmin return the first extreme index along any axis', () => {
    fc.assert(
      fc.property(
        arbShape({ minRank: 1, maxRank: 4, maxDim: 4 }).chain((shape) =>
          fc.tuple(
            fc.constant(shape),
            arbValues(shape, -2, 2),
            arbLayout(shape),
            fc.integer({ min: 0, max: shape.length - 1 }),
          ),
        ),
        ([shape, values, layout, axis]) => {
          const data = nest(values, shape);
          const x = withLayout(data, shape, layout);
          const outShape = shape.filter((_, i) => i !== axis);
          const expectArg = (better: (v: number, best: number) => boolean) =>
            indices(outShape).map((o) => {
              let best = 0;
              for (let j = 1; j < shape[axis]; j++) {
                const idx = [...o.slice(0, axis), j, ...o.slice(axis)];
                const bestIdx = [...o.slice(0, axis), best, ...o.slice(axis)];
                if (better(at(data, idx), at(data, bestIdx))) best = j;
              }
              return best;
            });
          expect(Array.from(argmax(x, axis).dataSync())).toEqual(expectArg((v, b) => v > b));
          expect(Array.from(argmin(x, axis).dataSync())).toEqual(expectArg((v, b) => v < b));
          expect(argmax(x, axis).shape).toEqual(outShape);
        },
      ),
      PROPERTY_PARAMS,
    );
  });
});
