import { gradcheck } from '@dendrite/autograd';
import { concat, Generator, randn, type Tensor, tensor } from '@dendrite/tensor';
import { describe, expect, it } from 'vitest';
import { CausalSelfAttention, KVCache } from './attention.js';
import { Block } from './block.js';

const f64 = { dtype: 'float64' as const };

/** Attention written the slow, obvious way: per batch, per head, per query position. */
function naiveAttention(attn: CausalSelfAttention, x: number[][][]): number[][][] {
  const W = attn.c_attn.weight.toArraySync() as number[][];
  const bq = attn.c_attn.bias!.toArraySync() as number[];
  const P = attn.c_proj.weight.toArraySync() as number[][];
  const bp = attn.c_proj.bias!.toArraySync() as number[];
  const C = attn.nEmbd;
  const H = attn.nHead;
  const d = C / H;
  const lin = (v: number[], w: number[][], b: number[]) =>
    w.map((row, o) => row.reduce((s, wi, i) => s + wi * v[i], b[o]));
  return x.map((seq) => {
    const qkv = seq.map((v) => lin(v, W, bq));
    const out = seq.map((_, t) => {
      const heads: number[] = [];
      for (let h = 0; h < H; h++) {
        const q = qkv[t].slice(h * d, (h + 1) * d);
        const scores: number[] = [];
        for (let s = 0; s <= t; s++) {
          const k = qkv[s].slice(C + h * d, C + (h + 1) * d);
          scores.push(q.reduce((acc, qi, i) => acc + qi * k[i], 0) / Math.sqrt(d));
        }
        const m = Math.max(...scores);
        const e = scores.map((s) => Math.exp(s - m));
        const z = e.reduce((a, b) => a + b, 0);
        for (let i = 0; i < d; i++) {
          let acc = 0;
          for (let s = 0; s <= t; s++) acc += (e[s] / z) * qkv[s][2 * C + h * d + i];
          heads.push(acc);
        }
      }
      return heads;
    });
    return out.map((v) => lin(v, P, bp));
  });
}

