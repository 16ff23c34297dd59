/**
 * Dendrite's own tokenizer format: one JSON object with `"format": "dendrite-tokenizer"`,
 * `"version": 1` and a `"type"` ('char' or 'bpe'). BPE token bytes are base64 strings (a token
 * need not be valid UTF-8); merges are a flat list of id pairs in priority order.
 */
import { decodeBase64 } from './base64.js';
import { BPETokenizer, type BPETokenizerSpec, type NormalizationForm } from './bpe.js';
import { CharTokenizer } from './char.js';
import { TokenizerError } from './errors.js';
import { idLimit, idRule, MAX_VOCAB_SIZE } from './limits.js';
import { compileSplitter } from './pretokenize.js';
import type { Tokenizer } from './tokenizer.js';

/** Saved form of a {@link CharTokenizer}. */
export interface CharTokenizerJSON {
  format: 'dendrite-tokenizer';
  version: 1;
  type: 'char';
  /** The characters, by id. */
  chars: string[];
  /** Special token text → id. */
  specialTokens: Record<string, number>;
}

/** Saved form of a {@link BPETokenizer} (fields mirror {@link BPETokenizerSpec}). */
export interface BPETokenizerJSON {
  format: 'dendrite-tokenizer';
  version: 1;
  type: 'bpe';
  pattern: string;
  /** Base64 bytes of each ordinary token by id; null for an unused id. */
  tokens: (string | null)[];
  /** Flat `[a0, b0, a1, b1, …]` merges in priority order; absent for tiktoken's rank rule. */
  merges?: number[];
  wholeTokenFirst: boolean;
  addPrefixSpace: boolean;
  normalization?: NormalizationForm;
  specialTokens: Record<string, number>;
  addedTokens: Record<string, number>;
}

/** Any saved Dendrite tokenizer. */
export type TokenizerJSON = CharTokenizerJSON | BPETokenizerJSON;

/** The tokenizer as a JSON string in Dendrite's format. */
export function saveTokenizer(tokenizer: Tokenizer): string {
  return JSON.stringify(tokenizer.toJSON());
}

function fail(field: string, what: string): never {
  throw new TokenizerError(`dendrite tokenizer JSON: field "${field}" ${what}`);
}

function idRecord(value: unknown, field: string): Record<string, number> {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    fail(field, 'must be an object of text → id');
  for (const [k, v] of Object.entries(value)) {
    if (!Number.isSafeInteger(v) || (v as number) < 0)
      fail(`${field}.${k}`, `must be a non-negative integer id, got ${v}`);
  }
  return value as Record<string, number>;
}

/** Checks the ids of special/added tokens against what the file holds (see limits.ts). */
function checkIds(records: [string, Record<string, number>][], count: number): void {
  for (const [field, record] of records) {
    for (const [k, v] of Object.entries(record)) {
      if (v >= idLimit(count)) fail(`${field}.${k}`, `has id ${v}, out of range: ${idRule(count)}`);
    }
  }
}

/**
 * Loads a tokenizer saved by {@link saveTokenizer} (a JSON string or the parsed object).
 * Every field is checked; a problem is a `TokenizerError` naming the field.
 */
export function loadTokenizer(json: string | TokenizerJSON): Tokenizer {
  let obj: unknown = json;
  if (typeof json === 'string') {
    try {
      obj = JSON.parse(json);
    } catch (e) {
      throw new TokenizerError(`dendrite tokenizer JSON: not valid JSON (${(e as Error).message})`);
    }
  }
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) {
    throw new TokenizerError('dendrite tokenizer JSON: expected an object');
  }
  const o = obj as Record<string, unknown>;
  if (o.format !== 'dendrite-tokenizer')
    fail('format', `must be "dendrite-tokenizer", got ${JSON.stringify(o.format)}`);
  if (o.version !== 1) fail('version', `must be 1, got ${JSON.stringify(o.version)}`);
  if (o.type === 'char') {
    if (!Array.isArray(o.chars) || o.chars.some((c) => typeof c !== 'string')) {
      fail('chars', 'must be an array of single characters');
    }
    if (o.chars.length > MAX_VOCAB_SIZE) fail('chars', `has more than the ${MAX_VOCAB_SIZE} ids allowed`);
    const specials = idRecord(o.specialTokens, 'specialTokens');
    checkIds([['specialTokens', specials]], o.chars.length + Object.keys(specials).length);
    return new CharTokenizer(o.chars as string[], specials);
  }
  if (o.type === 'bpe') return new BPETokenizer(bpeSpecFromJSON(o));
  return fail('type', `must be "char" or "bpe", got ${JSON.stringify(o.type)}`);
}

function bpeSpecFromJSON(o: Record<string, unknown>): BPETokenizerSpec {
  if (typeof o.pattern !== 'string') fail('pattern', 'must be a string');
  try {
    compileSplitter(o.pattern);
  } catch (e) {
    fail('pattern', `is refused: ${(e as Error).message}`);
  }
  if (!Array.isArray(o.tokens)) fail('tokens', 'must be an array of base64 strings or null');
  if (o.tokens.length > MAX_VOCAB_SIZE) fail('tokens', `has more than the ${MAX_VOCAB_SIZE} ids allowed`);
  const tokens = o.tokens.map((t, i) => {
    if (t === null) return null;
    const bytes = typeof t === 'string' ? decodeBase64(t) : undefined;
    if (bytes === undefined || bytes.length === 0)
      fail(`tokens[${i}]`, `is not non-empty base64: ${JSON.stringify(t)}`);
    return bytes;
  });
  let merges: [number, number][] | undefined;
  if (o.merges !== undefined) {
    const flat = o.merges;
    if (!Array.isArray(flat) || flat.length % 2 !== 0 || flat.some((x) => !Number.isSafeInteger(x))) {
      fail('merges', 'must be a flat array of integer id pairs');
    }
    if (flat.length / 2 > MAX_VOCAB_SIZE)
      fail('merges', `has more than the ${MAX_VOCAB_SIZE} merges allowed`);
    merges = [];
    for (let i = 0; i < flat.length; i += 2) merges.push([flat[i], flat[i + 1]]);
  }
  for (const f of ['wholeTokenFirst', 'addPrefixSpace'] as const) {
    if (o[f] !== undefined && typeof o[f] !== 'boolean') fail(f, 'must be a boolean');
  }
  if (o.normalization !== undefined && !['NFC', 'NFD', 'NFKC', 'NFKD'].includes(o.normalization as string)) {
    fail('normalization', `must be one of NFC, NFD, NFKC, NFKD, got ${JSON.stringify(o.normalization)}`);
  }
  const specialTokens = idRecord(o.specialTokens, 'specialTokens');
  const addedTokens = idRecord(o.addedTokens, 'addedTokens');
  const count =
    tokens.filter((t) => t !== null).length +
    Object.keys(specialTokens).length +
    Object.keys(addedTokens).length;
  if (tokens.length > idLimit(count)) {
    fail('tokens', `has ${tokens.length} ids but only ${count} tokens: ${idRule(count)}`);
  }
  checkIds(
    [
      ['specialTokens', specialTokens],
      ['addedTokens', addedTokens],
    ],
    count,
  );
  return {
    tokens,
    merges,
    pattern: o.pattern,
    wholeTokenFirst: o.wholeTokenFirst as boolean | undefined,
    addPrefixSpace: o.addPrefixSpace as boolean | undefined,
    normalization: o.normalization as NormalizationForm | undefined,
    specialTokens,
    addedTokens,
  };
}
