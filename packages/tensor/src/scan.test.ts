import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { tensor } from './creation.js';
import { IndexError } from './errors.js';
import { cumsum } from './ops/scan.js';
import {
  arbLayout,
  arbShape,
  arbValues,
  at,
  build,
  expectClose,
  expectTensor,
  nest,
  PROPERTY_PARAMS,
  withLayout,
} from './test-utils.js';

describe('cumsum', () => {
  it('is an inclusive running sum along the axis', () => {
    const x = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expectTensor(
      cumsum(x, 1),
      [
        [1, 3, 6],
        [4, 9, 15],
      ],
      'float32',
    );
    expectTensor(cumsum(x, 0), [
      [1, 2, 3],
      [5, 7, 9],
    ]);
    expectTensor(x.cumsum(-1), cumsum(x, 1).toArraySync());
    expectTensor(cumsum(x.mT, 0), [
      [1, 4],
      [3, 9],
      [6, 15],
    ]);
  });

  it('keeps int32, counts bools in int32 and propagates NaN', () => {
    expectTensor(cumsum(tensor([1, -2, 3], { dtype: 'int32' }), 0), [1, -1, 2], 'int32');
    expectTensor(cumsum(tensor([true, false, true]), 0), [1, 1, 2], 'int32');
    expectClose(cumsum(tensor([1, Number.NaN, 2]), 0), [1, Number.NaN, Number.NaN], 0);
    expectTensor(cumsum(tensor([0.5, 0.25], { dtype: 'float64' }), 0), [0.5, 0.75], 'float64');
  });

  it('rejects an out-of-range axis', () => {
    expect(() => cumsum(tensor([1, 2]), 1)).toThrow(IndexError);
    expect(() => cumsum(tensor([1, 2]), 1)).toThrow(/cumsum: axis 1 is out of range for a tensor of rank 1/);
  });

  it('matches an explicit running sum for any axis and layout (property)', () => {
    fc.assert(
      fc.property(
        arbShape({ minRank: 1, maxRank: 4, maxDim: 4 }).chain((shape) =>
          fc.tuple(
            fc.constant(shape),
            arbValues(shape),
            arbLayout(shape),
            fc.integer({ min: 0, max: shape.length - 1 }),
          ),
        ),
        ([shape, v, layout, axis]) => {
          const data = nest(v, shape);
          const want = build(shape, (idx) => {
            let s = 0;
            for (let j = 0; j <= idx[axis]; j++) {
              const k = [...idx];
              k[axis] = j;
              s += at(data, k);
            }
            return s;
          });
          expect(cumsum(withLayout(data, shape, layout), axis).toArraySync()).toEqual(want);
        },
      ),
      PROPERTY_PARAMS,
    );
  });
});
