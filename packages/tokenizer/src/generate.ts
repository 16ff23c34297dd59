/**
 * Autoregressive generation: run the model on the context, sample the next token from the last
 * position's logits, append it, repeat. Written against a small structural interface so any
 * model (the GPT package's, or a bigram table in a test) can be driven.
 */
import {
  Generator,
  getDefaultGenerator,
  ShapeError,
  type Tensor,
  tensor,
  tidy,
  ValueError,
} from '@dendrite/tensor';
import { type SamplingOptions, sampleRow, validateSamplingOptions } from './sampling.js';

/**
 * A model-owned key/value cache. The model creates it, appends to it in `logitsWithCache` and
 * keeps `length` (the number of positions stored) up to date; `generate` only passes it back.
 */
export interface KVCache {
  /** Positions stored so far (the position of the next token fed). */
  readonly length: number;
  /** Frees the cache's tensors; called by `generate` when it is done with the cache. */
  dispose?(): void;
}

/**
 * What `generate` needs from a causal language model.
 *
 * - `logits(ids)`: `ids` is an int32 tensor `[batch, T]` with 1 ≤ T ≤ `blockSize` (positions
 *   0…T−1); returns logits `[batch, T, vocab]`. Returning only the last position
 *   (`[batch, 1, vocab]`, as nanoGPT does at inference) is fine too: `generate` reads the last
 *   position along axis 1. Without a cache, `generate` crops the context to its last
 *   `blockSize` tokens and calls this every step.
 * - `createCache(batch)` + `logitsWithCache(ids, cache)` (optional, both or neither): `ids` is
 *   `[batch, n]`, the tokens at positions `cache.length … cache.length + n − 1`; the model
 *   attends over the cached keys/values plus these, appends theirs to the cache and returns
 *   logits like `logits`. `generate` first feeds the cropped prompt, then one token per step;
 *   when the cache would pass `blockSize` it starts a fresh cache primed with the last
 *   `blockSize` tokens, so results equal the uncached path.
 *
 * Tensors returned to `generate` are disposed by it after reading.
 */
export interface CausalLM<C extends KVCache = KVCache> {
  /** The longest context the model accepts (its number of positions). */
  readonly blockSize: number;
  /** Logits for every position of `ids` (`[batch, T]` → `[batch, T, vocab]`). */
  logits(ids: Tensor): Tensor;
  /** A new, empty cache for `batchSize` sequences. */
  createCache?(batchSize: number): C;
  /** Logits for `ids` following the cached positions; appends `ids` to `cache`. */
  logitsWithCache?(ids: Tensor, cache: C): Tensor;
}

/** Options of {@link generate}: sampling options plus when to stop and where randomness comes from. */
export interface GenerateOptions extends SamplingOptions {
  /** Most tokens to produce (default 256). */
  maxTokens?: number;
  /** Stop when one of these is sampled (it is not yielded). */
  stopTokens?: Iterable<number>;
  /**
   * Stop (without an error) once this signal is aborted. `generate` yields to the event loop (a
   * macrotask) before each token, so an abort from a timer, a UI event or another message stops
   * it within one token.
   */
  signal?: AbortSignal;
  /** Source of randomness (default: a `new Generator(seed)` when `seed` is given, else the default generator). */
  generator?: Generator;
  /** Seed for a fresh generator (ignored when `generator` is given). */
  seed?: number;
  /** Use the model's key/value cache when it has one (default true). */
  useCache?: boolean;
}

/** Why generation ended: a stop token, `maxTokens`, or the abort signal. */
export type FinishReason = 'stop' | 'length' | 'abort';

const GENERATE_KEYS = new Set(['maxTokens', 'stopTokens', 'signal', 'generator', 'seed', 'useCache']);

/**
 * Resolves on a later macrotask, so timers, I/O and UI events (an `AbortSignal` fired by a timer
 * or a click) get to run. Awaiting promises alone never lets them: reading logits on the CPU
 * resolves as a microtask. `setImmediate` where it exists (Node, Bun: no 4 ms clamp, no handle
 * left open); else a `MessageChannel` message (browsers, Web Workers, Deno), one channel per
 * call, closed once it fires so it never keeps a process alive; else `setTimeout(0)`.
 */
function nextMacrotask(): Promise<void> {
  const g = globalThis as { setImmediate?: (fn: () => void) => unknown };
  if (typeof g.setImmediate === 'function') {
    const setImmediate = g.setImmediate;
    return new Promise((resolve) => {
      setImmediate(resolve);
    });
  }
  if (typeof MessageChannel === 'function') {
    return new Promise((resolve) => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => {
        channel.port1.close();
        resolve();
      };
      channel.port2.postMessage(null);
    });
  }
  return new Promise((resolve) => setTimeout(resolve, 0));
}

