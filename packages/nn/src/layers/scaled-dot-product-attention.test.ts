import { gradcheck } from '@dendrite/autograd';
import { type Backend, cpuBackend, Generator, ones, randn, ShapeError, type Tensor } from '@dendrite/tensor';
import { composeBackend, primitivesOf } from '@dendrite/tensor/backend';
import { describe, expect, it } from 'vitest';
import { functional as F } from '../index.js';
import { attentionWeights, scaledDotProductAttention } from './scaled-dot-product-attention.js';

const g = new Generator(9);
const f64 = { dtype: 'float64' as const, generator: g };

/** softmax(scale·Q·Kᵀ + mask)·V with the mask written out: query i sees keys j ≤ i + (Tk − Tq). */
function reference(q: Tensor, k: Tensor, v: Tensor, scale: number, causal: boolean): Tensor {
  const tq = q.shape[q.rank - 2];
  const tk = k.shape[k.rank - 2];
  let scores = q.matmul(k.mT).mul(scale);
  if (causal)
    scores = scores.maskedFill(
      ones([tq, tk])
        .triu(tk - tq + 1)
        .ne(0),
      Number.NEGATIVE_INFINITY,
    );
  return scores.softmax(-1).matmul(v);
}

function maxDiff(a: Tensor, b: Tensor): number {
  const x = a.dataSync();
  const y = b.dataSync();
  expect(x.length).toBe(y.length);
  let m = 0;
  for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i] - y[i]));
  return m;
}

describe('scaledDotProductAttention', () => {
  const q = randn([2, 3, 4, 8], f64);
  const k = randn([2, 3, 6, 8], f64);
  const v = randn([2, 3, 6, 5], f64);

  it('is softmax(Q·Kᵀ/√d)·V by default, also in nn.functional', () => {
    const y = scaledDotProductAttention(q, k, v);
    expect(y.shape).toEqual([2, 3, 4, 5]);
    expect(maxDiff(y, reference(q, k, v, 1 / Math.sqrt(8), false))).toBeLessThan(1e-14);
    expect(F.scaledDotProductAttention).toBe(scaledDotProductAttention);
  });

  it('isCausal: square scores see the past; fewer queries than keys align bottom-right (KV cache)', () => {
    const sq = randn([2, 5, 8], f64);
    expect(
      maxDiff(
        scaledDotProductAttention(sq, sq, sq, { isCausal: true }),
        reference(sq, sq, sq, 1 / Math.sqrt(8), true),
      ),
    ).toBeLessThan(1e-14);
    expect(
      maxDiff(
        scaledDotProductAttention(q, k, v, { isCausal: true, scale: 0.3 }),
        reference(q, k, v, 0.3, true),
      ),
    ).toBeLessThan(1e-14);
    // the last query of a causal chunk sees every key, like a non-causal single query
    const last = scaledDotProductAttention(q, k, v, { isCausal: true }).slice(2, 3);
    expect(maxDiff(last, scaledDotProductAttention(q.slice(2, 3), k, v))).toBeLessThan(1e-14);
  });

  it('broadcasts batch dims (one set of keys and values shared by every head)', () => {
    const k1 = k.slice(1, 0, 1); // [2, 1, 6, 8]
    const v1 = v.slice(1, 0, 1);
    const y = scaledDotProductAttention(q, k1, v1, { isCausal: true });
    expect(y.shape).toEqual([2, 3, 4, 5]);
    const want = reference(q, k1.expand(2, 3, 6, 8), v1.expand(2, 3, 6, 5), 1 / Math.sqrt(8), true);
    expect(maxDiff(y, want)).toBeLessThan(1e-14);
  });

  it('the same values on the default causal-softmax kernel (composed from primitives)', () => {
    const unfused: Backend = composeBackend({ ...primitivesOf(cpuBackend), name: 'cpu-unfused-sdpa' });
    const a = scaledDotProductAttention(q, k, v, { isCausal: true });
    const b = scaledDotProductAttention(q.to(unfused), k.to(unfused), v.to(unfused), { isCausal: true });
    expect(maxDiff(a, b.to(cpuBackend))).toBeLessThan(1e-14);
  });

  it('dropout: seeded, only when training, scaled by 1/(1−p)', () => {
    const y0 = scaledDotProductAttention(q, k, v, { dropoutP: 0.5, training: false });
    expect(maxDiff(y0, scaledDotProductAttention(q, k, v))).toBe(0);
    const a = scaledDotProductAttention(q, k, v, { dropoutP: 0.5, generator: new Generator(1) });
    const b = scaledDotProductAttention(q, k, v, { dropoutP: 0.5, generator: new Generator(1) });
    expect(maxDiff(a, b)).toBe(0);
    expect(maxDiff(a, y0)).toBeGreaterThan(0.01);
  });

  it('passes gradcheck in q, k and v (causal, KV-cache shaped)', () => {
    const r = gradcheck(
      (a, b, c) => scaledDotProductAttention(a, b, c, { isCausal: true }),
      [randn([2, 2, 3], f64), randn([2, 4, 3], f64), randn([2, 4, 2], f64)],
    );
    expect(r.ok, r.report).toBe(true);
  });

  it('rejects mismatched shapes, more queries than keys when causal, and a bad scale', () => {
    expect(() => scaledDotProductAttention(q, k.slice(3, 0, 7), v)).toThrow(ShapeError);
    expect(() => scaledDotProductAttention(q, k.slice(3, 0, 7), v)).toThrow(
      /scaledDotProductAttention: q and k must share the last dim, got q \[2,3,4,8\], k \[2,3,6,7\], v \[2,3,6,5\]/,
    );
    expect(() => scaledDotProductAttention(q, k, v.slice(2, 0, 5))).toThrow(/same number of positions/);
    expect(() => scaledDotProductAttention(k, q, q, { isCausal: true })).toThrow(
      /causal attention needs at least as many keys as queries/,
    );
    expect(() => scaledDotProductAttention(q, k, v, { scale: Number.NaN })).toThrow(
      /scale must be a finite number/,
    );
    expect(() => scaledDotProductAttention(q.select(0, 0).select(0, 0).select(0, 0), k, v)).toThrow(
      /must be \[\.\.\., T, d\]/,
    );
  });
});

