import { Generator, liveStorageCount, ShapeError, tensor, ValueError } from '@dendrite/tensor';
import { describe, expect, it } from 'vitest';
import {
  probabilities,
  processLogits,
  rowProbabilities,
  sample,
  sampleRow,
  sampleSync,
  validateSamplingOptions,
} from './sampling.js';

const logits = [1, 3, 2, 0]; // softmax ≈ [0.087, 0.644, 0.237, 0.032]

function frequencies(options: Parameters<typeof sampleRow>[1], n = 20000, seed = 1, row = logits) {
  const g = new Generator(seed);
  const counts = new Array(row.length).fill(0);
  for (let i = 0; i < n; i++) counts[sampleRow(row, options, g)]++;
  return counts.map((c) => c / n);
}

describe('sampling options', () => {
  it('greedy and temperature 0 take the argmax (lowest id on ties) without randomness', () => {
    const g = new Generator(5);
    const before = g.getState();
    expect(sampleRow(logits, { greedy: true }, g)).toBe(1);
    expect(sampleRow(logits, { temperature: 0 }, g)).toBe(1);
    expect(sampleRow([2, 5, 5], { greedy: true }, g)).toBe(1);
    expect(g.getState()).toEqual(before);
  });

  it('samples from softmax(logits) by default', () => {
    const f = frequencies({});
    const p = rowProbabilities(logits);
    for (let i = 0; i < 4; i++) expect(Math.abs(f[i] - p[i])).toBeLessThan(0.015);
    expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
  });

  it('temperature sharpens or flattens the distribution', () => {
    const cold = rowProbabilities(logits, { temperature: 0.5 });
    const hot = rowProbabilities(logits, { temperature: 2 });
    const base = rowProbabilities(logits);
    expect(cold[1]).toBeGreaterThan(base[1]);
    expect(hot[1]).toBeLessThan(base[1]);
  });

  it('top-k keeps the k largest logits (ties at the boundary kept)', () => {
    expect([...rowProbabilities(logits, { topK: 2 })].map((p) => p > 0)).toEqual([false, true, true, false]);
    expect([...rowProbabilities([1, 2, 2, 0], { topK: 1 })].map((p) => p > 0)).toEqual([
      false,
      true,
      true,
      false,
    ]);
    expect(frequencies({ topK: 1 })).toEqual([0, 1, 0, 0]);
    expect([...rowProbabilities(logits, { topK: 10 })].every((p) => p > 0)).toBe(true);
  });

  it('top-p keeps the smallest most-likely set reaching p', () => {
    // sorted: 0.644 (id 1), 0.237 (id 2), 0.087 (id 0), 0.032 (id 3)
    expect([...rowProbabilities(logits, { topP: 0.5 })].map((p) => p > 0)).toEqual([
      false,
      true,
      false,
      false,
    ]);
    expect([...rowProbabilities(logits, { topP: 0.85 })].map((p) => p > 0)).toEqual([
      false,
      true,
      true,
      false,
    ]);
    expect([...rowProbabilities(logits, { topP: 0.9 })].map((p) => p > 0)).toEqual([true, true, true, false]);
    expect([...rowProbabilities(logits, { topP: 1 })].every((p) => p > 0)).toBe(true);
    const p = rowProbabilities(logits, { topP: 0.85 });
    expect(p[1] + p[2]).toBeCloseTo(1, 12);
  });

  it('min-p drops tokens below minP × the top probability', () => {
    // p/pmax: 0.135, 1, 0.368, 0.050
    expect([...rowProbabilities(logits, { minP: 0.1 })].map((p) => p > 0)).toEqual([true, true, true, false]);
    expect([...rowProbabilities(logits, { minP: 0.4 })].map((p) => p > 0)).toEqual([
      false,
      true,
      false,
      false,
    ]);
  });

  it('applies repetition, frequency and presence penalties from previous ids', () => {
    const z = processLogits([2, -2, 1], { repetitionPenalty: 2 }, [0, 1, 1]);
    expect([...z]).toEqual([1, -4, 1]); // positive logits divided, negative multiplied, once per distinct id
    const f = processLogits([2, -2, 1], { frequencyPenalty: 0.5, presencePenalty: 1 }, [0, 1, 1]);
    expect([...f]).toEqual([2 - 0.5 - 1, -2 - 1 - 1, 1]);
    expect(sampleRow([2, 1.9], { greedy: true, repetitionPenalty: 2 }, new Generator(0), [0])).toBe(1);
  });

  it('a seed reproduces the same tokens', () => {
    const draw = (seed: number) => {
      const g = new Generator(seed);
      return Array.from({ length: 50 }, () => sampleRow(logits, { temperature: 0.9, topP: 0.95 }, g));
    };
    expect(draw(42)).toEqual(draw(42));
    expect(draw(42)).not.toEqual(draw(43));
  });

  it('rejects invalid options with ValueError', () => {
    const bad: Record<string, unknown>[] = [
      { temperature: -1 },
      { temperature: Number.NaN },
      { temperature: Infinity },
      { topK: 0 },
      { topK: 1.5 },
      { topP: 0 },
      { topP: 1.01 },
      { topP: -0.5 },
      { minP: 2 },
      { repetitionPenalty: 0 },
      { frequencyPenalty: Infinity },
      { greedy: 'yes' },
      { top_p: 0.9 },
    ];
    for (const o of bad) expect(() => validateSamplingOptions(o), JSON.stringify(o)).toThrow(ValueError);
    expect(() => validateSamplingOptions({ topP: 0.5 }, 'generate')).not.toThrow();
    expect(() => validateSamplingOptions({ topK: 0 }, 'generate')).toThrow(
      /generate: topK must be an integer ≥ 1, got 0/,
    );
    expect(() => sampleRow([Number.NaN, 1])).toThrow(/NaN/);
    expect(() => sampleRow([-Infinity, -Infinity])).toThrow(/nothing to sample/);
  });
});

