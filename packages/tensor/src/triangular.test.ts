import { describe, expect, it } from 'vitest';
import { arange, ones, tensor } from './creation.js';
import { ShapeError, ValueError } from './errors.js';
import { tril, triu } from './ops/triangular.js';
import { expectTensor } from './test-utils.js';

const m33 = () => arange(1, 10).float().reshape(3, 3);

describe('triu and tril', () => {
  it('keep the upper / lower triangle of the last two dims', () => {
    expectTensor(triu(m33()), [
      [1, 2, 3],
      [0, 5, 6],
      [0, 0, 9],
    ]);
    expectTensor(tril(m33()), [
      [1, 0, 0],
      [4, 5, 0],
      [7, 8, 9],
    ]);
  });

  it('shift the diagonal', () => {
    expectTensor(triu(m33(), 1), [
      [0, 2, 3],
      [0, 0, 6],
      [0, 0, 0],
    ]);
    expectTensor(m33().triu(-1), [
      [1, 2, 3],
      [4, 5, 6],
      [0, 8, 9],
    ]);
    expectTensor(m33().tril(-1), [
      [0, 0, 0],
      [4, 0, 0],
      [7, 8, 0],
    ]);
    expectTensor(tril(m33(), 5), m33().toArraySync());
  });

  it('apply to every matrix of a batch and to rectangular matrices', () => {
    expectTensor(tril(ones([2, 2, 3])), [
      [
        [1, 0, 0],
        [1, 1, 0],
      ],
      [
        [1, 0, 0],
        [1, 1, 0],
      ],
    ]);
    expectTensor(triu(m33().mT), [
      [1, 4, 7],
      [0, 5, 8],
      [0, 0, 9],
    ]);
  });

  it('keep the dtype, including bool masks', () => {
    expectTensor(
      triu(arange(4).reshape(2, 2)),
      [
        [0, 1],
        [0, 3],
      ],
      'int32',
    );
    expectTensor(
      tril(ones([2, 2], { dtype: 'bool' })),
      [
        [1, 0],
        [1, 1],
      ],
      'bool',
    );
    expect(triu(ones([2, 2], { dtype: 'float64' })).dtype).toBe('float64');
  });

  it('reject inputs with fewer than 2 dims and fractional diagonals', () => {
    expect(() => triu(tensor([1, 2]))).toThrow(ShapeError);
    expect(() => triu(tensor([1, 2]))).toThrow(/triu: input must have at least 2 dims, got \[2\]/);
    expect(() => tril(m33(), 0.5)).toThrow(ValueError);
    expect(() => tril(m33(), 0.5)).toThrow(/tril: diagonal must be an integer, got 0.5/);
  });
});
