import { CharTokenizer, type Tokenizer, trainBPE } from '@dendrite/tokenizer';
import { UserError } from './errors.js';

/** The largest vocabulary `bpe:N` trains (2^20). */
export const MAX_BPE_VOCAB = 1 << 20;

/** Parses `char`, `bpe` or `bpe:N` (N = vocabulary size, default 512). */
export function parseTokenizerSpec(spec: string): { kind: 'char' } | { kind: 'bpe'; vocabSize: number } {
  if (spec === 'char') return { kind: 'char' };
  const m = /^bpe(?::(\d+))?$/.exec(spec);
  if (!m) throw new UserError(`--tokenizer must be 'char', 'bpe' or 'bpe:N', got '${spec}'`);
  const vocabSize = m[1] ? Number(m[1]) : 512;
  if (vocabSize < 257 || vocabSize > MAX_BPE_VOCAB)
    throw new UserError(
      `--tokenizer bpe:N needs 257 ≤ N ≤ ${MAX_BPE_VOCAB} (256 bytes + merges), got ${m[1]}`,
    );
  return { kind: 'bpe', vocabSize };
}

/** Builds the tokenizer a spec names from the training text. */
export function buildTokenizer(spec: string, text: string): Tokenizer {
  const parsed = parseTokenizerSpec(spec);
  if (parsed.kind === 'char') return CharTokenizer.fromCorpus(text);
  return trainBPE(text, { vocabSize: parsed.vocabSize });
}