describe('sampling from tensors', () => {
  const batch = () =>
    tensor([
      [1, 3, 2, 0],
      [0, 0, 10, 0],
    ]);

  it('samples one token per row', async () => {
    const t = batch();
    expect(await sample(t, { greedy: true })).toEqual([1, 2]);
    expect(sampleSync(t, { topK: 1 })).toEqual([1, 2]);
    const a = await sample(t, { generator: new Generator(3) });
    const b = sampleSync(t, { generator: new Generator(3) });
    expect(a).toEqual(b);
    expect(await sample(tensor([0, 5, 0]), { greedy: true })).toEqual([1]);
    t.dispose();
  });

  it('uses previousIds per row and checks their count', async () => {
    const t = batch();
    expect(await sample(t, { greedy: true, presencePenalty: 100, previousIds: [[1], []] })).toEqual([2, 2]);
    await expect(sample(t, { previousIds: [[1]] })).rejects.toThrow(
      /previousIds has 1 rows but logits have 2/,
    );
    await expect(sample(t, { topP: 2 })).rejects.toThrow(ValueError);
    t.dispose();
  });

  it('returns filtered probabilities as a tensor, leaving nothing else behind', async () => {
    const t = batch();
    const before = liveStorageCount();
    const p = await probabilities(t, { topK: 2 });
    expect(liveStorageCount()).toBe(before + 1);
    expect(p.shape).toEqual([2, 4]);
    const v = Array.from(await p.data());
    expect(v[0]).toBe(0);
    expect(v[3]).toBe(0);
    expect(v[1] + v[2]).toBeCloseTo(1, 6);
    expect(v[6]).toBeGreaterThan(0.99);
    p.dispose();
    t.dispose();
  });

  it('rejects logits of the wrong rank', async () => {
    const t = tensor([[[1, 2]]]);
    await expect(sample(t)).rejects.toThrow(ShapeError);
    t.dispose();
  });
});
