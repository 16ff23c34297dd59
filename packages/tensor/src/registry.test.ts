import { afterEach, describe, expect, it } from 'vitest';
import type { Backend } from './backend.js';
import { cpuBackend } from './cpu/index.js';
import { ones } from './creation.js';
import { ValueError } from './errors.js';
import { getBackend, listBackends, registerBackend, setBackend, withBackend } from './registry.js';

const other: Backend = { ...cpuBackend, name: 'registry-test' };

afterEach(() => {
  setBackend(cpuBackend);
});

describe('backend registry', () => {
  it('starts on the CPU backend', () => {
    expect(getBackend()).toBe(cpuBackend);
    expect(listBackends()).toContain('cpu');
  });

  it('registerBackend makes a backend known by name; setBackend switches where tensors are made', () => {
    expect(registerBackend(other)).toBe(other);
    expect(listBackends()).toContain('registry-test');
    expect(setBackend('registry-test')).toBe(other);
    expect(ones([1]).backend).toBe(other);
    setBackend(cpuBackend);
    expect(ones([1]).backend).toBe(cpuBackend);
  });

  it('withBackend restores the previous backend, also when fn throws', () => {
    expect(withBackend(other, () => ones([1]).backend)).toBe(other);
    expect(getBackend()).toBe(cpuBackend);
    expect(() =>
      withBackend(other, () => {
        throw new Error('inside');
      }),
    ).toThrow('inside');
    expect(getBackend()).toBe(cpuBackend);
  });

  it('rejects unknown names', () => {
    expect(() => setBackend('nope')).toThrow(ValueError);
    expect(() => setBackend('nope')).toThrow(/setBackend: no backend named 'nope' is registered \(have: cpu/);
    expect(() => withBackend('nope', () => 1)).toThrow(/withBackend: no backend named 'nope'/);
  });
});