function lastPositionTensor(logits: Tensor): Tensor {
  // tidy disposes the intermediate slice view that select makes.
  if (logits.rank === 3) return tidy(() => logits.select(1, logits.shape[1] - 1));
  if (logits.rank === 2) return logits.alias();
  throw new ShapeError(
    `generate: the model returned logits of shape [${logits.shape.join(', ')}]; expected [batch, T, vocab]`,
  );
}

/**
 * Generates tokens from `promptIds`, yielding each new token id as soon as it is sampled.
 * The iterator's return value is the {@link FinishReason}. A seed (or generator) reproduces the
 * same tokens, with or without a cache.
 *
 * @example
 * for await (const id of generate(model, tok.encode('ROMEO:'), { maxTokens: 100, temperature: 0.8, seed: 1 })) {
 *   process.stdout.write(tok.decode([id]));
 * }
 */
export async function* generate<C extends KVCache>(
  model: CausalLM<C>,
  promptIds: ArrayLike<number>,
  options: GenerateOptions = {},
): AsyncGenerator<number, FinishReason, undefined> {
  validateSamplingOptions(options, 'generate', GENERATE_KEYS);
  const blockSize = model?.blockSize;
  if (!Number.isInteger(blockSize) || blockSize < 1) {
    throw new ValueError(`generate: model.blockSize must be an integer ≥ 1, got ${blockSize}`);
  }
  if (typeof model.logits !== 'function') throw new ValueError('generate: model.logits must be a function');
  const maxTokens = options.maxTokens ?? 256;
  if (!Number.isInteger(maxTokens) || maxTokens < 0) {
    throw new ValueError(`generate: maxTokens must be an integer ≥ 0, got ${maxTokens}`);
  }
  const context = Array.from(promptIds ?? []);
  if (context.length === 0) throw new ValueError('generate: promptIds must hold at least one token');
  context.forEach((id, i) => {
    if (!Number.isInteger(id) || id < 0)
      throw new ValueError(`generate: promptIds[${i}] = ${id} is not a token id`);
  });
  const stop = new Set<number>(options.stopTokens ?? []);
  let generator = options.generator;
  if (generator === undefined) {
    generator = options.seed !== undefined ? new Generator(options.seed) : getDefaultGenerator();
  } else if (typeof generator.nextFloat !== 'function') {
    throw new ValueError('generate: generator must be a Generator');
  }
  const hasCache = typeof model.createCache === 'function' && typeof model.logitsWithCache === 'function';
  const cached = hasCache && options.useCache !== false;
  const signal = options.signal;

  let cache: C | undefined;
  let cachedLength = 0; // positions the current cache holds (our own count)
  const run = (ids: number[], withCache: boolean): Tensor => {
    const input = tensor(Int32Array.from(ids), { shape: [1, ids.length], dtype: 'int32' });
    try {
      return withCache ? model.logitsWithCache!(input, cache!) : model.logits(input);
    } finally {
      input.dispose();
    }
  };

  try {
    for (let produced = 0; produced < maxTokens; produced++) {
      // Let timers, I/O and UI events run between tokens: that is where an abort comes from.
      await nextMacrotask();
      if (signal?.aborted) return 'abort';
      let logits: Tensor;
      if (cached) {
        if (cache === undefined || cachedLength + 1 > blockSize) {
          // (Re)prime: a fresh cache fed the last blockSize tokens of the context.
          cache?.dispose?.();
          cache = model.createCache!(1);
          const window = context.slice(-blockSize);
          logits = run(window, true);
          cachedLength = window.length;
        } else {
          logits = run([context[context.length - 1]], true);
          cachedLength += 1;
        }
      } else {
        logits = run(context.slice(-blockSize), false);
      }
      let row: Float32Array | Float64Array | Int32Array | Uint8Array;
      try {
        const last = lastPositionTensor(logits);
        try {
          if (last.shape[0] !== 1)
            throw new ShapeError(`generate: expected batch 1 logits, got [${last.shape.join(', ')}]`);
          row = await last.data();
        } finally {
          last.dispose();
        }
      } finally {
        logits.dispose();
      }
      if (signal?.aborted) return 'abort';
      const next = sampleRow(row, options, generator, context);
      if (stop.has(next)) return 'stop';
      context.push(next);
      yield next;
    }
    return 'length';
  } finally {
    cache?.dispose?.();
  }
}
