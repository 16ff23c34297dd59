import './index.js';
import { tensor } from '@dendrite/tensor';
import { describe, expect, it } from 'vitest';

const f64 = { dtype: 'float64' as const };

describe('the graph keeps only what backward needs', () => {
  it('saves nothing for add, the output for exp, both inputs for mul', () => {
    const a = tensor([1, 2], f64).requiresGrad_();
    const b = tensor([3, 4], f64).requiresGrad_();
    expect(a.add(b).gradFn!.saved).toHaveLength(0);
    const e = a.exp();
    expect(e.gradFn!.saved).toHaveLength(1);
    expect(e.gradFn!.saved![0].sharesStorageWith(e)).toBe(true);
    expect(a.mul(b).gradFn!.saved).toHaveLength(2);
    expect(a.reshape(2, 1).gradFn!.saved).toHaveLength(0);
  });

  it('releases saved tensors after backward', () => {
    const a = tensor([1, 2], f64).requiresGrad_();
    const y = a.exp();
    const node = y.gradFn!;
    const saved = node.saved![0];
    y.sum().backward();
    expect(node.isReleased).toBe(true);
    expect(saved.isDisposed).toBe(true);
    expect(y.isDisposed).toBe(false);
  });

  it('saved tensors survive the disposal of the forward tensors', () => {
    const a = tensor([0, 1], f64).requiresGrad_();
    const y = a.exp();
    const s = y.sum();
    y.dispose();
    s.backward();
    expect(a.grad!.toArraySync()).toEqual([1, Math.E]);
  });
});
