/**
 * `@dendrite/tokenizer/node`: file helpers for Node (they use `node:fs`; the main entry stays
 * browser-compatible). Each reads a file and hands its text to the matching loader.
 */
import { readFile, writeFile } from 'node:fs/promises';
// Imported by package name, not by relative path, so the built node.js shares the classes of the
// main entry (one `TokenizerError`, one `BPETokenizer`) instead of bundling copies of them.
import {
  type BPETokenizer,
  loadHFTokenizer,
  loadTiktoken,
  loadTokenizer,
  saveTokenizer,
  type TiktokenOptions,
  type Tokenizer,
} from '@dendrite/tokenizer';

/**
 * Reads a `.tiktoken` rank file.
 *
 * @example await readTiktokenFile('gpt2.tiktoken', { pattern: GPT2_PATTERN, specialTokens: GPT2_SPECIAL_TOKENS })
 */
export async function readTiktokenFile(path: string, options?: TiktokenOptions): Promise<BPETokenizer> {
  return loadTiktoken(await readFile(path, 'utf8'), options);
}

/** Reads a Hugging Face `tokenizer.json` (byte-level BPE). */
export async function readHFTokenizerFile(path: string): Promise<BPETokenizer> {
  return loadHFTokenizer(await readFile(path, 'utf8'));
}

/** Reads a tokenizer saved in Dendrite's JSON format. */
export async function readTokenizerFile(path: string): Promise<Tokenizer> {
  return loadTokenizer(await readFile(path, 'utf8'));
}

/** Writes a tokenizer in Dendrite's JSON format. */
export async function writeTokenizerFile(path: string, tokenizer: Tokenizer): Promise<void> {
  await writeFile(path, saveTokenizer(tokenizer), 'utf8');
}
