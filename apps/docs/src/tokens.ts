import type { CharTokenizer } from '@dendrite/tokenizer';

/**
 * The characters of `text` the tokenizer knows and their ids; the others are left out, and listed
 * (each once, in order of appearance) in `unknown` so a demo can say what it dropped.
 */
export function encodeKnown(
  tok: CharTokenizer,
  text: string,
): { chars: string[]; ids: number[]; unknown: string[] } {
  const chars: string[] = [];
  const ids: number[] = [];
  const unknown = new Set<string>();
  for (const ch of text) {
    try {
      ids.push(...tok.encodeOrdinary(ch));
      chars.push(ch);
    } catch {
      unknown.add(ch); // not in the vocabulary
    }
  }
  return { chars, ids, unknown: [...unknown] };
}
