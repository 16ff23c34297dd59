/**
 * The byte-pair merge loop: a piece's UTF-8 bytes start as one token each, then the adjacent
 * pair with the lowest rank is merged, again and again, until no adjacent pair has a rank.
 * Ties (the same best rank at several places) go to the leftmost pair. This is the loop
 * tiktoken and Hugging Face tokenizers both run; only where the ranks come from differs.
 *
 * Tokens are ids and a pair (a, b) is the number `a·K + b`, so each rank lookup is one
 * `Map<number, number>` probe. The value packs `rank·K + merged id`; comparing packed values
 * compares ranks first.
 */
import { TokenizerError } from './errors.js';

/** Ids and ranks stay below K = 2^26 so `a·K + b` and `rank·K + id` are exact doubles. */
export const PAIR_BASE = 2 ** 26;

/** Pieces longer than this (in bytes) use the O(n log n) heap merge instead of rescanning. */
const HEAP_THRESHOLD = 128;

/**
 * Runs the merge loop in place on `ids` (initial byte-token ids) and returns the final ids.
 * `pairs` maps `a·K + b` to `rank·K + merged`.
 */
export function mergePiece(ids: number[], pairs: ReadonlyMap<number, number>): number[] {
  return ids.length > HEAP_THRESHOLD ? mergeHeap(ids, pairs) : mergeScan(ids, pairs);
}

/** The simple loop: keep each adjacent pair's packed rank, rescan for the minimum after each merge. */
export function mergeScan(ids: number[], pairs: ReadonlyMap<number, number>): number[] {
  let n = ids.length;
  if (n < 2) return ids;
  const ranks: number[] = new Array(n - 1);
  for (let i = 0; i < n - 1; i++) ranks[i] = pairs.get(ids[i] * PAIR_BASE + ids[i + 1]) ?? Infinity;
  for (;;) {
    let best = Infinity;
    let at = -1;
    for (let i = 0; i < n - 1; i++) {
      if (ranks[i] < best) {
        best = ranks[i];
        at = i;
      }
    }
    if (at < 0) break;
    // Merge ids[at] and ids[at+1] into the new token; only the two neighbouring pairs change.
    ids[at] = best % PAIR_BASE;
    ids.splice(at + 1, 1);
    ranks.splice(at, 1);
    n--;
    if (at > 0) ranks[at - 1] = pairs.get(ids[at - 1] * PAIR_BASE + ids[at]) ?? Infinity;
    if (at < n - 1) ranks[at] = pairs.get(ids[at] * PAIR_BASE + ids[at + 1]) ?? Infinity;
  }
  return ids;
}

/**
 * The same loop for long pieces: a doubly linked list of tokens and a binary heap of candidate
 * pairs ordered by (packed rank, position). Positions keep their left-to-right order, so the
 * leftmost-on-ties rule is unchanged; stale heap entries are skipped when popped.
 */
export function mergeHeap(ids: number[], pairs: ReadonlyMap<number, number>): number[] {
  const n = ids.length;
  if (n < 2) return ids;
  const tok = Int32Array.from(ids);
  const next = new Int32Array(n);
  const prev = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    next[i] = i + 1 < n ? i + 1 : -1;
    prev[i] = i - 1;
  }
  const alive = new Uint8Array(n).fill(1);
  const heap = new PairHeap();
  for (let i = 0; i < n - 1; i++) {
    const v = pairs.get(tok[i] * PAIR_BASE + tok[i + 1]);
    if (v !== undefined) heap.push(v, i);
  }
  while (heap.size > 0) {
    const v = heap.topRank();
    const i = heap.topPos();
    heap.pop();
    if (!alive[i]) continue;
    const j = next[i];
    if (j < 0 || pairs.get(tok[i] * PAIR_BASE + tok[j]) !== v) continue;
    tok[i] = v % PAIR_BASE;
    alive[j] = 0;
    const k = next[j];
    next[i] = k;
    if (k >= 0) prev[k] = i;
    const p = prev[i];
    if (p >= 0) {
      const w = pairs.get(tok[p] * PAIR_BASE + tok[i]);
      if (w !== undefined) heap.push(w, p);
    }
    if (k >= 0) {
      const w = pairs.get(tok[i] * PAIR_BASE + tok[k]);
      if (w !== undefined) heap.push(w, i);
    }
  }
  const out: number[] = [];
  for (let i = 0; i >= 0; i = next[i]) out.push(tok[i]);
  return out;
}

/** A binary min-heap of (rank, position) pairs. */
class PairHeap {
  private ranks: number[] = [];
  private poss: number[] = [];

