import { Generator, liveStorageCount, type Tensor, tensor, ValueError } from '@dendrite/tensor';
import { describe, expect, it, vi } from 'vitest';
import { CharTokenizer } from './char.js';
import {
  type CausalLM,
  type FinishReason,
  type GenerateOptions,
  generate,
  type KVCache,
} from './generate.js';
import { decodeStream } from './streaming.js';

/** A cache that just remembers which tokens were fed (a real model keeps keys and values). */
class TokenCache implements KVCache {
  tokens: number[] = [];
  disposed = false;
  get length(): number {
    return this.tokens.length;
  }
  dispose(): void {
    this.disposed = true;
  }
}

/**
 * A bigram language model with a positional bias: logits(position p, token x) = W[x] + P[p].
 * The bias makes any position mix-up between the cached and uncached paths visible.
 * It records the length of every input it is given and refuses inputs past blockSize.
 */
class BigramLM implements CausalLM<TokenCache> {
  readonly calls: number[] = [];
  readonly caches: TokenCache[] = [];
  constructor(
    readonly vocab: number,
    readonly blockSize: number,
    private readonly W: number[][],
    private readonly P: number[][],
    private readonly lastOnly = false,
  ) {}

  static random(vocab: number, blockSize: number, seed: number, lastOnly = false): BigramLM {
    const g = new Generator(seed);
    const mat = (rows: number) =>
      Array.from({ length: rows }, () => Array.from({ length: vocab }, () => 2 * g.nextNormal()));
    return new BigramLM(vocab, blockSize, mat(vocab), mat(blockSize), lastOnly);
  }

  private forward(ids: Tensor, start: number): Tensor {
    const x = Array.from(ids.dataSync());
    this.calls.push(x.length);
    if (ids.shape[0] !== 1 || start + x.length > this.blockSize) {
      throw new Error(`input of ${x.length} tokens at position ${start} exceeds blockSize ${this.blockSize}`);
    }
    const rows = x.map((tok, t) => this.W[tok].map((w, v) => w + this.P[start + t][v]));
    const out = this.lastOnly ? rows.slice(-1) : rows;
    return tensor(Float32Array.from(out.flat()), { shape: [1, out.length, this.vocab] });
  }

  logits(ids: Tensor): Tensor {
    return this.forward(ids, 0);
  }

  createCache(): TokenCache {
    const c = new TokenCache();
    this.caches.push(c);
    return c;
  }

  logitsWithCache(ids: Tensor, cache: TokenCache): Tensor {
    const out = this.forward(ids, cache.length);
    cache.tokens.push(...Array.from(ids.dataSync()));
    return out;
  }
}

/** The same model without cache methods. */
function uncached(m: BigramLM): CausalLM {
  return { blockSize: m.blockSize, logits: (ids) => m.logits(ids) };
}

async function collect(
  it: AsyncGenerator<number, FinishReason, undefined>,
): Promise<{ ids: number[]; reason: FinishReason }> {
  const ids: number[] = [];
  for (;;) {
    const r = await it.next();
    if (r.done) return { ids, reason: r.value };
    ids.push(r.value);
  }
}

