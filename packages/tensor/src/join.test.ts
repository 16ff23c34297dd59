import { describe, expect, it } from 'vitest';
import { arange, tensor, zeros } from './creation.js';
import { IndexError, ShapeError, ValueError } from './errors.js';
import { chunk, concat, split, stack } from './ops/join.js';
import { expectTensor } from './test-utils.js';

const a23 = () => arange(6).float().reshape(2, 3);

describe('concat', () => {
  it('joins along an existing axis', () => {
    const a = a23();
    const b = tensor([[6, 7, 8]]);
    expectTensor(concat([a, b]), [
      [0, 1, 2],
      [3, 4, 5],
      [6, 7, 8],
    ]);
    expectTensor(concat([a, tensor([[9], [9]])], 1), [
      [0, 1, 2, 9],
      [3, 4, 5, 9],
    ]);
    expectTensor(concat([a, a], -1).slice(1, 2, 4), [
      [2, 0],
      [5, 3],
    ]);
    expectTensor(concat([tensor([1]), tensor([]), tensor([2, 3])]), [1, 2, 3]);
  });

  it('reads non-contiguous inputs and promotes dtypes', () => {
    expectTensor(concat([a23().mT, tensor([[9, 9]])]), [
      [0, 3],
      [1, 4],
      [2, 5],
      [9, 9],
    ]);
    expectTensor(concat([tensor([1, 2], { dtype: 'int32' }), tensor([0.5])]), [1, 2, 0.5], 'float32');
    expectTensor(concat([tensor([true]), tensor([false])]), [1, 0], 'bool');
    expectTensor(concat([tensor([true]), tensor([3], { dtype: 'int32' })]), [1, 3], 'int32');
  });

  it('returns a single input as it is', () => {
    const a = a23();
    expect(concat([a])).toBe(a);
  });

  it('rejects empty lists, 0-d tensors, mismatched shapes and bad axes', () => {
    expect(() => concat([])).toThrow(ValueError);
    expect(() => concat([])).toThrow(/concat: expected a non-empty array of tensors/);
    expect(() => concat([tensor(1), tensor(2)])).toThrow(
      /concat: zero-dimensional tensors cannot be concatenated; use stack/,
    );
    expect(() => concat([a23(), zeros([2, 4])])).toThrow(ShapeError);
    expect(() => concat([a23(), zeros([2, 4])])).toThrow(
      /concat: shapes \[2,3\], \[2,4\] differ outside axis 0/,
    );
    expect(() => concat([a23(), zeros([6])])).toThrow(ShapeError);
    expect(() => concat([a23(), a23()], 2)).toThrow(IndexError);
    expect(() => concat([a23(), 3 as never])).toThrow(/concat: tensors\[1\] must be a Tensor, got number/);
  });
});

describe('stack', () => {
  it('joins along a new axis', () => {
    const a = tensor([1, 2]);
    const b = tensor([3, 4]);
    expectTensor(stack([a, b]), [
      [1, 2],
      [3, 4],
    ]);
    expectTensor(stack([a, b], 1), [
      [1, 3],
      [2, 4],
    ]);
    expectTensor(stack([a, b], -1), [
      [1, 3],
      [2, 4],
    ]);
    expectTensor(stack([tensor(1), tensor(2)]), [1, 2]);
  });

  it('rejects shape mismatches and bad axes', () => {
    expect(() => stack([tensor([1, 2]), tensor([1])])).toThrow(ShapeError);
    expect(() => stack([tensor([1, 2]), tensor([1])])).toThrow(
      /stack: all tensors must have the same shape, got \[2\], \[1\]/,
    );
    expect(() => stack([tensor([1, 2])], 2)).toThrow(/stack: axis 2 is out of range for a tensor of rank 2/);
    expect(() => stack([])).toThrow(ValueError);
  });
});

describe('split and chunk', () => {
  it('split by size leaves a smaller last piece; pieces are views', () => {
    const x = arange(5);
    const parts = split(x, 2);
    expect(parts.map((p) => p.toArraySync())).toEqual([[0, 1], [2, 3], [4]]);
    expect(parts.every((p) => p.sharesStorageWith(x))).toBe(true);
    expect(
      a23()
        .split(1, 1)
        .map((p) => p.toArraySync()),
    ).toEqual([
      [[0], [3]],
      [[1], [4]],
      [[2], [5]],
    ]);
  });

  it('split by sections', () => {
    expect(split(arange(5), [1, 4]).map((p) => p.toArraySync())).toEqual([[0], [1, 2, 3, 4]]);
    expect(split(arange(3), [0, 3]).map((p) => p.shape)).toEqual([[0], [3]]);
    expect(() => split(arange(5), [1, 3])).toThrow(ShapeError);
    expect(() => split(arange(5), [1, 3])).toThrow(
      /split: sections \[1,3\] add up to 4, but axis 0 has size 5/,
    );
    expect(() => split(arange(5), [-1, 6])).toThrow(/split: section size must be an integer ≥ 0, got -1/);
    expect(() => split(arange(5), 0)).toThrow(/split: split size must be an integer ≥ 1, got 0/);
  });

  it('chunk splits into at most n pieces of ⌈len/n⌉', () => {
    expect(chunk(arange(5), 3).map((p) => p.toArraySync())).toEqual([[0, 1], [2, 3], [4]]);
    expect(chunk(arange(6), 3).map((p) => p.shape)).toEqual([[2], [2], [2]]);
    expect(
      a23()
        .chunk(2, 1)
        .map((p) => p.toArraySync()),
    ).toEqual([
      [
        [0, 1],
        [3, 4],
      ],
      [[2], [5]],
    ]);
    expect(() => chunk(arange(5), 0)).toThrow(ValueError);
    expect(() => chunk(arange(5), 1, 1)).toThrow(IndexError);
  });
});
