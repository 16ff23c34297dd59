import { liveStorageCount, tensor, tidy, ValueError } from '@dendrite/tensor';
import { describe, expect, it } from 'vitest';
import { clipGradNorm, clipGradNormSync, clipGradValue } from './clip.js';
import { param, setGrad, values } from './test-utils.js';

function setup(dtype: 'float32' | 'float64' = 'float64') {
  const a = param([1, 2, 3], dtype);
  const b = param(
    [
      [1, 1],
      [1, 1],
    ],
    dtype,
  );
  const c = param([5], dtype); // never gets a gradient
  setGrad(a, [3, -4, 12]);
  setGrad(b, [
    [0, 0],
    [0, 84],
  ]);
  return { a, b, c };
}
// ‖(3, −4, 12, 0, 0, 0, 84)‖₂ = √(9 + 16 + 144 + 7056) = √7225 = 85

describe('clipGradNorm', () => {
  it('returns the pre-clip global norm and scales every gradient by maxNorm / (norm + 1e-6)', () => {
    const { a, b, c } = setup();
    const gradA = a.grad;
    const norm = clipGradNorm([a, b, c], 17);
    expect(norm.shape).toEqual([]);
    expect(norm.itemSync()).toBe(85);
    const coef = 17 / (85 + 1e-6);
    expect(values(a.grad!)).toEqual([3, -4, 12].map((g) => g * coef));
    expect(values(b.grad!)).toEqual([0, 0, 0, 84].map((g) => g * coef));
    expect(a.grad).toBe(gradA); // the grad tensor keeps its identity
    expect(c.grad).toBeNull(); // parameters without a gradient are skipped
    // The clipped gradients have norm maxNorm (up to the 1e-6).
    const after = Math.hypot(...values(a.grad!), ...values(b.grad!));
    expect(after).toBeCloseTo(17, 5);
  });

  it('is a no-op under the max: gradients unchanged bit for bit', () => {
    const { a, b } = setup();
    const before = [values(a.grad!), values(b.grad!)];
    expect(clipGradNormSync([a, b], 85.01)).toBe(85);
    expect([values(a.grad!), values(b.grad!)]).toEqual(before);
    expect(clipGradNormSync([a, b], 1000)).toBe(85);
    expect([values(a.grad!), values(b.grad!)]).toEqual(before);
  });

  it('works in float32 and keeps the gradients’ dtype', () => {
    const { a, b } = setup('float32');
    const norm = clipGradNorm([a, b], 8.5);
    expect(norm.dtype).toBe('float32');
    expect(norm.itemSync()).toBeCloseTo(85, 4);
    expect(a.grad!.dtype).toBe('float32');
    values(a.grad!).forEach((g, i) => {
      expect(g).toBeCloseTo([0.3, -0.4, 1.2][i], 5);
    });
  });

  it('supports the ∞-norm and the 1-norm', () => {
    let { a, b } = setup();
    expect(clipGradNormSync([a, b], 1000, { normType: Number.POSITIVE_INFINITY })).toBe(84);
    ({ a, b } = setup());
    expect(clipGradNormSync([a, b], 1000, { normType: 1 })).toBe(3 + 4 + 12 + 84);
    ({ a, b } = setup());
    expect(clipGradNormSync([a, b], 1000, { normType: 3 })).toBeCloseTo(
      Math.cbrt(27 + 64 + 1728 + 84 ** 3),
      10,
    );
    ({ a, b } = setup());
    clipGradNorm([a, b], 42, { normType: Number.POSITIVE_INFINITY }).dispose();
    expect(values(b.grad!)[3]).toBeCloseTo(42, 5);
  });

  it('scales each gradient once even when autograd made them share storage', () => {
    const a = param([1, 2]);
    const b = param([3, 4]);
    a.add(b).mul(3).sum().backward(); // both gradients are the same upstream values (3, 3)
    expect(clipGradNormSync([a, b], 3)).toBe(6); // √(4 · 9)
    const coef = 3 / (6 + 1e-6);
    expect(values(a.grad!)).toEqual([3 * coef, 3 * coef]);
    expect(values(b.grad!)).toEqual([3 * coef, 3 * coef]);
  });

  it('takes a single tensor, and returns 0 when no parameter has a gradient', () => {
    const { a } = setup();
    expect(clipGradNormSync(a, 100)).toBe(13);
    expect(clipGradNormSync([param([1])], 1)).toBe(0);
  });

  it('leaves no tensors behind but the returned norm', () => {
    const { a, b } = setup();
    const before = liveStorageCount();
    const norm = clipGradNorm([a, b], 1);
    expect(liveStorageCount()).toBe(before + 1);
    norm.dispose();
    expect(liveStorageCount()).toBe(before);
    tidy(() => {
      clipGradNorm([a, b], 1); // inside a tidy, the norm is freed with the scope
    });
    expect(liveStorageCount()).toBe(before);
  });

  it('rejects a negative maxNorm or normType', () => {
    const { a } = setup();
    expect(() => clipGradNorm([a], -1)).toThrow(ValueError);
    expect(() => clipGradNorm([a], -1)).toThrow(/maxNorm/);
    expect(() => clipGradNorm([a], 1, { normType: 0 })).toThrow(/normType/);
  });
});

describe('clipGradValue', () => {
  it('clamps each gradient element into [−c, c]', () => {
    const { a, b, c } = setup();
    clipGradValue([a, b, c], 5);
    expect(values(a.grad!)).toEqual([3, -4, 5]);
    expect(values(b.grad!)).toEqual([0, 0, 0, 5]);
    expect(c.grad).toBeNull();
    const w = param([1, 1]);
    w.grad = tensor([-10, 0.5], { dtype: 'float64' });
    clipGradValue(w, 1);
    expect(values(w.grad)).toEqual([-1, 0.5]);
  });

  it('rejects a negative clipValue', () => {
    expect(() => clipGradValue([param([1])], -0.5)).toThrow(/clipValue/);
  });
});
