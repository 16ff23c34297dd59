import { describe, expect, it } from 'vitest';
import { DTYPES, isFloat, promoteTypes } from './dtype.js';
import { ShapeError } from './errors.js';
import { broadcastShapes, contiguousStrides, fmtShape, sizeOf } from './shape.js';

describe('shape helpers', () => {
  it('sizeOf, contiguousStrides and fmtShape', () => {
    expect(sizeOf([2, 3, 4])).toBe(24);
    expect(sizeOf([])).toBe(1);
    expect(sizeOf([3, 0])).toBe(0);
    expect(contiguousStrides([2, 3, 4])).toEqual([12, 4, 1]);
    expect(contiguousStrides([])).toEqual([]);
    expect(fmtShape([2, 3])).toBe('[2,3]');
    expect(fmtShape([])).toBe('[]');
  });

  it('broadcastShapes aligns right and stretches 1s', () => {
    expect(broadcastShapes('op', [2, 1, 3], [4, 1])).toEqual([2, 4, 3]);
    expect(broadcastShapes('op', [], [3])).toEqual([3]);
    expect(broadcastShapes('op', [1], [0])).toEqual([0]);
    expect(broadcastShapes('op', [5, 1], [1, 6], [6])).toEqual([5, 6]);
    expect(() => broadcastShapes('myop', [2, 3], [3, 2])).toThrow(ShapeError);
    expect(() => broadcastShapes('myop', [2, 3], [3, 2])).toThrow(
      'myop: shapes [2,3] and [3,2] cannot be broadcast: dim -2 is 2 vs 3',
    );
  });
});

describe('dtype helpers', () => {
  it('promoteTypes follows bool < int32 < float32 < float64', () => {
    expect(DTYPES).toEqual(['float32', 'float64', 'int32', 'bool']);
    expect(promoteTypes('bool', 'int32')).toBe('int32');
    expect(promoteTypes('int32', 'float32')).toBe('float32');
    expect(promoteTypes('float64', 'float32')).toBe('float64');
    expect(promoteTypes('bool', 'bool')).toBe('bool');
    expect(promoteTypes('float32', 'bool')).toBe('float32');
    expect(isFloat('float32')).toBe(true);
    expect(isFloat('float64')).toBe(true);
    expect(isFloat('int32')).toBe(false);
    expect(isFloat('bool')).toBe(false);
  });
});