describe('generate', () => {
  it('gives identical tokens with and without a cache, for the same seed', async () => {
    for (const seed of [1, 2, 3]) {
      const m = BigramLM.random(11, 4, seed);
      const opts: GenerateOptions = { maxTokens: 25, seed, temperature: 0.9, topK: 8 };
      const withCache = await collect(generate(m, [3, 5], opts));
      const without = await collect(generate(uncached(m), [3, 5], opts));
      expect(withCache.ids.length).toBe(25);
      expect(withCache).toEqual(without);
      const forced = await collect(generate(m, [3, 5], { ...opts, useCache: false }));
      expect(forced).toEqual(without);
    }
  });

  it('with a cache, feeds the prompt once, then one token a step, re-priming when full', async () => {
    const m = BigramLM.random(7, 4, 9);
    await collect(generate(m, [1, 2], { maxTokens: 5, seed: 0 }));
    // prompt (2) → cache 2; +1 → 3; +1 → 4 (full); then a fresh cache primed with the last 4, twice.
    expect(m.calls).toEqual([2, 1, 1, 4, 4]);
    expect(m.caches.length).toBe(3);
    expect(m.caches.every((c) => c.disposed)).toBe(true);
  });

  it('without a cache, crops the context to blockSize and reruns the model', async () => {
    const m = BigramLM.random(7, 3, 9);
    await collect(generate(uncached(m), [1, 2, 3, 4, 5], { maxTokens: 3, seed: 0 }));
    expect(m.calls).toEqual([3, 3, 3]);
    const short = BigramLM.random(7, 8, 9);
    await collect(generate(uncached(short), [1], { maxTokens: 3, seed: 0 }));
    expect(short.calls).toEqual([1, 2, 3]);
  });

  it('accepts a model that returns only the last position', async () => {
    const full = BigramLM.random(9, 5, 4);
    const last = BigramLM.random(9, 5, 4, true);
    const opts = { maxTokens: 12, seed: 8 };
    expect(await collect(generate(last, [0], opts))).toEqual(await collect(generate(full, [0], opts)));
  });

  it('a seed reproduces the text; another seed changes it', async () => {
    const m = BigramLM.random(20, 6, 5);
    const a = await collect(generate(m, [0], { maxTokens: 30, seed: 7 }));
    const b = await collect(generate(m, [0], { maxTokens: 30, generator: new Generator(7) }));
    const c = await collect(generate(m, [0], { maxTokens: 30, seed: 8 }));
    expect(a).toEqual(b);
    expect(a.ids).not.toEqual(c.ids);
  });

  it('stops at a stop token without yielding it', async () => {
    // A deterministic chain: 0 → 1 → 2 → 3 → 0 … (greedy), positional bias zero.
    const W = [0, 1, 2, 3].map((x) => [0, 1, 2, 3].map((y) => (y === (x + 1) % 4 ? 5 : 0)));
    const P = Array.from({ length: 8 }, () => [0, 0, 0, 0]);
    const m = new BigramLM(4, 8, W, P);
    expect(await collect(generate(m, [0], { greedy: true, stopTokens: [3], maxTokens: 10 }))).toEqual({
      ids: [1, 2],
      reason: 'stop',
    });
    expect(await collect(generate(m, [0], { greedy: true, maxTokens: 6 }))).toEqual({
      ids: [1, 2, 3, 0, 1, 2],
      reason: 'length',
    });
    expect(await collect(generate(m, [0], { maxTokens: 0 }))).toEqual({ ids: [], reason: 'length' });
  });

  it('stops when the AbortSignal fires', async () => {
    const m = BigramLM.random(5, 4, 1);
    const ctrl = new AbortController();
    const ids: number[] = [];
    const it = generate(m, [0], { maxTokens: 100, seed: 1, signal: ctrl.signal });
    for await (const id of it) {
      ids.push(id);
      if (ids.length === 3) ctrl.abort();
    }
    expect(ids.length).toBe(3);
    const done = new AbortController();
    done.abort();
    expect(await collect(generate(m, [0], { signal: done.signal }))).toEqual({ ids: [], reason: 'abort' });
    expect(m.caches.every((c) => c.disposed)).toBe(true);
  });

  // The abort comes from a macrotask (a timer, a UI event, a message), scheduled once the first
  // token is out. Counted in tokens, not time: at most one token may follow the abort.
  const macrotasks: [string, (fn: () => void) => void][] = [
    ['setTimeout(0)', (fn) => setTimeout(fn, 0)],
    ['setImmediate', (fn) => setImmediate(fn)],
    [
      'a MessageChannel message (a browser event)',
      (fn) => {
        const ch = new MessageChannel();
        ch.port1.onmessage = () => {
          ch.port1.close();
          fn();
        };
        ch.port2.postMessage(null);
      },
    ],
  ];
  it.each(macrotasks)('an abort fired from %s stops it within one token', async (_, schedule) => {
    for (const model of [BigramLM.random(5, 8, 1), uncached(BigramLM.random(5, 8, 1))]) {
      const ctrl = new AbortController();
      const it = generate(model, [0], { maxTokens: 1500, seed: 1, signal: ctrl.signal });
      let produced = 0;
      let producedAtAbort = -1;
      let reason: FinishReason | undefined;
      for (;;) {
        const r = await it.next();
        if (r.done) {
          reason = r.value;
          break;
        }
        produced++;
        if (produced === 1) {
          schedule(() => {
            producedAtAbort = produced;
            ctrl.abort();
          });
        }
      }
      expect(reason).toBe('abort');
      expect(producedAtAbort).toBeGreaterThanOrEqual(1);
      expect(produced - producedAtAbort).toBeLessThanOrEqual(1);
    }
  });

  it('without setImmediate (browsers, workers) it yields through a MessageChannel, closed after each token', async () => {
    vi.stubGlobal('setImmediate', undefined);
    try {
      const ctrl = new AbortController();
      const ids: number[] = [];
      let idsAtAbort = -1;
      for await (const id of generate(BigramLM.random(5, 8, 2), [0], {
        maxTokens: 1500,
        signal: ctrl.signal,
      })) {
        ids.push(id);
        if (ids.length === 1) {
          setTimeout(() => {
            idsAtAbort = ids.length;
            ctrl.abort();
          }, 0);
        }
      }
      expect(ids.length).toBeLessThan(1500); // stopped by the abort, not by maxTokens
      expect(idsAtAbort).toBeGreaterThanOrEqual(1);
      expect(ids.length - idsAtAbort).toBeLessThanOrEqual(1);
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it('leaves no tensors behind', async () => {
    const m = BigramLM.random(6, 4, 2);
    const before = liveStorageCount();
    await collect(generate(m, [1, 2, 3], { maxTokens: 10, seed: 3 }));
    await collect(generate(uncached(m), [1, 2, 3], { maxTokens: 10, seed: 3 }));
    expect(liveStorageCount()).toBe(before);
  });

  it('streams text with decodeStream', async () => {
    const tok = CharTokenizer.fromCorpus('abcd');
    const W = [0, 1, 2, 3].map((x) => [0, 1, 2, 3].map((y) => (y === (x + 1) % 4 ? 5 : 0)));
    const m = new BigramLM(
      4,
      8,
      W,
      Array.from({ length: 8 }, () => [0, 0, 0, 0]),
    );
    let text = '';
    for await (const chunk of decodeStream(
      tok,
      generate(m, tok.encode('a'), { greedy: true, maxTokens: 5 }),
    )) {
      text += chunk;
    }
    expect(text).toBe('bcdab');
  });

  it('rejects bad arguments', async () => {
    const m = BigramLM.random(5, 4, 1);
    const run = (prompt: number[], opts: GenerateOptions, model: CausalLM = m) =>
      collect(generate(model, prompt, opts));
    await expect(run([], {})).rejects.toThrow(/promptIds must hold at least one token/);
    await expect(run([1.5], {})).rejects.toThrow(ValueError);
    await expect(run([1], { maxTokens: -1 })).rejects.toThrow(/maxTokens/);
    await expect(run([1], { topP: 0 })).rejects.toThrow(/topP must be in \(0, 1\]/);
    await expect(run([1], { temperature: -0.5 })).rejects.toThrow(/temperature/);
    await expect(run([1], { topK: 0 })).rejects.toThrow(/topK/);
    await expect(run([1], { max_tokens: 3 } as GenerateOptions)).rejects.toThrow(
      /unknown option 'max_tokens'/,
    );
    await expect(run([1], {}, { blockSize: 0, logits: m.logits.bind(m) })).rejects.toThrow(/blockSize/);
  });
});
