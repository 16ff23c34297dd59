/**
 * The tokenization section of the "why this matters" page: a byte-level BPE tokenizer trained on the
 * course's own text (the capstone's corpus), and how it cuts words: the same word with or without a
 * leading space, or capitalised, becomes a different list of tokens.
 */
import { type BPETokenizer, GPT2_PATTERN, trainBPE } from '@dendrite/tokenizer';

/** The vocabulary size of the page's tokenizer: 256 bytes plus 344 learned merges. */
export const QUIRKS_VOCAB = 600;

/** A byte-level BPE tokenizer trained on `text` (GPT-2's pre-tokenization pattern). */
export function trainQuirksTokenizer(text: string, vocabSize = QUIRKS_VOCAB): BPETokenizer {
  return trainBPE(text, { vocabSize, pattern: GPT2_PATTERN });
}

export interface Tokenized {
  text: string;
  ids: number[];
  /** Each token's text ('�' where a token holds only part of a character's UTF-8 bytes). */
  pieces: string[];
  /** Characters in the text. */
  letters: number;
}

export function tokenize(tok: BPETokenizer, text: string): Tokenized {
  const ids = tok.encode(text);
  return { text, ids, pieces: ids.map((id) => tok.decode([id])), letters: [...text].length };
}

/** The words the page shows first: one word, four ways. */
export const QUIRK_EXAMPLES = [' neuron', 'neuron', ' Neuron', ' NEURON', ' neurons', ' 1234567', ' café'];
