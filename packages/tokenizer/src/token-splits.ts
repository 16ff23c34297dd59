/**
 * Every way to cut a token into two tokens: the pairs (left, right) whose bytes, one after the
 * other, are the bytes of a third token. tiktoken's merge rule is exactly this table (a pair
 * merges into the token it spells, lowest id first), and a merge list is checked against it.
 *
 * Found in time linear in the vocabulary's bytes, so a file of long tokens cannot make loading
 * quadratic: prefixes and suffixes up to {@link SHORT} bytes are looked up directly (at most
 * SHORT² work per token), and the longer ones — which can only be long tokens — by walking two
 * tries built from the long tokens alone (one over their bytes, one over their bytes reversed).
 */
import { PAIR_BASE } from './bpe-encode.js';
import { bytesKey } from './utf8.js';

/** Prefixes and suffixes up to this many bytes are looked up by their bytes. */
const SHORT = 64;

/** A trie over byte strings: child of node at byte b is `edges.get(node·256 + b)`; node 0 is the root. */
class Trie {
  private readonly edges = new Map<number, number>();
  private readonly ids: number[] = [-1];

  /** Adds `bytes` (read backwards when `reversed`) as token `id`. */
  add(bytes: Uint8Array, id: number, reversed: boolean): void {
    let node = 0;
    const n = bytes.length;
    for (let i = 0; i < n; i++) {
      const key = node * 256 + bytes[reversed ? n - 1 - i : i];
      let child = this.edges.get(key);
      if (child === undefined) {
        child = this.ids.length;
        this.ids.push(-1);
        this.edges.set(key, child);
      }
      node = child;
    }
    this.ids[node] = id;
  }

  /**
   * Walks `bytes` (backwards when `reversed`) for at most `steps` bytes and calls
   * `fn(length, id)` for every token longer than {@link SHORT} that it passes.
   */
  walk(bytes: Uint8Array, steps: number, reversed: boolean, fn: (length: number, id: number) => void): void {
    let node = 0;
    const n = bytes.length;
    for (let i = 0; i < steps; i++) {
      const child = this.edges.get(node * 256 + bytes[reversed ? n - 1 - i : i]);
      if (child === undefined) return;
      node = child;
      if (i + 1 > SHORT && this.ids[node] >= 0) fn(i + 1, this.ids[node]);
    }
  }
}

/**
 * The split table of a vocabulary: `left·K + right` → the id of the token whose bytes are
 * left's then right's (K = {@link PAIR_BASE}), for every token at least `minLength` bytes long.
 *
 * @param bytesById token bytes by id (undefined for unused ids)
 * @param idByKey token id by `bytesKey(bytes)`
 * @param minLength only split tokens this long or longer (default 2: all of them)
 */
export function tokenSplits(
  bytesById: readonly (Uint8Array | undefined)[],
  idByKey: ReadonlyMap<string, number>,
  minLength = 2,
): Map<number, number> {
  const forward = new Trie();
  const backward = new Trie();
  let longest = 0;
  for (let id = 0; id < bytesById.length; id++) {
    const t = bytesById[id];
    if (t === undefined) continue;
    longest = Math.max(longest, t.length);
    if (t.length > SHORT) {
      forward.add(t, id, false);
      backward.add(t, id, true);
    }
  }
  // left[k]: the token that is the first k bytes (or -1); right[k]: the token that is the rest.
  const left = new Int32Array(longest + 1);
  const right = new Int32Array(longest + 1);
  const splits = new Map<number, number>();
  for (let id = 0; id < bytesById.length; id++) {
    const t = bytesById[id];
    if (t === undefined || t.length < Math.max(2, minLength)) continue;
    const n = t.length;
    const key = bytesKey(t);
    left.fill(-1, 0, n);
    right.fill(-1, 0, n);
    for (let k = 1; k < n && k <= SHORT; k++) left[k] = idByKey.get(key.slice(0, k)) ?? -1;
    for (let k = Math.max(1, n - SHORT); k < n; k++) right[k] = idByKey.get(key.slice(k)) ?? -1;
    if (n - 1 > SHORT) {
      forward.walk(t, n - 1, false, (len, p) => {
        left[len] = p;
      });
      backward.walk(t, n - 1, true, (len, s) => {
        right[n - len] = s;
      });
    }
    for (let k = 1; k < n; k++) {
      if (left[k] >= 0 && right[k] >= 0) splits.set(left[k] * PAIR_BASE + right[k], id);
    }
  }
  return splits;
}
