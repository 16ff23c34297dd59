/**
 * An index inverted into compressed sparse rows: for each target `r` of `0 … n−1`, the positions
 * `j` with `targets[j] = r`, in increasing order, are `list[off[r]] … list[off[r+1] − 1]`. Stored
 * as float32, the form kernels read (exact up to 2²⁴).
 */
export interface InvertedIndex {
  /** n + 1 offsets into `list`. */
  readonly off: Float32Array;
  /** The positions, grouped by target. */
  readonly list: Float32Array;
}

/** Inverts `targets` (each in `[0, n)`, checked by the caller) by counting, then placing. */
export function invertIndex(targets: Int32Array, n: number): InvertedIndex {
  const m = targets.length;
  const off = new Float32Array(n + 1);
  for (let j = 0; j < m; j++) off[targets[j] + 1]++;
  for (let r = 0; r < n; r++) off[r + 1] += off[r];
  const next = off.slice(0, n);
  const list = new Float32Array(m);
  for (let j = 0; j < m; j++) list[next[targets[j]]++] = j;
  return { off, list };
}