describe('attentionWeights', () => {
  const q = randn([2, 3, 5, 4], f64);
  const k = randn([2, 3, 5, 4], f64);

  /** softmax(scale·Q·Kᵀ) with the causal mask written out, one query and one key at a time. */
  function byHand(qs: number[][], ks: number[][], scale: number, causal: boolean): number[][] {
    return qs.map((qi, i) => {
      const scores = ks.map((kj, j) =>
        causal && j > i + ks.length - qs.length
          ? Number.NEGATIVE_INFINITY
          : scale * qi.reduce((s, x, c) => s + x * kj[c], 0),
      );
      const m = Math.max(...scores);
      const e = scores.map((s) => Math.exp(s - m)); // exp(−∞) = 0
      const z = e.reduce((a, b) => a + b, 0);
      return e.map((x) => x / z);
    });
  }

  it('is softmax(Q·Kᵀ/√d) with −∞ above the diagonal, computed by hand; rows sum to 1, 0 above the diagonal', () => {
    const att = attentionWeights(q, k, { isCausal: true });
    expect(att.shape).toEqual([2, 3, 5, 5]);
    const got = att.toArraySync() as number[][][][];
    const qs = q.toArraySync() as number[][][][];
    const ks = k.toArraySync() as number[][][][];
    for (let b = 0; b < 2; b++) {
      for (let h = 0; h < 3; h++) {
        const want = byHand(qs[b][h], ks[b][h], 1 / Math.sqrt(4), true);
        got[b][h].forEach((row, i) => {
          row.forEach((w, j) => {
            expect(w).toBeCloseTo(want[i][j], 14);
            if (j > i) expect(w).toBe(0);
          });
          expect(row.reduce((s, w) => s + w, 0)).toBeCloseTo(1, 14);
        });
      }
    }
    expect(F.attentionWeights).toBe(attentionWeights);
  });

  it('without a mask every key counts; scale replaces 1/√d; fewer queries than keys align bottom-right', () => {
    const plain = attentionWeights(q, k, { scale: 0.7 }).toArraySync() as number[][][][];
    const want = byHand(
      (q.toArraySync() as number[][][][])[1][2],
      (k.toArraySync() as number[][][][])[1][2],
      0.7,
      false,
    );
    plain[1][2].flat().forEach((w, i) => expect(w).toBeCloseTo(want.flat()[i], 14));
    const last2 = q.slice(2, 3, 5); // the last two queries over all five keys (a KV cache)
    const cached = attentionWeights(last2, k, { isCausal: true });
    expect(cached.shape).toEqual([2, 3, 2, 5]);
    expect(maxDiff(cached, attentionWeights(q, k, { isCausal: true }).slice(2, 3, 5))).toBeLessThan(1e-15);
  });

  it('is the weights scaledDotProductAttention uses: att·V is its output, causal or not', () => {
    const v = randn([2, 3, 5, 6], f64);
    for (const isCausal of [true, false]) {
      const y = scaledDotProductAttention(q, k, v, { isCausal });
      expect(maxDiff(attentionWeights(q, k, { isCausal }).matmul(v), y)).toBe(0);
    }
  });

  it('passes gradcheck in q and k (causal)', () => {
    const w = randn([3, 3], f64); // a weighted sum of the weights, so every entry's gradient counts
    const r = gradcheck(
      (a, b) => attentionWeights(a, b, { isCausal: true }).mul(w),
      [randn([3, 2], f64), randn([3, 2], f64)],
    );
    expect(r.ok, r.report).toBe(true);
  });

  it('names itself and q and k in shape errors', () => {
    expect(() => attentionWeights(q, k.slice(3, 0, 3))).toThrow(
      /^attentionWeights: q and k must share the last dim, got q \[2,3,5,4\], k \[2,3,5,3\]$/,
    );
    expect(() => attentionWeights(k, q.slice(2, 0, 2), { isCausal: true })).toThrow(
      /attentionWeights: causal attention needs at least as many keys as queries/,
    );
    expect(() => attentionWeights(q, k, { scale: Number.POSITIVE_INFINITY })).toThrow(
      /attentionWeights: scale must be a finite number/,
    );
  });
});
