/**
 * tiktoken rank files (`gpt2.tiktoken`, `cl100k_base.tiktoken`, …): one line per token,
 * `base64(token bytes) rank`, where the rank is also the token id. The file holds only the
 * mergeable tokens; the pre-tokeniser pattern and the special tokens come from the caller,
 * as they do in tiktoken (`tiktoken_ext/openai_public.py`).
 */
import { decodeBase64, encodeBase64 } from './base64.js';
import { BPETokenizer } from './bpe.js';
import { bytesToUnicode } from './bytes.js';
import { TokenizerError } from './errors.js';
import { idLimit, MAX_VOCAB_SIZE } from './limits.js';
import { GPT2_PATTERN } from './pretokenize.js';
import { ENDOFTEXT } from './tokenizer.js';
import { bytesKey } from './utf8.js';

/** What a rank file does not say: the pattern and the special tokens. */
export interface TiktokenOptions {
  /** Pre-tokeniser pattern (default {@link GPT2_PATTERN}; use `CL100K_PATTERN` for cl100k_base). */
  pattern?: string;
  /** Special token text → id (e.g. `{ '<|endoftext|>': 50256 }` for GPT-2). Default none. */
  specialTokens?: Readonly<Record<string, number>>;
}

/** GPT-2's special tokens (r50k_base): `<|endoftext|>` is 50256. */
export const GPT2_SPECIAL_TOKENS: Readonly<Record<string, number>> = Object.freeze({ [ENDOFTEXT]: 50256 });

/** cl100k_base's special tokens. */
export const CL100K_SPECIAL_TOKENS: Readonly<Record<string, number>> = Object.freeze({
  [ENDOFTEXT]: 100257,
  '<|fim_prefix|>': 100258,
  '<|fim_middle|>': 100259,
  '<|fim_suffix|>': 100260,
  '<|endofprompt|>': 100276,
});

/**
 * Parses a `.tiktoken` rank file into token bytes by rank. Blank lines are skipped; any other
 * problem (not two fields, bad base64, a rank that is not a non-negative integer, a repeated rank,
 * repeated token bytes, a rank out of range) is a `TokenizerError` naming the line.
 *
 * Ranks are ids. Real rank files number their n tokens 0..n-1; gaps are accepted, but a file of
 * n tokens may use ranks below 2n + 1024 only (and below {@link MAX_VOCAB_SIZE}), so a rank of
 * 4,000,000,000 on one line is an error, not a 4-billion-id vocabulary. Time and memory are
 * linear in the file's size.
 */
export function parseTiktokenRanks(text: string): Uint8Array[] {
  if (typeof text !== 'string') throw new TokenizerError('tiktoken: rank file contents must be a string');
  const lines = text.split('\n');
  let count = 0;
  for (const line of lines) if (line.trim() !== '') count++;
  if (count > MAX_VOCAB_SIZE) {
    throw new TokenizerError(
      `tiktoken rank file: ${count} tokens is more than the ${MAX_VOCAB_SIZE} allowed`,
    );
  }
  const limit = idLimit(count);
  const byRank: Uint8Array[] = [];
  const lineOfRank = new Map<number, number>();
  const lineOfBytes = new Map<string, number>();
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].endsWith('\r') ? lines[i].slice(0, -1) : lines[i];
    if (line.trim() === '') continue;
    const where = `tiktoken rank file line ${i + 1}`;
    const fields = line.split(' ');
    if (fields.length !== 2) {
      throw new TokenizerError(`${where}: expected "base64 rank", got ${JSON.stringify(line.slice(0, 80))}`);
    }
    const [b64, rankText] = fields;
    const bytes = decodeBase64(b64);
    if (bytes === undefined)
      throw new TokenizerError(`${where}: bad base64 ${JSON.stringify(b64.slice(0, 80))}`);
    if (bytes.length === 0) throw new TokenizerError(`${where}: empty token`);
    if (!/^\d+$/.test(rankText) || !Number.isSafeInteger(Number(rankText))) {
      throw new TokenizerError(
        `${where}: rank ${JSON.stringify(rankText.slice(0, 80))} is not a non-negative integer`,
      );
    }
    const rank = Number(rankText);
    if (rank >= limit) {
      throw new TokenizerError(
        `${where}: rank ${rank} is out of range: a file of ${count} token(s) may use ranks 0..${limit - 1} ` +
          '(rank files number their tokens 0..n-1; gaps may add at most as many unused ranks as tokens, + 1024)',
      );
    }
    const prevRank = lineOfRank.get(rank);
    if (prevRank !== undefined)
      throw new TokenizerError(`${where}: duplicate rank ${rank} (first on line ${prevRank})`);
    const key = bytesKey(bytes);
    const prevBytes = lineOfBytes.get(key);
    if (prevBytes !== undefined) {
      throw new TokenizerError(
        `${where}: duplicate token ${JSON.stringify(bytesToUnicode(bytes))} (first on line ${prevBytes})`,
      );
    }
    lineOfRank.set(rank, i + 1);
    lineOfBytes.set(key, i + 1);
    byRank[rank] = bytes;
  }
  if (lineOfRank.size === 0) throw new TokenizerError('tiktoken rank file: no tokens');
  return byRank;
}

/**
 * Builds a tokenizer from a tiktoken rank file's contents. Encoding follows tiktoken exactly:
 * pre-tokenise with the pattern, map a piece that is itself a token straight to it, otherwise
 * merge bytes by lowest rank (leftmost on ties).
 *
 * @example loadTiktoken(text, { pattern: GPT2_PATTERN, specialTokens: GPT2_SPECIAL_TOKENS })
 */
export function loadTiktoken(text: string, options: TiktokenOptions = {}): BPETokenizer {
  const tokens = parseTiktokenRanks(text);
  const missing: number[] = [];
  const have = new Set(tokens.filter((t) => t !== undefined && t.length === 1).map((t) => t[0]));
  for (let b = 0; b < 256; b++) if (!have.has(b)) missing.push(b);
  if (missing.length > 0) {
    throw new TokenizerError(
      `tiktoken rank file: ${missing.length} single-byte token(s) missing (e.g. byte 0x${missing[0].toString(16).padStart(2, '0')}); a byte-level vocabulary needs all 256`,
    );
  }
  return new BPETokenizer({
    tokens,
    pattern: options.pattern ?? GPT2_PATTERN,
    specialTokens: options.specialTokens,
    wholeTokenFirst: true,
  });
}

/**
 * Writes a tokenizer's ordinary tokens as a `.tiktoken` rank file (`base64 id` lines, by id).
 * Special tokens and the pattern are not part of the format. Loading the file back applies
 * tiktoken's rank rule, which matches a trained tokenizer's merge list on almost all text but
 * not always (a token can be reachable from two different pairs); keep Dendrite's JSON format
 * when exact round trips matter.
 */
export function toTiktokenRanks(tokenizer: BPETokenizer): string {
  let out = '';
  const tokens = tokenizer.ordinaryTokens();
  for (let id = 0; id < tokens.length; id++) {
    const t = tokens[id];
    if (t !== undefined) out += `${encodeBase64(t)} ${id}\n`;
  }
  return out;
}
