import { describe, expect, it } from 'vitest';
import { tensor } from '../creation.js';
import { getOpHook, type OpEvent, setOpHook } from '../dispatch.js';
import { DTypeError, ValueError } from '../errors.js';
import { expectClose } from '../test-utils.js';
import { softplus } from './softplus.js';

const f64 = { dtype: 'float64' } as const;

describe('softplus', () => {
  it('gives (1/β)·ln(1 + e^(βx)) at known points, and x above the threshold', () => {
    // ln 2, ln(1 + e), ln(1 + 1/e), ln(1 + e⁻³⁰) ≈ e⁻³⁰, ln(1 + e²⁰) = 20 + ln(1 + e⁻²⁰), 25 (linear)
    const x = tensor([0, 1, -1, -30, 20, 25], f64);
    const want = [
      Math.LN2,
      1.3132616875182228,
      0.31326168751822286,
      9.357622968839737e-14,
      20.000000002061153,
      25,
    ];
    const got = softplus(x).dataSync();
    want.forEach((w, i) => {
      expect(Math.abs(got[i] - w) / w, `x = ${x.dataSync()[i]}`).toBeLessThan(1e-15);
    });
  });

  it('takes beta and threshold as torch.nn.functional.softplus does', () => {
    // β = 2: ½·ln(1 + e²) at 1, ½·ln(1 + e^0.8) at 0.4; threshold 1: 0.6 (βx = 1.2) is linear
    expectClose(
      softplus(tensor([1, 0.4], f64), { beta: 2 }),
      [1.0634640055214863, 0.5855503329738889],
      1e-15,
      'float64',
    );
    expectClose(
      softplus(tensor([0.4, 0.6], f64), { beta: 2, threshold: 1 }),
      [0.5855503329738889, 0.6],
      1e-15,
      'float64',
    );
    // β = −1 gives −ln(1 + e^(−x)): −ln(1 + 1/e) at 1
    expectClose(softplus(tensor([1], f64), { beta: -1 }), [-0.31326168751822286], 1e-15, 'float64');
    // no threshold: e^(βx) overflows to ∞ and so does y, as in PyTorch
    expectClose(
      softplus(tensor([1000], f64), { threshold: Number.POSITIVE_INFINITY }),
      [Number.POSITIVE_INFINITY],
      0,
    );
  });

  it('keeps float dtypes, computes ints and bools in float32, and never overflows', () => {
    expectClose(softplus(tensor([0, 1])), [Math.LN2, 1.3132617], 1e-6, 'float32');
    expectClose(softplus(tensor([0, 1], { dtype: 'int32' })), [Math.LN2, 1.3132617], 1e-6, 'float32');
    expectClose(softplus(tensor([false, true])), [Math.LN2, 1.3132617], 1e-6, 'float32');
    expectClose(
      softplus(tensor([1e30, -1e30, Number.NaN])),
      [Math.fround(1e30), 0, Number.NaN],
      0,
      'float32',
    );
  });

  it('is a composition: it emits only the primitives it is made of', () => {
    const prev = getOpHook();
    const events: OpEvent[] = [];
    setOpHook((e) => events.push(e));
    try {
      softplus(tensor([1, 2]));
    } finally {
      setOpHook(prev);
    }
    expect(events.map((e) => e.op)).toEqual(['mul', 'gt', 'where', 'exp', 'log1p', 'div', 'where']);
  });

  it('rejects what is not a tensor and bad beta or threshold, naming the op', () => {
    const x = tensor([1]);
    expect(() => softplus([1] as never)).toThrow(DTypeError);
    expect(() => softplus(x, { beta: 0 })).toThrow(
      /softplus: beta must be a finite number other than 0, got 0/,
    );
    expect(() => softplus(x, { beta: Number.NaN })).toThrow(ValueError);
    expect(() => softplus(x, { beta: '2' as never })).toThrow(ValueError);
    expect(() => softplus(x, { threshold: Number.NaN })).toThrow(
      /softplus: threshold must be a number, got NaN/,
    );
  });
});
