import { describe, expect, it } from 'vitest';
import type { AdamUpdateOptions, Backend, BackendPrimitives, Handle, View } from './backend.js';
import { adamUpdateComposite, composeBackend, FUSED_KERNEL_NAMES, primitivesOf } from './backend-kit.js';
import {
  adamUpdate,
  causalSoftmax,
  cpuBackend,
  crossEntropyBackward,
  Generator,
  geluBackward,
  layerNorm,
  layerNormBackward,
  liveStorageCount,
  randn,
  setOpHook,
  softmaxBackward,
  softmaxCrossEntropy,
  type Tensor,
  tensor,
  tidy,
} from './index.js';

const g = new Generator(7);
const f64 = { dtype: 'float64' as const, generator: g };
/** The CPU primitives with every fused kernel at its default (composed from primitives). */
const composed = composeBackend({ ...primitivesOf(cpuBackend), name: 'cpu-composites' });

const diff = (a: Tensor, b: Tensor) => a.sub(b.to(a.backend)).abs().max().itemSync();

describe('composeBackend', () => {
  it('gives every fused kernel a default; primitivesOf strips them again', () => {
    for (const name of FUSED_KERNEL_NAMES) expect(typeof composed[name]).toBe('function');
    const prims = primitivesOf(cpuBackend) as unknown as Record<string, unknown>;
    for (const name of FUSED_KERNEL_NAMES) expect(prims[name]).toBeUndefined();
    expect(prims.name).toBe('cpu');
    expect(typeof prims.matmul).toBe('function');
  });

  it("each default equals the CPU backend's own kernel (float64, 1e-12)", () => {
    const x = randn([6, 10], f64);
    const w = randn([10], f64);
    const b = randn([10], f64);
    const gy = randn([6, 10], f64);
    const on = (t: Tensor) => t.to(composed);
    expect(diff(layerNorm(on(x), 10, on(w), on(b)), layerNorm(x, 10, w, b))).toBeLessThan(1e-12);
    const want = layerNormBackward(x, w, gy, 1e-5, true);
    const got = layerNormBackward(on(x), on(w), on(gy), 1e-5, true);
    expect(diff(got.dx, want.dx)).toBeLessThan(1e-12);
    expect(diff(got.dweight as Tensor, want.dweight as Tensor)).toBeLessThan(1e-12);
    expect(diff(got.dbias as Tensor, want.dbias as Tensor)).toBeLessThan(1e-12);
    for (const approximate of ['none', 'tanh'] as const) {
      expect(diff(geluBackward(on(x), on(gy), approximate), geluBackward(x, gy, approximate))).toBeLessThan(
        1e-12,
      );
    }
    const y = x.softmax(-1);
    for (const log of [false, true]) {
      const yy = log ? x.logSoftmax(-1) : y;
      expect(diff(softmaxBackward(on(yy), on(gy), -1, log), softmaxBackward(yy, gy, -1, log))).toBeLessThan(
        1e-12,
      );
    }
    const scores = randn([2, 4, 5], f64);
    expect(diff(causalSoftmax(on(scores), 0.5), causalSoftmax(scores, 0.5))).toBeLessThan(1e-12);
    const targets = tensor([3, -100, 0, 9, 5, 1], { dtype: 'int32' });
    for (const labelSmoothing of [0, 0.1]) {
      const opts = { labelSmoothing };
      expect(
        diff(softmaxCrossEntropy(on(x), on(targets), opts), softmaxCrossEntropy(x, targets, opts)),
      ).toBeLessThan(1e-12);
      const gl = randn([6], f64);
      expect(
        diff(
          crossEntropyBackward(on(x), on(targets), on(gl), opts),
          crossEntropyBackward(x, targets, gl, opts),
        ),
      ).toBeLessThan(1e-12);
    }
  });

  it('the CPU Adam kernel matches the reference step (adamUpdateComposite) for Adam, AdamW, AMSGrad, maximize', () => {
    const cases: Partial<AdamUpdateOptions>[] = [
      { decoupled: true, weightDecay: 0.1 },
      { decoupled: false, weightDecay: 0.01 },
      { decoupled: true, weightDecay: 0, amsgrad: true },
      { decoupled: false, weightDecay: 0, maximize: true },
    ];
    for (const c of cases) {
      const o: AdamUpdateOptions = {
        lr: 1e-2,
        beta1: 0.9,
        beta2: 0.99,
        eps: 1e-8,
        weightDecay: 0,
        decoupled: true,
        step: 3,
        amsgrad: false,
        maximize: false,
        ...c,
      };
      const [p, grad, m] = [randn([7], f64), randn([7], f64), randn([7], f64)];
      const v = randn([7], f64).square();
      const vmax = o.amsgrad ? v.add(0.5) : null;
      const want = adamUpdateComposite(p, grad, m, v, vmax, o);
      const got = adamUpdate(p, grad, m, v, vmax, o);
      expect(diff(got.param, want.param)).toBeLessThan(1e-14);
      expect(diff(got.expAvg, want.expAvg)).toBeLessThan(1e-14);
      expect(diff(got.expAvgSq, want.expAvgSq)).toBeLessThan(1e-14);
      if (o.amsgrad) expect(diff(got.maxExpAvgSq as Tensor, want.maxExpAvgSq as Tensor)).toBeLessThan(1e-14);
      else expect(got.maxExpAvgSq).toBeNull();
    }
  });

  it('a default kernel records nothing and frees its intermediates', () => {
    const x = randn([4, 8], f64).to(composed);
    const gy = randn([4, 8], f64).to(composed);
    const seen: string[] = [];
    const prev = setOpHook((e) => seen.push(e.op));
    try {
      const before = liveStorageCount();
      const dx = tidy(() => geluBackward(x, gy, 'none'));
      expect(seen).toEqual([]);
      expect(liveStorageCount()).toBe(before + 1);
      dx.dispose();
      expect(liveStorageCount()).toBe(before);
      expect(x.isDisposed || gy.isDisposed).toBe(false);
    } finally {
      setOpHook(prev);
    }
  });

  it("binds a class-based backend's methods to it; its own fused methods and the overrides win over defaults", () => {
    class Counting implements BackendPrimitives {
      calls = 0;
      readonly name = 'counting';
      readonly dtypes = cpuBackend.dtypes;
      readonly canReadSync = true;
      readonly gcManaged = true;
      upload = cpuBackend.upload;
      read = cpuBackend.read;
      readSync = cpuBackend.readSync;
      free = cpuBackend.free;
      copy = cpuBackend.copy;
      cast = cpuBackend.cast;
      fill = cpuBackend.fill;
      where = cpuBackend.where;
      reduce = cpuBackend.reduce;
      argReduce = cpuBackend.argReduce;
      cumsum = cpuBackend.cumsum;
      matmul = cpuBackend.matmul;
      softmax = cpuBackend.softmax;
      gather = cpuBackend.gather;
      scatterAdd = cpuBackend.scatterAdd;
      indexSelect = cpuBackend.indexSelect;
      indexAdd = cpuBackend.indexAdd;
      concat = cpuBackend.concat;
      binary: Backend['binary'] = (...args) => cpuBackend.binary(...args);
      unary(op: Parameters<Backend['unary']>[0], x: View): Handle {
        this.calls++; // `this` must be the instance
        return cpuBackend.unary(op, x);
      }
      /** A fused kernel of its own: used instead of the default. */
      causalSoftmax(x: View, scale: number): Handle {
        this.calls += 100;
        return cpuBackend.causalSoftmax(x, scale);
      }
    }
    const prims = new Counting();
    const softmaxGrads: string[] = [];
    const backend = composeBackend(prims, {
      softmaxBackward: (y, grad, axis, log) => {
        softmaxGrads.push('override');
        return cpuBackend.softmaxBackward(y, grad, axis, log);
      },
    });
    const x = randn([3, 3], f64).to(backend);
    x.exp();
    expect(prims.calls).toBe(1);
    causalSoftmax(x, 1);
    expect(prims.calls).toBe(101);
    softmaxBackward(x, x, -1, false);
    expect(softmaxGrads).toEqual(['override']);
    expect(backend.name).toBe('counting');
  });
});
