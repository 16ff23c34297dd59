import { describe, expect, it } from 'vitest';
import type { Backend } from './backend.js';
import { cpuBackend } from './cpu/index.js';
import { tensor } from './creation.js';
import { BackendError, DTypeError, ShapeError, ValueError } from './errors.js';
import { cast } from './ops/cast.js';
import { Tensor } from './tensor.js';
import { expectClose, expectTensor } from './test-utils.js';

const asyncBackend: Backend = {
  ...cpuBackend,
  name: 'async-tensor-test',
  canReadSync: false,
  readSync() {
    throw new BackendError('async-tensor-test: no synchronous reads');
  },
};

const float32Only: Backend = {
  ...cpuBackend,
  name: 'float32-only',
  dtypes: new Set(['float32', 'int32', 'bool']),
};

describe('Tensor basics', () => {
  it('exposes shape, strides, offset, dtype, size, rank and a unique id', () => {
    const t = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(t).toBeInstanceOf(Tensor);
    expect([t.shape, t.strides, t.offset, t.dtype, t.size, t.rank, t.ndim]).toEqual([
      [2, 3],
      [3, 1],
      0,
      'float32',
      6,
      2,
      2,
    ]);
    expect(Object.isFrozen(t.shape)).toBe(true);
    expect(tensor([1]).id).not.toBe(t.id);
    expect(t.isFloatingPoint).toBe(true);
    expect(tensor([1], { dtype: 'int32' }).isFloatingPoint).toBe(false);
    expect(t.slice(1, 1).offset).toBe(1);
  });

  it('reads values: data, dataSync, toArray, toArraySync, item, itemSync', async () => {
    const t = tensor([
      [1, 2],
      [3, 4],
    ]);
    expect(Array.from(await t.data())).toEqual([1, 2, 3, 4]);
    expect(Array.from(await t.mT.data())).toEqual([1, 3, 2, 4]);
    expect(await t.toArray()).toEqual([
      [1, 2],
      [3, 4],
    ]);
    expect(await tensor(5).toArray()).toBe(5);
    expect(await t.slice(0, 1).slice(1, 1).item()).toBe(4);
    expect(tensor([[7]]).itemSync()).toBe(7);
    expect(() => t.itemSync()).toThrow(ShapeError);
    expect(() => t.itemSync()).toThrow(/itemSync: only a one-element tensor has an item, got shape \[2,2\]/);
    await expect(t.item()).rejects.toThrow(/item: only a one-element tensor has an item/);
  });

  it('data returns a copy: writing to it does not change the tensor', () => {
    const t = tensor([1, 2]);
    t.dataSync()[0] = 100;
    expectTensor(t, [1, 2]);
  });

  it('alias shares storage without copying', () => {
    const t = tensor([1, 2]);
    const a = t.alias();
    expect(a).not.toBe(t);
    expect(a.sharesStorageWith(t)).toBe(true);
    expectTensor(a, [1, 2]);
  });
});

describe('cast and to', () => {
  it('cast: float → int truncates toward zero, anything → bool is x ≠ 0', () => {
    const x = tensor([-2.7, -0.5, 0, 0.5, 2.7]);
    expectTensor(cast(x, 'int32'), [-2, 0, 0, 0, 2], 'int32');
    expectTensor(x.int(), [-2, 0, 0, 0, 2], 'int32');
    expectTensor(cast(x, 'bool'), [1, 1, 0, 1, 1], 'bool');
    expectTensor(cast(tensor([Number.NaN]), 'bool'), [1], 'bool');
    expectTensor(cast(tensor([true, false]), 'float32'), [1, 0], 'float32');
    expectTensor(tensor([3, -4], { dtype: 'int32' }).float(), [3, -4], 'float32');
    expectTensor(tensor([0.1]).double(), [Math.fround(0.1)], 'float64');
    expectTensor(tensor([0.1], { dtype: 'float64' }).to('float32'), [Math.fround(0.1)], 'float32');
    expectTensor(tensor([5, 0], { dtype: 'int32' }).to('bool'), [1, 0], 'bool');
    expectTensor(tensor([[1, 2]]).mT.int(), [[1], [2]], 'int32');
  });

  it('cast rejects unknown dtypes and dtypes the backend lacks', () => {
    expect(() => cast(tensor([1]), 'int8' as never)).toThrow(/cast: unknown dtype "int8"/);
    expect(() => tensor([1], { backend: float32Only }).double()).toThrow(DTypeError);
    expect(() => tensor([1], { backend: float32Only }).double()).toThrow(
      /cast: backend 'float32-only' does not support float64/,
    );
  });

  it('to(backend) copies to another backend; to(name) looks it up', () => {
    const x = tensor([1, 2, 3]);
    const y = x.to(float32Only);
    expect(y.backend).toBe(float32Only);
    expectTensor(y, [1, 2, 3]);
    expect(x.to('cpu')).toBe(x);
    expect(y.to('float32-only')).toBe(y);
    expect(() => tensor([1], { dtype: 'float64' }).to(float32Only)).toThrow(
      /to: backend 'float32-only' does not support float64/,
    );
    expect(() => x.to('no-such-backend')).toThrow(ValueError);
  });

  it('a tensor on a backend that cannot read synchronously reads with await data() only', async () => {
    const x = tensor([1, 2], { backend: asyncBackend });
    expect(Array.from(await x.data())).toEqual([1, 2]);
    expect(await x.add(1).toArray()).toEqual([2, 3]);
    expect(() => x.dataSync()).toThrow(BackendError);
    expect(() => x.dataSync()).toThrow(
      /dataSync: backend 'async-tensor-test' cannot read synchronously; use 'await t.data\(\)'/,
    );
    expect(() => x.to(cpuBackend)).toThrow(/to: backend 'async-tensor-test' cannot read synchronously/);
  });

  it('ops on tensors from two backends throw a BackendError', () => {
    const a = tensor([1, 2]);
    const b = tensor([1, 2], { backend: float32Only });
    expect(() => a.add(b)).toThrow(BackendError);
    expect(() => a.add(b)).toThrow(
      /add: inputs live on different backends \('cpu' and 'float32-only'\); move one with t.to\(backend\)/,
    );
    expect(() => a.matmul(b)).toThrow(BackendError);
    expectClose(a.add(b.to(cpuBackend)), [2, 4], 0);
  });
});