describe('CausalSelfAttention', () => {
  const g = new Generator(5);
  const attn = new CausalSelfAttention(8, { nHead: 2, generator: g }).to('float64');
  const x = randn([2, 5, 8], { ...f64, generator: g });

  it('matches a naive per-head loop', () => {
    const got = attn.forward(x).toArraySync() as number[][][];
    const want = naiveAttention(attn, x.toArraySync() as number[][][]);
    got.flat(2).forEach((v, i) => expect(v).toBeCloseTo(want.flat(2)[i], 10));
  });

  it('gives the same result batched or one sequence at a time', () => {
    const batched = attn.forward(x).toArraySync() as number[][][];
    const one = attn.forward(x.select(0, 1)).toArraySync() as number[][];
    one.flat().forEach((v, i) => expect(v).toBeCloseTo(batched[1].flat()[i], 12));
  });

  it('is causal: changing a later position does not change earlier outputs', () => {
    const y1 = attn.forward(x).toArraySync() as number[][][];
    const x2 = concat([x.slice(1, 0, 3), randn([2, 2, 8], { ...f64, generator: g })], 1);
    const y2 = attn.forward(x2).toArraySync() as number[][][];
    for (let t = 0; t < 3; t++) y2[0][t].forEach((v, i) => expect(v).toBeCloseTo(y1[0][t][i], 12));
  });

  it('with a KV cache, feeding one token at a time equals the full pass', () => {
    const full = attn.forward(x).toArraySync() as number[][][];
    const cache = new KVCache();
    const steps: Tensor[] = [];
    steps.push(attn.forward(x.slice(1, 0, 2), cache));
    for (let t = 2; t < 5; t++) steps.push(attn.forward(x.slice(1, t, t + 1), cache));
    expect(cache.length).toBe(5);
    const stepped = concat(steps, 1).toArraySync() as number[][][];
    stepped.flat(2).forEach((v, i) => expect(v).toBeCloseTo(full.flat(2)[i], 10));
  });

  it('with a KV cache, a chunk of several new tokens sees the cache and itself causally', () => {
    const full = attn.forward(x).toArraySync() as number[][][];
    const cache = new KVCache();
    const first = attn.forward(x.slice(1, 0, 2), cache);
    const chunk = attn.forward(x.slice(1, 2, 5), cache); // 3 queries over 5 keys
    const stepped = concat([first, chunk], 1).toArraySync() as number[][][];
    stepped.flat(2).forEach((v, i) => expect(v).toBeCloseTo(full.flat(2)[i], 10));
  });

  it('attentionWeights: [B, nHead, T, T] causal weights; weights·V, heads merged, c_proj is forward', () => {
    const att = attn.attentionWeights(x);
    expect(att.shape).toEqual([2, 2, 5, 5]);
    const rows = att.toArraySync() as number[][][][];
    for (const row of rows.flat(2)) expect(row.reduce((s, w) => s + w, 0)).toBeCloseTo(1, 14);
    rows.flat(2).forEach((row, r) => row.forEach((w, j) => j > r % 5 && expect(w).toBe(0)));
    // V from the same c_attn projection, by hand: the last C columns, split into heads
    const v = attn.c_attn.forward(x).slice(2, 16, 24).reshape(2, 5, 2, 4).transpose(1, 2);
    const merged = att.matmul(v).transpose(1, 2).reshape(2, 5, 8);
    const y = attn.c_proj.forward(merged).toArraySync() as number[][][];
    const want = attn.forward(x).toArraySync() as number[][][];
    y.flat(2).forEach((value, i) => expect(value).toBeCloseTo(want.flat(2)[i], 13));
    // one sequence: [nHead, T, T]
    const one = attn.attentionWeights(x.select(0, 1));
    expect(one.shape).toEqual([2, 5, 5]);
    (one.toArraySync() as number[][][]).flat(2).forEach((w, i) => expect(w).toBe(rows[1].flat(2)[i]));
    expect(() => attn.attentionWeights(tensor([1, 2, 3]))).toThrow(/must be \[batch, time, 8\]/);
  });

  it('attentionWeights matches the naive per-head softmax(q·k/√hs)', () => {
    const W = attn.c_attn.weight.toArraySync() as number[][];
    const bias = attn.c_attn.bias!.toArraySync() as number[];
    const seq = (x.toArraySync() as number[][][])[0];
    const qkv = seq.map((v) => W.map((row, o) => row.reduce((s, wi, i) => s + wi * v[i], bias[o])));
    const att = attn.attentionWeights(x).toArraySync() as number[][][][];
    for (let h = 0; h < 2; h++) {
      for (let t = 0; t < 5; t++) {
        const q = qkv[t].slice(h * 4, h * 4 + 4);
        const scores = qkv
          .slice(0, t + 1)
          .map((row) => q.reduce((s, qi, i) => s + qi * row[8 + h * 4 + i], 0) / Math.sqrt(4));
        const e = scores.map((s) => Math.exp(s - Math.max(...scores)));
        const z = e.reduce((a, b) => a + b, 0);
        e.forEach((ei, s) => expect(att[0][h][t][s]).toBeCloseTo(ei / z, 13));
      }
    }
  });

  it('passes gradcheck through attention', () => {
    const small = new CausalSelfAttention(4, { nHead: 2, generator: new Generator(1) }).to('float64');
    const input = randn([1, 3, 4], { ...f64, generator: new Generator(2) });
    const r = gradcheck((h) => small.forward(h), [input]);
    expect(r.ok, r.report).toBe(true);
  });

  it('rejects nEmbd not divisible by nHead and bad inputs', () => {
    expect(() => new CausalSelfAttention(10, { nHead: 3 })).toThrow(/not divisible by nHead 3/);
    expect(() => attn.forward(tensor([1, 2, 3]))).toThrow(/must be \[batch, time, 8\]/);
  });
});

describe('Block', () => {
  it('runs forward and backward, reaching every parameter; passes gradcheck', () => {
    const block = new Block(8, { nHead: 2, generator: new Generator(3) });
    const x = randn([2, 4, 8], { generator: new Generator(4) });
    const y = block.forward(x);
    expect(y.shape).toEqual([2, 4, 8]);
    y.square().mean().backward();
    for (const [name, p] of block.namedParameters()) {
      expect(p.grad, name).not.toBeNull();
      expect(p.grad!.shape).toEqual(p.shape);
    }
    const small = new Block(4, { nHead: 2, generator: new Generator(6) }).to('float64');
    const r = gradcheck((h) => small.forward(h), [randn([1, 3, 4], { ...f64, generator: new Generator(7) })]);
    expect(r.ok, r.report).toBe(true);
  });
});
