import { describe, expect, it } from 'vitest';
import { erf, erf32, gelu, gelu32 } from './math.js';

describe('erf', () => {
  it('matches known values to double precision', () => {
    // erf(0.5), erf(1), erf(2), erf(3.5) from their defining integral (tabulated values)
    expect(erf(0.5)).toBeCloseTo(0.5204998778130465, 15);
    expect(erf(1)).toBeCloseTo(0.8427007929497149, 15);
    expect(erf(2)).toBeCloseTo(0.9953222650189527, 15);
    expect(erf(3.5)).toBeCloseTo(0.9999992569016276, 15);
    expect(erf(-1)).toBeCloseTo(-0.8427007929497149, 15);
    expect(erf(0)).toBe(0);
    expect(erf(7)).toBe(1);
    expect(Number.isNaN(erf(Number.NaN))).toBe(true);
  });

  it('the float32 form stays within 3e-7 relative error of the exact one on [-6, 6]', () => {
    let worst = 0;
    for (let x = -6; x <= 6; x += 0.00137) {
      const e = erf(x);
      const rel = Math.abs(erf32(x) - e) / Math.max(Math.abs(e), 1e-30);
      worst = Math.max(worst, rel);
      const g = gelu(x);
      if (Math.abs(g) > 1e-6) worst = Math.max(worst, Math.abs(gelu32(x) - g) / Math.abs(g));
    }
    expect(worst).toBeLessThan(3e-7);
    expect(erf32(1e-8)).toBeCloseTo(1.1283791670955126e-8, 20);
  });
});
