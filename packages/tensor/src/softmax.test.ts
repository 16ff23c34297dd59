import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { tensor } from './creation.js';
import { IndexError } from './errors.js';
import { logSoftmax, softmax } from './ops/softmax.js';
import {
  arbLayout,
  arbShape,
  arbValues,
  at,
  build,
  expectClose,
  nest,
  PROPERTY_PARAMS,
  values,
  withLayout,
} from './test-utils.js';

const INF = Number.POSITIVE_INFINITY;
const P = [0.09003057317038046, 0.24472847105479764, 0.6652409557748219];

describe('softmax and logSoftmax: hand-computed values', () => {
  it('softmax([1, 2, 3])', () => {
    expectClose(softmax(tensor([1, 2, 3], { dtype: 'float64' })), P, 1e-15, 'float64');
    expectClose(softmax(tensor([1, 2, 3])), P, 1e-7, 'float32');
  });

  it('logSoftmax([1, 2, 3]) = x − logΣeˣ', () => {
    const lse = 3.40760596444438;
    expectClose(
      logSoftmax(tensor([1, 2, 3], { dtype: 'float64' })),
      [1 - lse, 2 - lse, 3 - lse],
      1e-14,
      'float64',
    );
  });

  it('is shift-invariant and stable for large inputs', () => {
    expectClose(softmax(tensor([1001, 1002, 1003])), P, 1e-6);
    expectClose(softmax(tensor([-1e4, -1e4])), [0.5, 0.5], 0);
    expectClose(logSoftmax(tensor([1000, 0])), [0, -1000], 1e-6);
    expectClose(logSoftmax(tensor([-1e30, 0], { dtype: 'float64' })), [-1e30, 0], 1e-12);
  });

  it('masked (-inf) entries get probability 0; an all -inf row is NaN, as in PyTorch', () => {
    expectClose(softmax(tensor([-INF, 0, -INF])), [0, 1, 0], 0);
    expectClose(logSoftmax(tensor([-INF, 0])), [-INF, 0], 0);
    expectClose(softmax(tensor([-INF, -INF])), [Number.NaN, Number.NaN], 0);
  });

  it('works along any axis; the default is the last', () => {
    const x = tensor([
      [1, 1],
      [2, 3],
    ]);
    expectClose(
      softmax(x),
      [
        [0.5, 0.5],
        [0.2689414213699951, 0.7310585786300049],
      ],
      1e-7,
    );
    expectClose(
      softmax(x, 0),
      [
        [0.2689414213699951, 0.11920292202211755],
        [0.7310585786300049, 0.8807970779778823],
      ],
      1e-7,
    );
    expectClose(x.softmax(-2), softmax(x, 0).toArraySync(), 0);
    expectClose(x.logSoftmax(), logSoftmax(x, 1).toArraySync(), 0);
  });

  it('computes int inputs in float32 and keeps float64', () => {
    expect(softmax(tensor([1, 2], { dtype: 'int32' })).dtype).toBe('float32');
    expect(logSoftmax(tensor([true, false])).dtype).toBe('float32');
    expect(softmax(tensor([1, 2], { dtype: 'float64' })).dtype).toBe('float64');
  });

  it('rejects an out-of-range axis', () => {
    expect(() => softmax(tensor([1, 2]), 1)).toThrow(IndexError);
    expect(() => logSoftmax(tensor([1, 2]), -2)).toThrow(
      /logSoftmax: axis -2 is out of range for a tensor of rank 1/,
    );
  });
});

describe('softmax (property tests)', () => {
  it('equals exp(x) / Σ exp(x) along the axis, and logSoftmax is its log, for any layout', () => {
    fc.assert(
      fc.property(
        arbShape({ minRank: 1, maxRank: 4, maxDim: 4 }).chain((shape) =>
          fc.tuple(
            fc.constant(shape),
            arbValues(shape, -5, 5),
            arbLayout(shape),
            fc.integer({ min: 0, max: shape.length - 1 }),
          ),
        ),
        ([shape, v, layout, axis]) => {
          const data = nest(v, shape);
          const x = withLayout(data, shape, layout, 'float64');
          const want = build(shape, (idx) => {
            let s = 0;
            for (let j = 0; j < shape[axis]; j++) {
              const k = [...idx];
              k[axis] = j;
              s += Math.exp(at(data, k));
            }
            return Math.exp(at(data, idx)) / s;
          });
          expectClose(softmax(x, axis), want, 1e-12);
          const logWant = values(softmax(x, axis)).map(Math.log);
          values(logSoftmax(x, axis)).forEach((got, i) => {
            expect(got).toBeCloseTo(logWant[i], 10);
          });
        },
      ),
      PROPERTY_PARAMS,
    );
  });
});
