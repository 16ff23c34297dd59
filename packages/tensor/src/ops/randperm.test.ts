import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cpuBackend } from '../cpu/index.js';
import { DTypeError, ValueError } from '../errors.js';
import { Generator } from '../random.js';
import { values } from '../test-utils.js';
import { randperm } from './randperm.js';

describe('randperm', () => {
  it('is a permutation of 0 … n−1, int32 and 1-D, for any n and seed', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 300 }), fc.integer(), (n, seed) => {
        const p = randperm(n, { generator: new Generator(seed) });
        expect(p.dtype).toBe('int32');
        expect(p.shape).toEqual([n]);
        expect(values(p).sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i));
        p.dispose();
      }),
    );
  });

  it('the same seed gives the same order; another seed another one', () => {
    const a = values(randperm(50, { generator: new Generator(7) }));
    expect(values(randperm(50, { generator: new Generator(7) }))).toEqual(a);
    expect(values(randperm(50, { generator: new Generator(8) }))).not.toEqual(a);
  });

  it('advances the generator, so successive calls (epochs) differ', () => {
    const g = new Generator(3);
    expect(values(randperm(20, { generator: g }))).not.toEqual(values(randperm(20, { generator: g })));
  });

  it('draws every order of 3 elements about equally often (Fisher–Yates, no modulo bias)', () => {
    const g = new Generator(11);
    const counts = new Map<string, number>();
    const draws = 30_000;
    for (let i = 0; i < draws; i++) {
      const p = randperm(3, { generator: g });
      const key = values(p).join('');
      p.dispose();
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    expect([...counts.keys()].sort()).toEqual(['012', '021', '102', '120', '201', '210']);
    // Seeded, so deterministic. The classic mistake (j drawn from [0, n) at every step) gives some
    // orders 5/27 and others 4/27 of the draws: 11% off 1/6, far outside this 5% bound.
    for (const c of counts.values()) expect(Math.abs(c - draws / 6)).toBeLessThan(draws / 6 / 20);
  });

  it('n = 0 and n = 1', () => {
    expect(values(randperm(0))).toEqual([]);
    expect(values(randperm(1))).toEqual([0]);
  });

  it('takes a dtype and a backend', () => {
    const p = randperm(4, { dtype: 'float64', backend: cpuBackend, generator: new Generator(1) });
    expect(p.dtype).toBe('float64');
    expect(p.backend).toBe(cpuBackend);
    expect(values(p).sort()).toEqual([0, 1, 2, 3]);
  });

  it('rejects bad n and dtypes with a message naming them', () => {
    expect(() => randperm(-1)).toThrow(ValueError);
    expect(() => randperm(2.5)).toThrow(/randperm: n must be an integer in \[0, 2\^31 − 1\], got 2.5/);
    expect(() => randperm(Number.NaN)).toThrow(/got NaN/);
    expect(() => randperm(3, { dtype: 'bool' })).toThrow(DTypeError);
    expect(() => randperm(2 ** 24 + 1, { dtype: 'float32' })).toThrow(
      /float32 holds integers exactly only up to 2\^24/,
    );
  });
});