  get size(): number {
    return this.ranks.length;
  }
  topRank(): number {
    return this.ranks[0];
  }
  topPos(): number {
    return this.poss[0];
  }
  private less(i: number, j: number): boolean {
    const a = this.ranks[i];
    const b = this.ranks[j];
    return a < b || (a === b && this.poss[i] < this.poss[j]);
  }
  private swap(i: number, j: number): void {
    const r = this.ranks[i];
    this.ranks[i] = this.ranks[j];
    this.ranks[j] = r;
    const p = this.poss[i];
    this.poss[i] = this.poss[j];
    this.poss[j] = p;
  }
  push(rank: number, pos: number): void {
    this.ranks.push(rank);
    this.poss.push(pos);
    let i = this.ranks.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(i, parent)) break;
      this.swap(i, parent);
      i = parent;
    }
  }
  pop(): void {
    const last = this.ranks.length - 1;
    this.swap(0, last);
    this.ranks.pop();
    this.poss.pop();
    const n = this.ranks.length;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < n && this.less(l, m)) m = l;
      if (r < n && this.less(r, m)) m = r;
      if (m === i) break;
      this.swap(i, m);
      i = m;
    }
  }
}

/** Maximum number of cached pieces before the cache is cleared (bounds memory on endless input). */
const CACHE_LIMIT = 100_000;
/** Pieces longer than this (UTF-16 units) are not cached: they rarely repeat. */
const CACHE_MAX_PIECE = 256;

/**
 * Encodes pre-tokens to ids with a rank table and a per-piece cache.
 * Built by `BPETokenizer`; exposed for teaching and benchmarks.
 */
export class BytePairEncoder {
  private readonly cache = new Map<string, readonly number[]>();

  /**
   * @param byteIds token id of each single byte (-1 when the vocabulary lacks that byte)
   * @param pairs `a·K + b` → `rank·K + merged id`
   * @param wholeTokens when given, a piece whose text is itself a token maps straight to it
   *   before any merging (tiktoken's rule; Hugging Face's `ignore_merges`)
   */
  constructor(
    readonly byteIds: Int32Array,
    readonly pairs: ReadonlyMap<number, number>,
    readonly wholeTokens?: ReadonlyMap<string, number>,
  ) {}

  /** Appends the ids of one pre-token to `out`. */
  encodePiece(piece: string, out: number[]): void {
    const hit = this.cache.get(piece);
    if (hit !== undefined) {
      for (let i = 0; i < hit.length; i++) out.push(hit[i]);
      return;
    }
    const whole = this.wholeTokens?.get(piece);
    const ids = whole !== undefined ? [whole] : mergePiece(this.initialIds(piece), this.pairs);
    if (piece.length <= CACHE_MAX_PIECE) {
      if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
      this.cache.set(piece, ids);
    }
    for (let i = 0; i < ids.length; i++) out.push(ids[i]);
  }

  /** The byte tokens a piece starts from (its UTF-8 bytes; lone surrogates as U+FFFD). */
  initialIds(piece: string): number[] {
    const ids: number[] = [];
    const byteIds = this.byteIds;
    const n = piece.length;
    const push = (b: number) => {
      const id = byteIds[b];
      if (id < 0) {
        throw new TokenizerError(
          `encode: byte 0x${b.toString(16).padStart(2, '0')} (in ${JSON.stringify(piece)}) has no token in this vocabulary`,
        );
      }
      ids.push(id);
    };
    for (let i = 0; i < n; i++) {
      let c = piece.charCodeAt(i);
      if (c < 0x80) {
        push(c);
        continue;
      }
      if (c < 0x800) {
        push(0xc0 | (c >> 6));
        push(0x80 | (c & 63));
        continue;
      }
      if (c >= 0xd800 && c <= 0xdfff) {
        const d = i + 1 < n ? piece.charCodeAt(i + 1) : 0;
        if (c <= 0xdbff && d >= 0xdc00 && d <= 0xdfff) {
          c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
          i++;
          push(0xf0 | (c >> 18));
          push(0x80 | ((c >> 12) & 63));
          push(0x80 | ((c >> 6) & 63));
          push(0x80 | (c & 63));
          continue;
        }
        c = 0xfffd;
      }
      push(0xe0 | (c >> 12));
      push(0x80 | ((c >> 6) & 63));
      push(0x80 | (c & 63));
    }
    return ids;
  }

  /** Forgets cached pieces. */
  clearCache(): void {
    this.cache.clear();
  }
}
