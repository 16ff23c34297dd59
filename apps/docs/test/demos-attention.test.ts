// The attention page's demo logic in Node: the averaging matrix, the causal softmax, one head's
// Q·Kᵀ/√d from @dendrite/nn, the heads of a trained GPT, and multi-head shapes — against numbers
// worked out by hand or by an independent route.
import { wasmBackend } from '@dendrite/backend-wasm';
import { GPT } from '@dendrite/gpt';
import { decodeSafetensors, toTensors } from '@dendrite/nn';
import { cpuBackend, liveStorageCount } from '@dendrite/tensor';
import { CharTokenizer } from '@dendrite/tokenizer';
import { describe, expect, it } from 'vitest';
import {
  averagePast,
  LAB_OPTIONS,
  LAB_SENTENCE,
  LAB_STEPS,
  maskedWeights,
  modelAttention,
  modelInput,
  multiHead,
  queryKeyValue,
  TOY_TOKENS,
  weightsFile,
} from '../src/attention.js';
import { courseCorpus } from '../src/corpus.js';
import { readHead } from '../src/head-reading.js';
import { TinyTrainer } from '../src/trainer.js';

const x = TOY_TOKENS.map((t) => t.vector);

/** Rows sum to 1 and nothing above the diagonal. */
function expectCausalRows(m: number[][], digits = 6): void {
  m.forEach((row, i) => {
    expect(row.reduce((s, w) => s + w, 0)).toBeCloseTo(1, digits);
    row.forEach((w, j) => j > i && expect(w).toBe(0));
  });
}

describe('step 1: averaging the past', () => {
  it('wei is tril(ones) with rows divided by their sums; row t of wei·x is the mean of x₀…x_t', () => {
    const { wei, out } = averagePast(x);
    expect(wei[0]).toEqual([1, 0, 0, 0, 0]);
    expect(wei[2].map((w) => w.toFixed(4))).toEqual(['0.3333', '0.3333', '0.3333', '0.0000', '0.0000']);
    expectCausalRows(wei);
    // h [1,0], e [0,1], l [2,2]: the mean of the first three is [1, 1]
    expect(out[2][0]).toBeCloseTo(1, 6);
    expect(out[2][1]).toBeCloseTo(1, 6);
    // all five: [(1+0+2+2−1)/5, (0+1+2+2+1)/5] = [0.8, 1.2]
    expect(out[4][0]).toBeCloseTo(0.8, 6);
    expect(out[4][1]).toBeCloseTo(1.2, 6);
  });
});

describe('step 2: scores, the causal mask, softmax', () => {
  it('sharpness 0 gives exactly the uniform average of step 1', () => {
    const r = maskedWeights(x, 0);
    expect(r.weights).toEqual(averagePast(x).wei.map((row) => row.map((w) => Math.fround(w))));
    expect(r.masked[0].slice(1)).toEqual([-Infinity, -Infinity, -Infinity, -Infinity]);
  });
  it('scores are x·xᵀ; the second l puts its weight on the two ls; causalSoftmax equals mask-then-softmax', () => {
    const r = maskedWeights(x, 1);
    expect(r.scores[3]).toEqual([2, 2, 8, 8, 0]); // l·h, l·e, l·l, l·l, l·o
    expect(r.masked[3]).toEqual([2, 2, 8, 8, -Infinity]);
    expectCausalRows(r.weights);
    // softmax of [2, 2, 8, 8]: e⁸ / (2e² + 2e⁸) each for the ls
    const big = Math.exp(8) / (2 * Math.exp(2) + 2 * Math.exp(8));
    expect(r.weights[3][2]).toBeCloseTo(big, 6);
    expect(r.check).toBeLessThan(1e-6);
  });
});

