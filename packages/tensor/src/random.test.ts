import { describe, expect, it } from 'vitest';
import { rand, randint, randn } from './creation.js';
import { ValueError } from './errors.js';
import { Generator, getDefaultGenerator, manualSeed } from './random.js';
import { values } from './test-utils.js';

const draw = (g: Generator, n: number) => Array.from({ length: n }, () => g.nextUint32());

describe('Generator', () => {
  it('is deterministic: the same seed gives the same numbers', () => {
    expect(draw(new Generator(123), 20)).toEqual(draw(new Generator(123), 20));
    expect(values(randn([50], { generator: new Generator(7) }))).toEqual(
      values(randn([50], { generator: new Generator(7) })),
    );
  });

  it('different seeds give different sequences, including seeds that differ only in the high 32 bits', () => {
    expect(draw(new Generator(1), 5)).not.toEqual(draw(new Generator(2), 5));
    expect(draw(new Generator(5), 5)).not.toEqual(draw(new Generator(5 + 2 ** 32), 5));
    expect(draw(new Generator(-1), 5)).not.toEqual(draw(new Generator(1), 5));
  });

  it('produces 32-bit unsigned words and floats in [0, 1)', () => {
    const g = new Generator(99);
    for (let i = 0; i < 1000; i++) {
      const u = g.nextUint32();
      expect(Number.isInteger(u) && u >= 0 && u < 2 ** 32).toBe(true);
      const f = g.nextFloat();
      expect(f >= 0 && f < 1).toBe(true);
    }
  });

  it('manualSeed resets the sequence', () => {
    const g = new Generator(10);
    const first = draw(g, 3);
    g.manualSeed(10);
    expect(draw(g, 3)).toEqual(first);
  });

  it('getState / setState resume the exact sequence, including a pending normal', () => {
    const g = new Generator(2024);
    g.nextNormal(); // leaves the second Box–Muller value pending
    const state = g.getState();
    expect(state.spareNormal).not.toBeNull();
    const expected = [g.nextNormal(), g.nextNormal(), g.nextFloat(), g.nextUint32(), g.nextInt(0, 10)];
    const resumed = new Generator(0).setState(state);
    expect([
      resumed.nextNormal(),
      resumed.nextNormal(),
      resumed.nextFloat(),
      resumed.nextUint32(),
      resumed.nextInt(0, 10),
    ]).toEqual(expected);
    const json = JSON.parse(JSON.stringify(g.getState()));
    const a = new Generator().setState(json);
    expect(draw(a, 4)).toEqual(draw(g, 4));
  });

  it('random tensors continue the sequence after setState', () => {
    const g = new Generator(5);
    rand([3], { generator: g });
    const state = g.getState();
    const next = values(randn([6], { generator: g }));
    expect(values(randn([6], { generator: new Generator().setState(state) }))).toEqual(next);
  });

  it('clone is independent and starts at the same position', () => {
    const g = new Generator(8);
    g.nextUint32();
    const c = g.clone();
    expect(draw(c, 3)).toEqual(draw(g, 3));
    c.nextUint32();
    expect(c.getState()).not.toEqual(g.getState());
  });

  it('randn has mean ≈ 0 and std ≈ 1 over 10k samples', () => {
    const v = values(randn([10_000], { generator: new Generator(31337), dtype: 'float64' }));
    const mean = v.reduce((s, x) => s + x, 0) / v.length;
    const sd = Math.sqrt(v.reduce((s, x) => s + (x - mean) ** 2, 0) / (v.length - 1));
    expect(Math.abs(mean)).toBeLessThan(0.05); // 5 standard errors
    expect(Math.abs(sd - 1)).toBeLessThan(0.05);
    const within1 = v.filter((x) => Math.abs(x) < 1).length / v.length;
    expect(within1).toBeGreaterThan(0.66); // P(|z| < 1) ≈ 0.683
    expect(within1).toBeLessThan(0.71);
  });

  it('nextInt and randint stay within [low, high) and hit every value', () => {
    const g = new Generator(4);
    const seen = new Set<number>();
    for (let i = 0; i < 2000; i++) {
      const v = g.nextInt(-2, 3);
      expect(v >= -2 && v < 3).toBe(true);
      seen.add(v);
    }
    expect(seen).toEqual(new Set([-2, -1, 0, 1, 2]));
    const t = values(randint(10, 12, [500], { generator: new Generator(1) }));
    expect(Math.min(...t)).toBe(10);
    expect(Math.max(...t)).toBe(11);
    expect(new Generator(1).nextInt(0, 2 ** 32)).toBeGreaterThanOrEqual(0);
    expect(
      values(randint(0, 5, [200], { dtype: 'bool', generator: new Generator(2) })).every(
        (b) => b === 0 || b === 1,
      ),
    ).toBe(true);
  });

  it('rejects bad seeds, ranges and states', () => {
    expect(() => new Generator(1.5)).toThrow(ValueError);
    expect(() => new Generator(Number.NaN)).toThrow(/Generator: seed must be a safe integer, got NaN/);
    expect(() => new Generator().nextInt(3, 3)).toThrow(/Generator.nextInt: need low < high/);
    expect(() => new Generator().nextInt(0, 2 ** 33)).toThrow(ValueError);
    expect(() => new Generator().setState({ s: [1, 2, 3], spareNormal: null } as never)).toThrow(
      /Generator.setState: state.s must be four unsigned 32-bit integers/,
    );
    expect(() => new Generator().setState({ s: [0, 0, 0, 0], spareNormal: null })).toThrow(
      /all-zero state is invalid/,
    );
    expect(() => new Generator().setState({ s: [1, 2, 3, -4], spareNormal: null })).toThrow(ValueError);
  });
});

describe('the default generator', () => {
  it('manualSeed makes default-generator draws reproducible', () => {
    manualSeed(77);
    const a = values(rand([5]));
    const b = values(randn([3]));
    manualSeed(77);
    expect(values(rand([5]))).toEqual(a);
    expect(values(randn([3]))).toEqual(b);
    const g = manualSeed(77);
    expect(getDefaultGenerator()).toBe(g);
    expect(g.getState()).toEqual(new Generator(77).getState());
  });
});
