import { liveStorageCount } from '@dendrite/tensor';
import { describe, expect, it } from 'vitest';
import { fitLine } from './fit-line.js';

describe('fitLine', () => {
  it('recovers w = 3 and b = −2 from noisy data', () => {
    const { weight, bias, loss } = fitLine();
    expect(weight).toBeCloseTo(3, 1);
    expect(bias).toBeCloseTo(-2, 1);
    expect(loss).toBeLessThan(0.05); // the noise variance is 0.01
  });

  it('lowers the loss and frees every tensor it made', () => {
    const before = liveStorageCount();
    const losses: number[] = [];
    fitLine({ steps: 50, logEvery: 10, onStep: (_, l) => losses.push(l) });
    expect(losses.at(-1)).toBeLessThan(losses[0]);
    expect(liveStorageCount()).toBe(before);
  });

  it('is deterministic for a seed', () => {
    expect(fitLine({ steps: 20, seed: 7 })).toEqual(fitLine({ steps: 20, seed: 7 }));
  });
});