describe('step 3: queries, keys and values', () => {
  it('attentionWeights(q, k) is softmax(q·kᵀ/√hs) over the past, recomputed here from the shown Q and K', () => {
    const r = queryKeyValue('hello', 4, 7);
    expect(r.tokens).toEqual(['h', 'e', 'l', 'l', 'o']);
    expect([r.x[0].length, r.q.length, r.q[0].length, r.k[0].length, r.v[0].length]).toEqual([8, 5, 4, 4, 4]);
    expectCausalRows(r.weights);
    r.q.forEach((qi, i) => {
      const s = r.k.slice(0, i + 1).map((kj) => qi.reduce((acc, v, c) => acc + v * kj[c], 0) / 2);
      const e = s.map((v) => Math.exp(v - Math.max(...s)));
      const z = e.reduce((a, b) => a + b, 0);
      e.forEach((ej, j) => expect(r.weights[i][j]).toBeCloseTo(ej / z, 5));
      s.forEach((sj, j) => expect(r.scores[i][j]).toBeCloseTo(sj, 5));
    });
    expect(r.scores[0].slice(1).every((s) => s === -Infinity)).toBe(true);
    expect(r.check).toBeLessThan(1e-6);
    // weights·V by hand for the last token
    for (let c = 0; c < 4; c++)
      expect(r.out[4][c]).toBeCloseTo(
        r.weights[4].reduce((acc, w, j) => acc + w * r.v[j][c], 0),
        5,
      );
  });
  it('keeps a–z and space, at most 8 letters; the seed changes the projections', () => {
    expect(queryKeyValue('Hi, you there!', 2, 1).tokens.join('')).toBe('hi you t');
    expect(queryKeyValue('!!', 2, 1).tokens).toEqual([' ']);
    expect(queryKeyValue('hello', 4, 1).q).not.toEqual(queryKeyValue('hello', 4, 2).q);
    expect(queryKeyValue('hello', 4, 1).q).toEqual(queryKeyValue('hello', 4, 1).q);
  });
});

describe('step 4: the heads of a GPT trained on the course', () => {
  it('modelInput keeps known characters, the first blockSize of them, and says what it left out', () => {
    const tok = CharTokenizer.fromCorpus('abc ');
    const r = modelInput(tok, 'a€b€c☃ abcabc', 6);
    expect(r.chars.join('')).toBe('abc ab');
    expect(r.ids).toEqual(tok.encode('abc ab'));
    expect(r.dropped).toEqual(['€', '☃']);
    expect(r.cut).toBe(4);
  });

  it('trains seeded, then gives [layer][head][T][T] causal weights that are the model’s own; the weights file round-trips', async () => {
    const trainer = new TinyTrainer(courseCorpus(), { ...LAB_OPTIONS, backend: wasmBackend });
    const input = modelInput(trainer.tokenizer, LAB_SENTENCE, LAB_OPTIONS.blockSize);
    expect(input.chars.join('')).toBe(LAB_SENTENCE);
    expect(input.dropped).toEqual([]);
    const before = await modelAttention(trainer.model, input.ids);
    for (let i = 0; i < 40; i++) await trainer.step();
    const storages = liveStorageCount();
    const after = await modelAttention(trainer.model, input.ids);
    expect(liveStorageCount()).toBe(storages); // the pass's tensors are freed
    expect(after.check).toBeLessThan(1e-5);
    expect(after.layers).toHaveLength(2);
    expect(after.layers[0]).toHaveLength(4);
    expect(after.layers[1][3]).toHaveLength(LAB_SENTENCE.length);
    for (const head of after.layers.flat()) expectCausalRows(head, 5);
    // training moved the weights
    expect(after.layers[1][0][10]).not.toEqual(before.layers[1][0][10]);
    // independent route: the downloaded weights, loaded into a fresh GPT on the cpu backend
    const bytes = await weightsFile(trainer.model, 40);
    const decoded = decodeSafetensors(bytes);
    expect(decoded.metadata).toMatchObject({ step: '40' });
    const config = JSON.parse(decoded.metadata!.config);
    const copy = new GPT(config);
    copy.loadStateDict(toTensors(decoded));
    expect(copy.lm_head.weight.backend).toBe(cpuBackend);
    const cpu = await modelAttention(copy, input.ids);
    const diff = Math.max(...cpu.layers.flat(3).map((w, i) => Math.abs(w - after.layers.flat(3)[i])));
    expect(diff).toBeLessThan(1e-4); // wasm and cpu round float32 differently
    trainer.dispose();
  }, 600_000); // about 15 s alone: 40 steps on a loaded machine

  it('after the page’s seeded training every head is sharper than averaging, most several times', async () => {
    const trainer = new TinyTrainer(courseCorpus(), { ...LAB_OPTIONS, backend: wasmBackend });
    const input = modelInput(trainer.tokenizer, LAB_SENTENCE, LAB_OPTIONS.blockSize);
    const before = (await modelAttention(trainer.model, input.ids)).layers
      .flat()
      .map((m) => readHead(m, input.chars));
    for (let i = 0; i < LAB_STEPS; i++) await trainer.step();
    const after = (await modelAttention(trainer.model, input.ids)).layers
      .flat()
      .map((m) => readHead(m, input.chars));
    const averaging = after[0].averaging;
    // untrained, every head is close to the averaging matrix
    for (const r of before) expect(r.sharpness).toBeLessThan(1.2 * averaging);
    // what the page's text promises, true of every model in 36 runs (8 seeds, both WebAssembly
    // builds; 1.42× and 4.25× the lowest): each head 1.4× averaging or more, their mean over 4×
    for (const r of after) expect(r.sharpness).toBeGreaterThan(1.4 * averaging);
    expect(after.reduce((s, r) => s + r.sharpness, 0) / after.length).toBeGreaterThan(4 * averaging);
    trainer.dispose();
  }, 600_000); // about 16 s alone: the page’s 300 steps
});

