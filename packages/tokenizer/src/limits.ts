/**
 * How many ids a vocabulary may use. Tokenizer files are untrusted input: one line with rank
 * 4,000,000,000 must not make a loader build (or loop over) a vocabulary that large. Ids may
 * leave gaps (tiktoken accepts them, and a Hugging Face vocabulary whose added tokens sit among
 * the ordinary ones has them), but at most about as many unused ids as used ones, so the memory
 * and time a file costs stay proportional to what it holds.
 */

/** The most ids a vocabulary may have: 2^24 = 16,777,216, 64× the largest real ones (~262k). */
export const MAX_VOCAB_SIZE = 2 ** 24;

/** Unused ids allowed on top of one per used id (room for small test vocabularies). */
const GAP_SLACK = 1024;

/** Ids a vocabulary that defines `count` tokens may use: 0 … idLimit(count) − 1. */
export function idLimit(count: number): number {
  return Math.min(MAX_VOCAB_SIZE, 2 * count + GAP_SLACK);
}

/** The rule {@link idLimit} applies, in words, for error messages. */
export function idRule(count: number): string {
  return (
    `a vocabulary of ${count} token(s) may use ids 0..${idLimit(count) - 1} ` +
    `(no more unused ids than used ones + ${GAP_SLACK}, and fewer than ${MAX_VOCAB_SIZE} ids in all)`
  );
}
