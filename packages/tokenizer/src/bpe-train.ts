/**
 * Training a byte-level BPE vocabulary. Start from the 256 byte tokens; count every adjacent
 * pair of tokens across the corpus's pre-tokens (weighted by how often each pre-token occurs);
 * merge the most frequent pair into a new token; repeat until the vocabulary is full.
 *
 * Counting is incremental: after a merge only the pre-tokens that contain the merged pair are
 * touched, and only the counts of pairs around each merge site change. A max-heap with lazy
 * updates finds the next best pair. That makes a 4k vocabulary on 1 MB a matter of seconds.
 *
 * Tie-break rule (documented and tested): the pair with the highest count wins; among equal
 * counts, the pair with the smallest left id wins, then the smallest right id (ids 0–255 are the
 * byte values, later ids are in order of creation). The result is independent of corpus order.
 */
import { ValueError } from '@dendrite/tensor';
import { BPETokenizer } from './bpe.js';
import { PAIR_BASE } from './bpe-encode.js';
import { MAX_VOCAB_SIZE } from './limits.js';
import { compileSplitter, GPT4_PATTERN } from './pretokenize.js';
import { bytesKey, toWellFormed, utf8Bytes } from './utf8.js';

/** Options of {@link trainBPE}. */
export interface TrainBPEOptions {
  /** Target vocabulary size, counting the 256 byte tokens, the merges and the special tokens. */
  vocabSize: number;
  /** Pre-tokeniser pattern (default {@link GPT4_PATTERN}, the cl100k pattern). */
  pattern?: string;
  /** Special tokens, given the ids right after the last merge (e.g. `['<|endoftext|>']`). */
  specialTokens?: readonly string[];
  /**
   * A pair must occur at least this often to be merged (default 2). Training stops early, with a
   * smaller vocabulary, when no pair is that frequent.
   */
  minFrequency?: number;
  /** Called after each merge (for progress reporting). */
  onMerge?: (info: { merge: number; left: number; right: number; token: number; count: number }) => void;
}

/** Max-heap of pair candidates ordered by count, then smallest left id, then smallest right id. */
class CandidateHeap {
  private counts: number[] = [];
  private keys: number[] = [];

  get size(): number {
    return this.counts.length;
  }
  private better(i: number, j: number): boolean {
    const a = this.counts[i];
    const b = this.counts[j];
    return a > b || (a === b && this.keys[i] < this.keys[j]);
  }
  private swap(i: number, j: number): void {
    const c = this.counts[i];
    this.counts[i] = this.counts[j];
    this.counts[j] = c;
    const k = this.keys[i];
    this.keys[i] = this.keys[j];
    this.keys[j] = k;
  }
  push(count: number, key: number): void {
    this.counts.push(count);
    this.keys.push(key);
    let i = this.counts.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.better(i, p)) break;
      this.swap(i, p);
      i = p;
    }
  }
  /** Removes the best entry and returns [count, key]. */
  pop(): [number, number] {
    const top: [number, number] = [this.counts[0], this.keys[0]];
    const last = this.counts.length - 1;
    this.swap(0, last);
    this.counts.pop();
    this.keys.pop();
    const n = this.counts.length;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < n && this.better(l, m)) m = l;
      if (r < n && this.better(r, m)) m = r;
      if (m === i) break;
      this.swap(i, m);
      i = m;
    }
    return top;
  }
}

/**
 * Trains a byte-level BPE tokenizer on `corpus` (one string, or several documents: pre-tokens
 * never span two documents). Lone surrogates in the corpus are read as U+FFFD.
 *
 * @example const tok = trainBPE(text, { vocabSize: 4096, specialTokens: ['<|endoftext|>'] });
 */
