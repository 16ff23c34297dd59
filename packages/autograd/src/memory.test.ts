import './index.js';
import { getOpHook, liveStorageCount, setOpHook, tensor } from '@dendrite/tensor';
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

describe('backward returns memory as it goes', () => {
  it('holds the forward tensors plus the gradients in flight, not every gradient of the pass', () => {
    const x = tensor([0.1, 0.2, 0.3], f64).requiresGrad_();
    let y = x;
    for (let i = 0; i < 60; i++) y = y.mul(0.99).tanh(); // 120 ops, each saving what it needs
    const loss = y.sum();
    const before = liveStorageCount();
    let peak = before;
    const previous = getOpHook();
    setOpHook((e) => {
      previous?.(e);
      peak = Math.max(peak, liveStorageCount());
    });
    try {
      loss.backward();
    } finally {
      setOpHook(previous);
    }
    // Without freeing, the 120 rules' gradients and their temporaries (several per rule) would
    // all be alive at the end; freed as they die, a handful are.
    expect(peak - before).toBeLessThan(12);
    expect(x.grad!.shape).toEqual([3]);
  });

  it('keeps every gradient alive when the backward is recorded (createGraph)', () => {
    const x = tensor([0.5, 1.5], f64).requiresGrad_();
    const y = x.mul(x).mul(x).sum();
    y.backward(undefined, { createGraph: true });
    const g = x.grad!; // 3x²
    expect(g.toArraySync()).toEqual([0.75, 6.75]);
    x.grad = null;
    g.sum().backward();
    expect(x.grad!.toArraySync()).toEqual([3, 9]); // 6x
  });

  it('never disposes the gradient the caller passed in', () => {
    const x = tensor([1, 2], f64).requiresGrad_();
    const up = tensor([3, 4], f64);
    x.exp().mul(2).backward(up);
    expect(up.isDisposed).toBe(false);
    expect(up.toArraySync()).toEqual([3, 4]);
  });
});
