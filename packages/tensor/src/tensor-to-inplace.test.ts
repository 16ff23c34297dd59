import { describe, expect, it } from 'vitest';
import type { Backend } from './backend.js';
import { cpuBackend } from './cpu/index.js';
import { tensor } from './creation.js';
import { liveStorageCount } from './storage.js';

// A second backend object with the CPU kernels: a distinct backend for `to`, no extra package.
const other: Backend = { ...cpuBackend, name: 'cpu-copy' };

describe('Tensor.to_ (to() in place)', () => {
  it('moves the values to another backend, keeping the object', () => {
    const t = tensor([
      [1, 2],
      [3, 4],
    ]);
    const before = liveStorageCount();
    expect(t.to_(other)).toBe(t);
    expect(t.backend).toBe(other);
    expect(t.toArraySync()).toEqual([
      [1, 2],
      [3, 4],
    ]);
    expect(liveStorageCount()).toBe(before); // the old storage was freed, the new one is held
    t.dispose();
  });

  it('converts the dtype in place; the same dtype or backend is a no-op', () => {
    const t = tensor([1.5, -2]);
    t.to_('float64');
    expect(t.dtype).toBe('float64');
    expect(t.toArraySync()).toEqual([1.5, -2]);
    expect(t.to_('float64').dtype).toBe('float64');
    expect(t.to_(cpuBackend).backend).toBe(cpuBackend);
  });

  it('a strided view moves as its own values, row-major; earlier views keep the old storage', () => {
    const base = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    const t = base.transpose(0, 1);
    const alias = t.alias();
    t.to_(other);
    expect(t.toArraySync()).toEqual([
      [1, 4],
      [2, 5],
      [3, 6],
    ]);
    expect(t.isContiguous).toBe(true);
    expect(alias.backend).toBe(cpuBackend);
    expect(t.sharesStorageWith(base)).toBe(false);
  });

  it('fails on a disposed tensor', () => {
    const t = tensor([1]);
    t.dispose();
    expect(() => t.to_(other)).toThrow(/to_: tensor #\d+ \[1\] float32 was disposed/);
  });
});
