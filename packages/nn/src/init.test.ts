import { Generator, zeros } from '@dendrite/tensor';
import { describe, expect, it } from 'vitest';
import * as init from './init.js';
import { Block } from './layers/block.js';

const stats = (v: ArrayLike<number>) => {
  const a = Array.from(v);
  const mean = a.reduce((s, x) => s + x, 0) / a.length;
  const std = Math.sqrt(a.reduce((s, x) => s + (x - mean) ** 2, 0) / a.length);
  return { mean, std, max: Math.max(...a.map(Math.abs)) };
};

describe('init', () => {
  it('is reproducible from a generator and keeps the tensor identity', () => {
    const t = zeros([64, 32]);
    const same = init.normal(t, 0, 1, { generator: new Generator(1) });
    expect(same).toBe(t);
    const u = init.normal(zeros([64, 32]), 0, 1, { generator: new Generator(1) });
    expect(Array.from(t.dataSync())).toEqual(Array.from(u.dataSync()));
  });

  it('xavierUniform stays within gain·√(6/(fanIn+fanOut))', () => {
    const t = init.xavierUniform(zeros([200, 100]), 1, { generator: new Generator(2) });
    const bound = Math.sqrt(6 / 300);
    const s = stats(t.dataSync());
    expect(s.max).toBeLessThanOrEqual(bound);
    expect(s.std).toBeCloseTo(bound / Math.sqrt(3), 2);
  });

  it('kaimingNormal has std gain/√fanIn; xavierNormal √(2/(fanIn+fanOut))', () => {
    const k = stats(
      init.kaimingNormal(zeros([300, 200]), { nonlinearity: 'relu', generator: new Generator(3) }).dataSync(),
    );
    expect(k.std).toBeCloseTo(Math.SQRT2 / Math.sqrt(200), 2);
    const kf = stats(
      init.kaimingUniform(zeros([300, 200]), { mode: 'fanOut', generator: new Generator(3) }).dataSync(),
    );
    expect(kf.max).toBeLessThanOrEqual((Math.sqrt(3) * Math.SQRT2) / Math.sqrt(300));
    const x = stats(init.xavierNormal(zeros([300, 200]), 1, { generator: new Generator(4) }).dataSync());
    expect(x.std).toBeCloseTo(Math.sqrt(2 / 500), 2);
    expect(init.calculateGain('tanh')).toBeCloseTo(5 / 3, 12);
    expect(() => init.fans(zeros([3]))).toThrow(/≥ 2 dims/);
  });

  it('gpt2Init: N(0, 0.02), residual projections scaled by 1/√(2·nLayer), biases 0, norms 1', () => {
    const block = new Block(64, { nHead: 4 });
    init.gpt2Init(block, { nLayer: 8, generator: new Generator(5) });
    expect(stats(block.attn.c_attn.weight.dataSync()).std).toBeCloseTo(0.02, 3);
    expect(stats(block.mlp.c_proj.weight.dataSync()).std).toBeCloseTo(0.02 / 4, 3);
    expect(stats(block.attn.c_proj.weight.dataSync()).std).toBeCloseTo(0.02 / 4, 3);
    expect(stats(block.attn.c_attn.bias!.dataSync()).max).toBe(0);
    expect(Array.from(block.ln_1.weight!.dataSync()).every((v) => v === 1)).toBe(true);
  });
});