describe('step 4: reading a head (what the page prints under each map)', () => {
  const chars = [...'the cat sat on it'];
  const T = chars.length;
  /** Causal rows with `w` at the column `pick(i)` chooses and the rest of the row spread evenly before it. */
  const head = (pick: (i: number) => number, w = 0.8): number[][] =>
    Array.from({ length: T }, (_, i) =>
      Array.from({ length: T }, (_, j) => {
        if (j > i) return 0;
        if (i === 0) return 1;
        return j === pick(i) ? w : (1 - w) / i;
      }),
    );
  const lastVowel = (i: number) =>
    Math.max(0, ...chars.flatMap((c, j) => (j <= i && 'aeiou'.includes(c) ? [j] : [])));
  const lastSpace = (i: number) => Math.max(0, ...chars.flatMap((c, j) => (j < i && c === ' ' ? [j] : [])));

  it('names the five patterns from where the rows put their largest weight', () => {
    expect(readHead(head(lastVowel), chars).pattern).toBe('vowels');
    expect(readHead(head(lastSpace, 0.95), chars).pattern).toBe('spaces');
    expect(
      readHead(
        head((i) => i - 1),
        chars,
      ).pattern,
    ).toBe('previous');
    expect(
      readHead(
        head((i) => i),
        chars,
      ).pattern,
    ).toBe('itself');
    expect(
      readHead(
        head(() => 0),
        chars,
      ).pattern,
    ).toBe('first');
  });

  it('averaging has no pattern and the averaging sharpness; shares sum to 1, largest first', () => {
    const avg = Array.from({ length: T }, (_, i) =>
      Array.from({ length: T }, (_, j) => (j <= i ? 1 / (i + 1) : 0)),
    );
    const r = readHead(avg, chars);
    expect(r.pattern).toBeNull();
    expect(r.sharpness).toBeCloseTo(r.averaging, 12);
    const want = Array.from({ length: T - 1 }, (_, k) => 1 / (k + 2)).reduce((s, v) => s + v, 0) / (T - 1);
    expect(r.averaging).toBeCloseTo(want, 12);
    expect(r.reads.reduce((s, x) => s + x.share, 0)).toBeCloseTo(1, 12);
    r.reads.forEach((x, i) => i > 0 && expect(x.share).toBeLessThanOrEqual(r.reads[i - 1].share));
    // the reads of the "first character" head: nearly all on t (position 0), and t once more at 4
    const first = readHead(
      head(() => 0, 0.9),
      chars,
    );
    expect(first.reads[0].char).toBe('t');
    expect(first.sharpness).toBeCloseTo(0.9, 12);
  });

  it('a row that only half follows is not enough: below the thresholds there is no name', () => {
    expect(readHead(head(lastVowel, 0.4), chars).pattern).toBeNull(); // vowels, but not sharp
    expect(readHead(head(lastSpace, 0.8), chars).pattern).toBeNull(); // 20 % of the weight off spaces
    // previous in only half the rows
    expect(
      readHead(
        head((i) => (i % 2 === 0 ? i - 1 : 0)),
        chars,
      ).pattern,
    ).toBeNull();
  });
});

describe('step 5: multi-head attention and c_proj', () => {
  it('[B, T, C] → [B, T, 3C] → [B, nh, T, hs] → [B, nh, T, T] → back to [B, T, C], equal to forward', () => {
    const r = multiHead(32, 4, 6);
    expect(r.stages.map((s) => s.shape)).toEqual([
      [1, 6, 32],
      [1, 6, 96],
      [1, 6, 32],
      [1, 4, 6, 8],
      [1, 4, 6, 6],
      [1, 4, 6, 8],
      [1, 6, 32],
      [1, 6, 32],
    ]);
    expect(r.check).toBeLessThan(1e-6);
    // the parameter count does not depend on the number of heads
    expect(multiHead(32, 1, 6).params).toEqual(r.params);
    expect(r.params).toEqual({ c_attn: 32 * 96 + 96, c_proj: 32 * 32 + 32 });
  });
});
