import { describe, expect, it } from 'vitest';
import {
  adamUpdate,
  erf,
  exp,
  Generator,
  geluBackward,
  layerNorm,
  layerNormBackward,
  randn,
  softmaxBackward,
  tensor,
} from './index.js';

const g = new Generator(3);
const f64 = { dtype: 'float64' as const, generator: g };

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

describe('fused kernels of the CPU backend equal the same math written with primitives', () => {
  it('layerNorm forward and backward', () => {
    const x = randn([5, 9], f64);
    const w = randn([9], f64);
    const b = randn([9], f64);
    const gy = randn([5, 9], f64);
    const mean = x.mean(-1, true);
    const c = x.sub(mean);
    const rstd = c.square().mean(-1, true).add(1e-5).rsqrt();
    const xhat = c.mul(rstd);
    expect(maxAbsDiff(layerNorm(x, [9], w, b, 1e-5).dataSync(), xhat.mul(w).add(b).dataSync())).toBeLessThan(
      1e-12,
    );
    const gh = gy.mul(w);
    const dx = gh
      .sub(gh.mean(-1, true))
      .sub(xhat.mul(gh.mul(xhat).mean(-1, true)))
      .mul(rstd);
    const fused = layerNormBackward(x, w, gy, 1e-5, true);
    expect(maxAbsDiff(fused.dx.dataSync(), dx.dataSync())).toBeLessThan(1e-12);
    expect(maxAbsDiff(fused.dweight!.dataSync(), gy.mul(xhat).sum(0).dataSync())).toBeLessThan(1e-12);
    expect(maxAbsDiff(fused.dbias!.dataSync(), gy.sum(0).dataSync())).toBeLessThan(1e-12);
    expect(layerNormBackward(x, null, gy, 1e-5, false).dweight).toBeNull();
  });

  it('layerNorm of [1, 2, 3, 4] by hand; bad weights are rejected', () => {
    const s = Math.sqrt(1.25);
    const y = layerNorm(
      tensor([[1, 2, 3, 4]], { dtype: 'float64' }),
      4,
      null,
      null,
      0,
    ).toArraySync() as number[][];
    [-1.5 / s, -0.5 / s, 0.5 / s, 1.5 / s].forEach((v, i) => expect(y[0][i]).toBeCloseTo(v, 14));
    expect(() => layerNorm(tensor([[1, 2]]), [2], tensor([1, 2, 3]))).toThrow(
      /weight must have the normalizedShape \[2\], got \[3\]/,
    );
    expect(() => layerNorm(tensor([[1, 2]], { dtype: 'int32' }), 2)).toThrow(/float32 or float64/);
  });

  it('GELU gradient, exact and tanh forms', () => {
    const x = randn([40], f64);
    const gy = randn([40], f64);
    const cdf = erf(x.mul(Math.SQRT1_2)).add(1).mul(0.5);
    const pdf = exp(x.square().mul(-0.5)).mul(1 / Math.sqrt(2 * Math.PI));
    expect(maxAbsDiff(geluBackward(x, gy).dataSync(), gy.mul(cdf.add(x.mul(pdf))).dataSync())).toBeLessThan(
      1e-12,
    );
    // tanh form against central differences of gelu(x, 'tanh')
    const h = 1e-6;
    const num = x
      .add(h)
      .gelu({ approximate: 'tanh' })
      .sub(x.sub(h).gelu({ approximate: 'tanh' }))
      .div(2 * h)
      .mul(gy);
    expect(maxAbsDiff(geluBackward(x, gy, 'tanh').dataSync(), num.dataSync())).toBeLessThan(1e-7);
  });

  it('softmax and log-softmax gradients along any axis', () => {
    const x = randn([3, 4, 5], f64);
    const gy = randn([3, 4, 5], f64);
    for (const axis of [0, 1, 2]) {
      const y = x.softmax(axis);
      const want = y.mul(gy.sub(gy.mul(y).sum(axis, true)));
      expect(maxAbsDiff(softmaxBackward(y, gy, axis, false).dataSync(), want.dataSync())).toBeLessThan(1e-13);
      const ly = x.logSoftmax(axis);
      const wantLog = gy.sub(ly.exp().mul(gy.sum(axis, true)));
      expect(maxAbsDiff(softmaxBackward(ly, gy, axis, true).dataSync(), wantLog.dataSync())).toBeLessThan(
        1e-13,
      );
    }
  });
});

describe('the fused Adam step', () => {
  it('matches one AdamW step worked out by hand (float64)', () => {
    const p = tensor([0.5, -1], { dtype: 'float64' });
    const g = tensor([0.1, 0.2], { dtype: 'float64' });
    const zero = tensor([0, 0], { dtype: 'float64' });
    const o = {
      lr: 0.01,
      beta1: 0.9,
      beta2: 0.999,
      eps: 1e-8,
      weightDecay: 0.1,
      decoupled: true,
      step: 1,
      amsgrad: false,
      maximize: false,
    };
    const r = adamUpdate(p, g, zero, zero, null, o);
    // θ·(1 − ηλ), m = 0.1g, v = 0.001g², m̂/√v̂ = g/|g| at step 1:  θ' = θ(1 − 0.001) − 0.01·sign(g)·(1 − ε-ish)
    const want = [0.5, -1].map((t, i) => {
      const gi = [0.1, 0.2][i];
      const m = 0.1 * gi;
      const v = 0.001 * gi * gi;
      return t * (1 - 0.001) - (m / (Math.sqrt(v) / Math.sqrt(0.001) + 1e-8)) * (0.01 / 0.1);
    });
    (r.param.toArraySync() as number[]).forEach((v, i) => expect(v).toBeCloseTo(want[i], 15));
    (r.expAvg.toArraySync() as number[]).forEach((v, i) => expect(v).toBeCloseTo([0.01, 0.02][i], 15)); // m = (1 − β₁)g
    (r.expAvgSq.toArraySync() as number[]).forEach((v, i) => expect(v).toBeCloseTo([1e-5, 4e-5][i], 15)); // v = (1 − β₂)g²
    expect(r.maxExpAvgSq).toBeNull();
  });
});