export function trainBPE(corpus: string | readonly string[], options: TrainBPEOptions): BPETokenizer {
  const specials = [...(options?.specialTokens ?? [])];
  const vocabSize = options?.vocabSize;
  if (!Number.isInteger(vocabSize) || vocabSize < 256 + specials.length) {
    throw new ValueError(
      `trainBPE: vocabSize must be an integer ≥ 256 + ${specials.length} special token(s), got ${vocabSize}`,
    );
  }
  if (vocabSize > MAX_VOCAB_SIZE)
    throw new ValueError(`trainBPE: vocabSize must be at most ${MAX_VOCAB_SIZE}`);
  const minFrequency = options.minFrequency ?? 2;
  if (!Number.isInteger(minFrequency) || minFrequency < 1) {
    throw new ValueError(`trainBPE: minFrequency must be an integer ≥ 1, got ${minFrequency}`);
  }
  if (new Set(specials).size !== specials.length)
    throw new ValueError('trainBPE: a special token is repeated');
  const docs = typeof corpus === 'string' ? [corpus] : corpus;
  if (!Array.isArray(docs) || docs.some((d) => typeof d !== 'string')) {
    throw new ValueError('trainBPE: corpus must be a string or an array of strings');
  }
  const pattern = options.pattern ?? GPT4_PATTERN;
  const splitter = compileSplitter(pattern);

  // 1. Distinct pre-tokens and how often each occurs.
  const wordCounts = new Map<string, number>();
  for (const doc of docs) {
    splitter.forEachPiece(toWellFormed(doc), (piece) => {
      wordCounts.set(piece, (wordCounts.get(piece) ?? 0) + 1);
    });
  }

  // 2. Each distinct pre-token as a list of byte ids, stored in one buffer (merges shrink words in place).
  const nWords = wordCounts.size;
  const freq = new Float64Array(nWords);
  const start = new Int32Array(nWords);
  const len = new Int32Array(nWords);
  const byteLists: number[][] = [];
  let total = 0;
  let w = 0;
  for (const [piece, count] of wordCounts) {
    const bytes = utf8Bytes(piece);
    byteLists.push(bytes);
    freq[w] = count;
    start[w] = total;
    len[w] = bytes.length;
    total += bytes.length;
    w++;
  }
  const buf = new Int32Array(total);
  for (let i = 0; i < nWords; i++) buf.set(byteLists[i], start[i]);
  byteLists.length = 0;

  // 3. Initial pair counts and, per pair, the words it occurs in.
  const counts = new Map<number, number>();
  const where = new Map<number, number[]>();
  const addWhere = (key: number, word: number) => {
    const list = where.get(key);
    if (list === undefined) where.set(key, [word]);
    else if (list[list.length - 1] !== word) list.push(word);
  };
  for (let i = 0; i < nWords; i++) {
    const s = start[i];
    for (let j = s; j < s + len[i] - 1; j++) {
      const key = buf[j] * PAIR_BASE + buf[j + 1];
      counts.set(key, (counts.get(key) ?? 0) + freq[i]);
      addWhere(key, i);
    }
  }
  const heap = new CandidateHeap();
  for (const [key, c] of counts) heap.push(c, key);

  // 4. Merge loop.
  const tokens: Uint8Array[] = [];
  for (let b = 0; b < 256; b++) tokens.push(Uint8Array.of(b));
  const idByKey = new Map<string, number>(tokens.map((t, i) => [bytesKey(t), i]));
  const merges: [number, number][] = [];
  const mergedKeys = new Set<number>();
  let step = 0;
  const visited = new Int32Array(nWords).fill(-1);
  const targetTokens = vocabSize - specials.length;
  const bump = (key: number, delta: number, word: number, grew: Set<number>) => {
    const c = (counts.get(key) ?? 0) + delta;
    if (c <= 0) counts.delete(key);
    else counts.set(key, c);
    if (delta > 0) {
      addWhere(key, word);
      grew.add(key);
    }
  };

  while (tokens.length < targetTokens && heap.size > 0) {
    const [c, key] = heap.pop();
    const current = counts.get(key);
    if (current === undefined) continue; // the pair no longer occurs
    if (current !== c) {
      heap.push(current, key); // a stale (too high) count: requeue with the true one
      continue;
    }
    if (c < minFrequency) break;
    const left = Math.floor(key / PAIR_BASE);
    const right = key % PAIR_BASE;
    // The new token (Hugging Face's rule: if two merges spell the same bytes, they share an id).
    const bytes = new Uint8Array(tokens[left].length + tokens[right].length);
    bytes.set(tokens[left]);
    bytes.set(tokens[right], tokens[left].length);
    const bkey = bytesKey(bytes);
    let tok = idByKey.get(bkey);
    if (tok === undefined) {
      tok = tokens.length;
      tokens.push(bytes);
      idByKey.set(bkey, tok);
    }
    // A pair can come back after its merge only through a reused id; the earlier merge already covers it.
    const mergeIndex = merges.length;
    if (!mergedKeys.has(key)) {
      merges.push([left, right]);
      mergedKeys.add(key);
    }
    step++;

    const grew = new Set<number>();
    for (const word of where.get(key) ?? []) {
      if (visited[word] === step) continue;
      visited[word] = step;
      const f = freq[word];
      const s = start[word];
      const n = len[word];
      let out = s; // write position (in-place compaction)
      let i = s;
      while (i < s + n) {
        if (i + 1 < s + n && buf[i] === left && buf[i + 1] === right) {
          // Pairs that disappear: (prev, left), (left, right), (right, next); pairs that appear: (prev, tok), (tok, next).
          if (out > s) {
            const prev = buf[out - 1];
            bump(prev * PAIR_BASE + left, -f, word, grew);
            bump(prev * PAIR_BASE + tok, f, word, grew);
          }
          bump(key, -f, word, grew);
          if (i + 2 < s + n) {
            const next = buf[i + 2];
            bump(right * PAIR_BASE + next, -f, word, grew);
            bump(tok * PAIR_BASE + next, f, word, grew);
          }
          buf[out++] = tok;
          i += 2;
        } else {
          buf[out++] = buf[i++];
        }
      }
      len[word] = out - s;
    }
    where.delete(key);
    counts.delete(key);
    for (const k of grew) {
      const kc = counts.get(k);
      if (kc !== undefined) heap.push(kc, k);
    }
    options.onMerge?.({ merge: mergeIndex, left, right, token: tok, count: c });
  }

  const specialTokens: Record<string, number> = {};
  specials.forEach((s, i) => {
    specialTokens[s] = tokens.length + i;
  });
  return new BPETokenizer({ tokens, merges, pattern, specialTokens, wholeTokenFirst: false });
}
