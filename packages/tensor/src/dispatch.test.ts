import { afterEach, describe, expect, it } from 'vitest';
import type { Backend } from './backend.js';
import { cpuBackend } from './cpu/index.js';
import { arange, ones, tensor } from './creation.js';
import { getOpHook, getOpInfo, listOps, type OpEvent, setOpHook } from './dispatch.js';
import * as ops from './index.js';
import { BINARY_OPS } from './ops/spec/binary.js';
import { UNARY_OPS } from './ops/spec/unary.js';
import type { Tensor } from './tensor.js';

/** Runs `fn` with a hook that records every event; returns the events and fn's result. */
function record<T>(fn: () => T): { events: OpEvent[]; result: T } {
  const events: OpEvent[] = [];
  const prev = setOpHook((e) => {
    events.push(e);
  });
  try {
    return { events, result: fn() };
  } finally {
    setOpHook(prev);
  }
}

const names = (events: readonly OpEvent[]) => events.map((e) => e.op);

afterEach(() => {
  setOpHook(null);
});

describe('setOpHook', () => {
  it('installs and removes the hook, returning the previous one', () => {
    const h1 = () => {};
    const h2 = () => {};
    expect(setOpHook(h1)).toBeNull();
    expect(getOpHook()).toBe(h1);
    expect(setOpHook(h2)).toBe(h1);
    expect(setOpHook(null)).toBe(h2);
    expect(getOpHook()).toBeNull();
  });

  it('receives one event per primitive op with its name, inputs, attrs and output', () => {
    const a = tensor([1, 2]);
    const b = tensor([3, 4]);
    const { events, result } = record(() => ops.add(a, b));
    expect(events).toHaveLength(1);
    const [e] = events;
    expect(e.op).toBe('add');
    expect(e.inputs).toHaveLength(2);
    expect(e.inputs[0]).toBe(a);
    expect(e.inputs[1]).toBe(b);
    expect(e.attrs).toEqual({});
    expect(Object.isFrozen(e.attrs)).toBe(true);
    expect(e.output).toBe(result);
  });

  it('reports the casts that promotion inserts, and numbers as 0-d inputs', () => {
    const i = tensor([1, 2], { dtype: 'int32' });
    const f = tensor([0.5, 0.5]);
    const { events, result } = record(() => ops.mul(i, f));
    expect(names(events)).toEqual(['cast', 'mul']);
    expect(events[0].inputs[0]).toBe(i);
    expect(events[0].attrs).toEqual({ from: 'int32', to: 'float32' });
    expect(events[1].inputs[0]).toBe(events[0].output);
    expect(events[1].inputs[1]).toBe(f);
    expect(events[1].output).toBe(result);
    const s = record(() => f.add(3));
    expect(names(s.events)).toEqual(['add']);
    expect(s.events[0].inputs[1].shape).toEqual([]);
    expect(s.events[0].inputs[1].itemSync()).toBe(3);
  });

  it('unary, reduce, scan, softmax, index and join ops carry the attrs a gradient rule needs', () => {
    const x = arange(6).float().reshape(2, 3);
    const idx = tensor([[0], [2]], { dtype: 'int32' });
    const cases: [() => Tensor, string, Record<string, unknown>, number][] = [
      [() => x.exp(), 'exp', {}, 1],
      [() => x.gelu({ approximate: 'tanh' }), 'gelu_tanh', {}, 1],
      [() => x.sum(1, true), 'sum', { axes: [1], keepdim: true }, 1],
      [() => x.amax(-2), 'amax', { axes: [0], keepdim: false }, 1],
      [() => x.min(), 'amin', { axes: [0, 1], keepdim: false }, 1],
      [() => x.argmax(1), 'argmax', { axis: 1, keepdim: false }, 1],
      [() => x.argmin(-1, true), 'argmin', { axis: 1, keepdim: true }, 1],
      [() => x.cumsum(-1), 'cumsum', { axis: 1 }, 1],
      [() => x.softmax(0), 'softmax', { axis: 0 }, 1],
      [() => x.logSoftmax(), 'logSoftmax', { axis: 1 }, 1],
      [() => x.gather(-1, idx), 'gather', { axis: 1 }, 2],
      [() => x.indexSelect(1, tensor([2, 0], { dtype: 'int32' })), 'indexSelect', { axis: 1 }, 2],
      [() => ops.scatterAddZeros([2, 3], 1, idx, ones([2, 1])), 'scatterAdd', { axis: 1, shape: [2, 3] }, 2],
      [
        () => ops.indexAddZeros([4, 3], 0, tensor([1, 3], { dtype: 'int32' }), x),
        'indexAdd',
        { axis: 0, shape: [4, 3] },
        2,
      ],
      [() => ops.concat([x, x], 1), 'concat', { axis: 1, sizes: [3, 3] }, 2],
      [() => x.reshape(3, 2), 'reshape', { from: [2, 3], to: [3, 2] }, 1],
      [() => x.permute(1, 0), 'permute', { axes: [1, 0] }, 1],
      [() => x.transpose(), 'permute', { axes: [1, 0] }, 1],
      [() => x.slice(1, -2, null, 2), 'slice', { axis: 1, start: 1, end: 3, step: 2 }, 1],
      [() => x.unsqueeze(0).expand(4, 2, 3), 'expand', { from: [1, 2, 3], to: [4, 2, 3] }, 1],
      [() => x.mT.contiguous(), 'contiguous', {}, 1],
      [() => x.clone(), 'clone', {}, 1],
      [() => x.int(), 'cast', { from: 'float32', to: 'int32' }, 1],
      [() => ops.matmul(x, x.mT), 'matmul', {}, 2],
      [() => ops.where(x.gt(2), x, x.neg()), 'where', {}, 3],
    ];
    for (const [run, op, attrs, arity] of cases) {
      const { events, result } = record(run);
      const last = events[events.length - 1];
      expect(last.op, op).toBe(op);
      expect(last.attrs, op).toEqual(attrs);
      expect(last.inputs, op).toHaveLength(arity);
      expect(last.output, op).toBe(result);
    }
  });

  it('composite ops emit only the primitives they are made of', () => {
    const x = tensor([
      [1, 2],
      [3, 4],
    ]);
    expect(names(record(() => x.mean(0)).events)).toEqual(['sum', 'div']);
    expect(names(record(() => x.square()).events)).toEqual(['mul']);
    expect(names(record(() => x.clamp(0, 1)).events)).toEqual(['maximum', 'minimum']);
    expect(names(record(() => x.select(0, 1)).events)).toEqual(['slice', 'reshape']);
    expect(names(record(() => ops.stack([x, x])).events)).toEqual(['reshape', 'reshape', 'concat']);
    expect(names(record(() => ops.matmul(tensor([1, 2]), x)).events)).toEqual([
      'reshape',
      'matmul',
      'reshape',
    ]);
    expect(names(record(() => x.expand(2, 2)).events)).toEqual([]);
    expect(names(record(() => x.alias()).events)).toEqual([]);
    expect(names(record(() => x.contiguous()).events)).toEqual([]);
  });

  it('reports toBackend when a tensor moves between backends', () => {
    const other: Backend = { ...cpuBackend, name: 'cpu-hook-copy' };
    const x = tensor([1, 2]);
    const { events, result } = record(() => x.to(other));
    expect(names(events)).toEqual(['toBackend']);
    expect(events[0].attrs).toEqual({ from: 'cpu', to: 'cpu-hook-copy' });
    expect(result.backend).toBe(other);
    expect(names(record(() => x.to(cpuBackend)).events)).toEqual([]);
  });

  it('a hook that records nothing does not change results', () => {
    setOpHook(() => {});
    expect(tensor([1, 2]).add(1).toArraySync()).toEqual([2, 3]);
  });
});

