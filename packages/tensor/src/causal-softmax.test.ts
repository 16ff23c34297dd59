import { describe, expect, it } from 'vitest';
import { composeBackend, primitivesOf } from './backend-kit.js';
import {
  type Backend,
  causalSoftmax,
  cpuBackend,
  DTypeError,
  Generator,
  randn,
  ShapeError,
  setOpHook,
  type Tensor,
  tensor,
  ValueError,
} from './index.js';

const g = new Generator(11);
const f64 = { dtype: 'float64' as const, generator: g };

/** The CPU backend without its fused kernels: the core computes them from primitives. */
const unfused: Backend = composeBackend({ ...primitivesOf(cpuBackend), name: 'cpu-unfused-causal' });

/** Plain-JS reference: softmax(scale·x) of each row over keys j ≤ i + (Tk − Tq), zeros elsewhere. */
function reference(x: Tensor, scale: number): number[] {
  const data = Array.from(x.contiguous().dataSync());
  const tq = x.shape[x.rank - 2];
  const tk = x.shape[x.rank - 1];
  const out = new Array<number>(data.length).fill(0);
  for (let r = 0; r < data.length / tk; r++) {
    const seen = (r % tq) + tk - tq + 1;
    const row = data.slice(r * tk, r * tk + seen).map((v) => v * scale);
    const m = Math.max(...row);
    const e = row.map((v) => Math.exp(v - m));
    const s = e.reduce((a, b) => a + b, 0);
    e.forEach((v, j) => {
      out[r * tk + j] = v / s;
    });
  }
  return out;
}

function expectClose(got: ArrayLike<number>, want: ArrayLike<number>, tol: number): void {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++)
    expect(Math.abs(got[i] - want[i]), `element ${i}`).toBeLessThanOrEqual(tol);
}

function emitted(fn: () => unknown): string[] {
  const ops: string[] = [];
  const prev = setOpHook((e) => {
    ops.push(e.op);
    prev?.(e);
  });
  try {
    fn();
  } finally {
    setOpHook(prev);
  }
  return ops;
}

describe('causalSoftmax', () => {
  it('square scores [B, nh, T, T]: row i sees keys 0 … i; masked entries are exactly 0', () => {
    const x = randn([2, 3, 5, 5], f64);
    const y = causalSoftmax(x, 0.5);
    expectClose(y.dataSync(), reference(x, 0.5), 1e-15);
    const rows = y.toArraySync() as number[][][][];
    for (const head of rows.flat()) {
      head.forEach((row, i) => {
        expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 14);
        for (let j = i + 1; j < 5; j++) expect(row[j]).toBe(0);
      });
    }
  });

  it('fewer queries than keys (KV cache): query i sees keys up to i + Tk − Tq, the last sees all', () => {
    const x = randn([2, 3, 7], f64);
    const y = causalSoftmax(x, 1.3).toArraySync() as number[][][];
    expectClose(causalSoftmax(x, 1.3).dataSync(), reference(x, 1.3), 1e-15);
    expect(y[0][0].slice(5)).toEqual([0, 0]);
    expect(y[1][1][6]).toBe(0);
    expect(y[1][2].every((v) => v > 0)).toBe(true);
    // one query over the whole cache is a plain softmax of the scaled scores
    const q1 = randn([4, 1, 6], f64);
    expectClose(causalSoftmax(q1, 0.25).dataSync(), q1.mul(0.25).softmax(-1).dataSync(), 1e-15);
  });

  it('by hand: [[1, 2], [3, 4]] with scale 1', () => {
    const y = causalSoftmax(
      tensor(
        [
          [1, 2],
          [3, 4],
        ],
        { dtype: 'float64' },
      ),
    ).toArraySync() as number[][];
    expect(y[0]).toEqual([1, 0]);
    expect(y[1][0]).toBeCloseTo(1 / (1 + Math.E), 15);
    expect(y[1][1]).toBeCloseTo(Math.E / (1 + Math.E), 15);
  });

  it('reads permuted and sliced inputs through their strides', () => {
    const x = randn([4, 2, 6], f64);
    const p = x.permute(1, 0, 2).slice(2, 1); // [2, 4, 5], non-contiguous
    expectClose(causalSoftmax(p, 0.7).dataSync(), reference(p, 0.7), 1e-15);
    const t = randn([3, 6, 6], f64).mT; // transposed scores
    expectClose(t.causalSoftmax(2).dataSync(), reference(t, 2), 1e-15);
  });

  it('large scores stay finite (max-shifted over the visible keys only)', () => {
    const x = randn([3, 4, 4], { dtype: 'float32', generator: g, std: 50 }).add(1e4);
    const y = causalSoftmax(x, 1);
    expect(Array.from(y.dataSync()).every(Number.isFinite)).toBe(true);
    expectClose(y.dataSync(), reference(x, 1), 1e-5);
  });

  it('float32 keeps its dtype; the fallback from primitives gives the same values', () => {
    const x = randn([2, 3, 4, 6], { dtype: 'float32', generator: g, std: 3 });
    const fused = causalSoftmax(x, 0.125);
    const fallback = causalSoftmax(x.to(unfused), 0.125);
    expect(fused.dtype).toBe('float32');
    expect(fallback.dtype).toBe('float32');
    expectClose(fallback.dataSync(), fused.dataSync(), 1e-6);
    const x64 = randn([3, 5, 5], f64);
    expectClose(causalSoftmax(x64.to(unfused), 3).dataSync(), causalSoftmax(x64, 3).dataSync(), 1e-15);
  });

  it("emits one causalSoftmax op on every backend: the default kernel's primitives are not recorded", () => {
    const x = randn([2, 3, 3], f64);
    expect(emitted(() => causalSoftmax(x, 0.5))).toEqual(['causalSoftmax']);
    const onUnfused = x.to(unfused);
    expect(emitted(() => causalSoftmax(onUnfused, 0.5))).toEqual(['causalSoftmax']);
  });

  it('empty dims give empty results', () => {
    expect(causalSoftmax(randn([2, 0, 3], f64)).shape).toEqual([2, 0, 3]);
    expect(causalSoftmax(randn([0, 0], f64)).shape).toEqual([0, 0]);
  });

  it('rejects more queries than keys, scalars, vectors, integer scores and a bad scale', () => {
    expect(() => causalSoftmax(randn([2, 5, 3], f64))).toThrow(ShapeError);
    expect(() => causalSoftmax(randn([2, 5, 3], f64))).toThrow(
      /causalSoftmax: input \[2,5,3\] has 5 queries but only 3 keys/,
    );
    expect(() => causalSoftmax(randn([4], f64))).toThrow(/causalSoftmax: input must be \[\.\.\., Tq, Tk\]/);
    expect(() => causalSoftmax(tensor([[1, 2]], { dtype: 'int32' }))).toThrow(DTypeError);
    expect(() => causalSoftmax(randn([2, 2], f64), Number.NaN)).toThrow(ValueError);
    expect(() => causalSoftmax(randn([2, 2], f64), Number.POSITIVE_INFINITY)).toThrow(
      /scale must be a finite number/,
    );
  });
});
