import type { CharTokenizer } from '@dendrite/tokenizer';

/** The characters of `text` the tokenizer knows (others are dropped), and their ids. */
export function encodeKnown(tok: CharTokenizer, text: string): { chars: string[]; ids: number[] } {
  const chars: string[] = [];
  const ids: number[] = [];
  for (const ch of text) {
    try {
      ids.push(...tok.encodeOrdinary(ch));
      chars.push(ch);
    } catch {
      // not in the vocabulary: skipped
    }
  }
  return { chars, ids };
}