/** Every primitive: the element-wise ops of the spec, and the others by name. */
const PRIMITIVES = [
  ...UNARY_OPS,
  ...BINARY_OPS,
  'layerNorm',
  'causalSoftmax',
  'softmaxCrossEntropy',
  'cast',
  'toBackend',
  'where',
  'reshape',
  'permute',
  'slice',
  'expand',
  'contiguous',
  'clone',
  'gather',
  'scatterAdd',
  'indexSelect',
  'indexAdd',
  'concat',
  'matmul',
  'sum',
  'amax',
  'amin',
  'argmax',
  'argmin',
  'cumsum',
  'softmax',
  'logSoftmax',
];

describe('listOps and getOpInfo', () => {
  it('list every primitive op once, with a kind and a line of math', () => {
    const listed = listOps();
    expect(listed.map((o) => o.name).sort()).toEqual([...PRIMITIVES].sort());
    for (const info of listed) {
      expect(info.math.length, info.name).toBeGreaterThan(0);
      expect(Object.isFrozen(info)).toBe(true);
      expect(getOpInfo(info.name)).toBe(info);
    }
    expect(getOpInfo('add')?.kind).toBe('binary');
    expect(getOpInfo('lt')?.kind).toBe('comparison');
    expect(getOpInfo('matmul')?.math).toBe('C[…,i,j] = Σₖ A[…,i,k]·B[…,k,j]');
    expect(getOpInfo('reshape')?.kind).toBe('view');
    expect(getOpInfo('mean')).toBeUndefined();
    expect([...ops.COMPARISON_OPS].sort()).toEqual(['eq', 'ge', 'gt', 'le', 'lt', 'ne']);
    for (const op of ops.COMPARISON_OPS) expect(getOpInfo(op)?.kind).toBe('comparison');
  });

  it('every listed op is emitted by the public API, and nothing unlisted is emitted', () => {
    const x = tensor([
      [1, 2],
      [3, 4],
    ]);
    const i = tensor([1, 0], { dtype: 'int32' });
    const other: Backend = { ...cpuBackend, name: 'cpu-hook-copy-2' };
    const { events } = record(() => {
      x.int();
      x.to(other);
      for (const op of UNARY_OPS) ops.applyUnary(op, x);
      for (const op of BINARY_OPS) ops.applyBinary(op, x, x);
      x.where(x.gt(2), 0);
      x.reshape(4);
      x.permute(1, 0);
      x.slice(0, 1);
      x.unsqueeze(0).expand(2, 2, 2);
      x.mT.contiguous();
      x.clone();
      x.gather(1, i.reshape(2, 1));
      ops.scatterAdd(x, 1, i.reshape(2, 1), x);
      x.indexSelect(0, i);
      ops.indexAdd(x, 0, i, x);
      ops.concat([x, x]);
      x.matmul(x);
      x.sum();
      x.max();
      x.min();
      x.argmax();
      x.argmin();
      x.cumsum(0);
      x.softmax();
      x.logSoftmax();
      x.layerNorm(x.shape[1]);
      x.causalSoftmax(0.5);
      ops.softmaxCrossEntropy(x, i);
    });
    const emitted = new Set(names(events));
    for (const op of emitted) expect(getOpInfo(op), op).toBeDefined();
    expect([...emitted].sort()).toEqual([...PRIMITIVES].sort());
  });
});
