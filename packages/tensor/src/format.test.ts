import { describe, expect, it } from 'vitest';
import type { Backend } from './backend.js';
import { cpuBackend } from './cpu/index.js';
import { arange, tensor, zeros } from './creation.js';
import { BackendError } from './errors.js';

describe('toString', () => {
  it('renders float32 vectors and matrices like PyTorch, aligned', () => {
    expect(tensor([1, 2, 3]).toString()).toBe('tensor([1.0000, 2.0000, 3.0000])');
    expect(
      tensor([
        [1, 2],
        [3, 4],
      ]).toString(),
    ).toBe('tensor([[1.0000, 2.0000],\n        [3.0000, 4.0000]])');
    expect(tensor([-1, 2.5]).toString()).toBe('tensor([-1.0000,  2.5000])');
    expect(`${tensor([0.125])}`).toBe('tensor([0.1250])');
  });

  it('names non-default dtypes and prints ints and bools plainly', () => {
    expect(tensor([1, -10], { dtype: 'int32' }).toString()).toBe('tensor([  1, -10], dtype=int32)');
    expect(tensor([true, false]).toString()).toBe('tensor([ true, false], dtype=bool)');
    expect(tensor([0.5], { dtype: 'float64' }).toString()).toBe('tensor([0.5000], dtype=float64)');
  });

  it('renders 0-d, empty and 3-d tensors', () => {
    expect(tensor(3.5).toString()).toBe('tensor(3.5000)');
    expect(tensor(7, { dtype: 'int32' }).toString()).toBe('tensor(7, dtype=int32)');
    expect(tensor([]).toString()).toBe('tensor([])');
    expect(zeros([2, 0]).toString()).toBe('tensor([[],\n        []])');
    expect(arange(1, 9).reshape(2, 2, 2).toString()).toBe(
      'tensor([[[1, 2],\n         [3, 4]],\n\n        [[5, 6],\n         [7, 8]]], dtype=int32)',
    );
  });

  it('prints nan and ±inf', () => {
    expect(tensor([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1]).toString()).toBe(
      'tensor([   nan,    inf,   -inf, 1.0000])',
    );
  });

  it('switches to scientific notation for huge values and for values that would print as 0.0000', () => {
    expect(tensor([1e-5, 1]).toString()).toBe('tensor([1.0000e-5, 1.0000e+0])');
    expect(tensor([1e9, -2]).toString()).toBe('tensor([ 1.0000e+9, -2.0000e+0])');
    expect(tensor([0, 2e-6], { dtype: 'float64' }).toString()).toBe(
      'tensor([0.0000e+0, 2.0000e-6], dtype=float64)',
    );
    expect(tensor([0, 0.5]).toString()).toBe('tensor([0.0000, 0.5000])');
  });

  it('summarises tensors of more than 1000 elements with ...', () => {
    expect(arange(2000).toString()).toBe('tensor([   0,    1,    2, ..., 1997, 1998, 1999], dtype=int32)');
    const lines = arange(1200).reshape(40, 30).toString().split('\n');
    expect(lines).toHaveLength(7);
    expect(lines[0]).toBe('tensor([[   0,    1,    2, ...,   27,   28,   29],');
    expect(lines[3]).toBe('        ...,');
    expect(lines[6]).toBe('        [1170, 1171, 1172, ..., 1197, 1198, 1199]], dtype=int32)');
    expect(arange(1000).toString()).not.toContain('...');
  });

  it('shows logical order for strided views', () => {
    const x = tensor([
      [1, 2],
      [3, 4],
    ]);
    expect(x.mT.toString()).toBe('tensor([[1.0000, 3.0000],\n        [2.0000, 4.0000]])');
    expect(x.slice(1, 1).toString()).toBe('tensor([[2.0000],\n        [4.0000]])');
  });

  it('describes disposed tensors and tensors on backends that cannot read synchronously', () => {
    const t = tensor([1, 2]);
    t.dispose();
    expect(t.toString()).toBe('tensor(<disposed> shape=[2], dtype=float32)');
    const asyncBackend: Backend = {
      ...cpuBackend,
      name: 'async-format',
      canReadSync: false,
      readSync() {
        throw new BackendError('readSync unsupported');
      },
    };
    expect(tensor([1, 2], { backend: asyncBackend }).toString()).toBe(
      'tensor(shape=[2], dtype=float32, backend=async-format)',
    );
  });
});
