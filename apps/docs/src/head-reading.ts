/**
 * What one attention head reads in a sentence, in numbers the page can print under its heat map:
 * how sharp its rows are, which characters take its weight, and the pattern it follows when one
 * is clear. Plain arithmetic over the weights `modelAttention` returns, so the page and the tests
 * describe a head the same way.
 */
import type { Matrix } from './attention.js';

/** A pattern a head can follow: where nearly every row puts its largest weight. */
export type HeadPattern = 'vowels' | 'spaces' | 'previous' | 'itself' | 'first';

/** The words the page shows for each pattern. */
export const PATTERN_TEXT: Record<HeadPattern, string> = {
  vowels: 'reads vowels',
  spaces: 'reads where the word began',
  previous: 'reads the previous character',
  itself: 'reads itself',
  first: 'reads the first character',
};

export interface HeadReading {
  /** The mean over rows of a row's largest weight: 1/(t+1) when a head averages, 1 when it reads one position. */
  sharpness: number;
  /** What sharpness would be if the head averaged the past uniformly (the untrained head), over the same rows. */
  averaging: number;
  /** Characters by their share of all the rows' weight, largest first (shares sum to 1). */
  reads: { char: string; share: number }[];
  /** The pattern nearly every row follows, or null. */
  pattern: HeadPattern | null;
}

const VOWELS = 'aeiou';
const mean = (xs: number[]) => (xs.length === 0 ? 0 : xs.reduce((s, v) => s + v, 0) / xs.length);
const argmax = (row: number[], upTo: number) => {
  let best = 0;
  for (let j = 1; j <= upTo; j++) if (row[j] > row[best]) best = j;
  return best;
};

/**
 * Reads one head `m` ([T][T] causal weights) over the sentence `chars`. Rows 1…T−1 count (row 0
 * can only read itself). The patterns, each over its rows:
 * - vowels: rows sharp (mean largest weight > ½) whose largest weight is on a vowel in ≥ 90 % of
 *   the letters after the first word;
 * - spaces: > 90 % of each such letter's weight on spaces, the largest on the space just before
 *   its word in ≥ 75 % of them;
 * - previous, itself, first: rows sharp (mean largest weight > ½), the largest weight at t − 1, at
 *   t, at 0 in ≥ 75 % of them.
 */
export function readHead(m: Matrix, chars: readonly string[]): HeadReading {
  const T = chars.length;
  const rowsAll = Array.from({ length: Math.max(0, T - 1) }, (_, i) => i + 1);
  const top = rowsAll.map((i) => argmax(m[i], i));
  /** Where row i (≥ 1) puts its largest weight. */
  const topOf = (i: number) => top[i - 1];
  const share = (test: (i: number, j: number) => boolean) =>
    mean(rowsAll.map((i) => (test(i, topOf(i)) ? 1 : 0)));
  const sharpness = mean(rowsAll.map((i) => m[i][topOf(i)]));
  const averaging = mean(rowsAll.map((i) => 1 / (i + 1)));

  const weightOf = new Map<string, number>();
  for (const i of rowsAll)
    for (let j = 0; j <= i; j++) weightOf.set(chars[j], (weightOf.get(chars[j]) ?? 0) + m[i][j]);
  const total = [...weightOf.values()].reduce((s, v) => s + v, 0);
  const reads = [...weightOf]
    .map(([char, w]) => ({ char, share: total > 0 ? w / total : 0 }))
    .sort((a, b) => b.share - a.share);

  const spaces = chars.flatMap((c, j) => (c === ' ' ? [j] : []));
  const letters = rowsAll.filter((i) => chars[i] !== ' ' && spaces.length > 0 && i > spaces[0]);
  const lastSpace = (i: number) => Math.max(...spaces.filter((j) => j < i));
  const ofLetters = (f: (i: number) => number) => mean(letters.map(f));
  let pattern: HeadPattern | null = null;
  if (letters.length > 0) {
    const sharpLetters = ofLetters((i) => m[i][topOf(i)]);
    if (sharpLetters > 0.5 && ofLetters((i) => (VOWELS.includes(chars[topOf(i)]) ? 1 : 0)) >= 0.9)
      pattern = 'vowels';
    else if (
      ofLetters((i) => spaces.reduce((s, j) => s + (j <= i ? m[i][j] : 0), 0)) > 0.9 &&
      ofLetters((i) => (topOf(i) === lastSpace(i) ? 1 : 0)) >= 0.75
    )
      pattern = 'spaces';
  }
  if (pattern === null && sharpness > 0.5) {
    if (share((i, j) => j === i - 1) >= 0.75) pattern = 'previous';
    else if (share((i, j) => j === i) >= 0.75) pattern = 'itself';
    else if (share((_, j) => j === 0) >= 0.75) pattern = 'first';
  }
  return { sharpness, averaging, reads, pattern };
}
