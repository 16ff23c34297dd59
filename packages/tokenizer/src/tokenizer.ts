/**
 * The common tokenizer interface: text ↔ token ids, plus the special-token policy every
 * tokenizer in this package shares.
 */
import type { StreamDecoder } from './streaming.js';

/** The end-of-text marker GPT-2 and its successors put between documents. */
export const ENDOFTEXT = '<|endoftext|>';

/**
 * What to do with special tokens that appear in ordinary text (tiktoken's policy).
 *
 * - `allowedSpecial`: these are encoded as their special ids. Default: none.
 * - `disallowedSpecial`: finding one of these in the text is a `TokenizerError`. Default `'all'`,
 *   meaning every special token that is not allowed.
 *
 * A special token that is neither allowed nor disallowed is encoded as ordinary text.
 *
 * @example tok.encode(text) // throws if text contains '<|endoftext|>'
 * @example tok.encode(text, { allowedSpecial: 'all' }) // '<|endoftext|>' → its id
 * @example tok.encode(text, { disallowedSpecial: [] }) // '<|endoftext|>' → ordinary pieces
 */
export interface EncodeOptions {
  allowedSpecial?: 'all' | Iterable<string>;
  disallowedSpecial?: 'all' | Iterable<string>;
}

/** Which family a tokenizer belongs to (the `type` of its saved JSON). */
export type TokenizerKind = 'char' | 'bpe';

/**
 * Text ↔ token ids. Implemented by {@link CharTokenizer} and {@link BPETokenizer}.
 *
 * Ids run from 0 to `vocabSize - 1` (a byte-level vocabulary imported from elsewhere may have
 * gaps; decoding a gap is an error). Special tokens have ids like any other token but are only
 * produced from text under the {@link EncodeOptions} policy.
 */
export interface Tokenizer {
  /** `'char'` or `'bpe'`. */
  readonly kind: TokenizerKind;
  /** One more than the largest token id (special tokens included). */
  readonly vocabSize: number;
  /** Special token text → id. */
  readonly specialTokens: ReadonlyMap<string, number>;
  /** Text → ids, with special tokens handled by `options` (see {@link EncodeOptions}). */
  encode(text: string, options?: EncodeOptions): number[];
  /** Text → ids, treating special-token text as ordinary text (never an error). */
  encodeOrdinary(text: string): number[];
  /** Ids → text. Out-of-range ids are an `IndexError`. */
  decode(ids: ArrayLike<number>): string;
  /** Ids → the UTF-8 bytes they stand for. */
  decodeBytes(ids: ArrayLike<number>): Uint8Array;
  /** The UTF-8 bytes of one token (a byte-level token may be part of a character). */
  tokenBytes(id: number): Uint8Array;
  /** A readable form of one token, for display (not guaranteed valid UTF-8 for byte-level tokens). */
  idToToken(id: number): string;
  /** An incremental decoder that only ever emits whole characters. */
  createDecoder(): StreamDecoder;
  /** The tokenizer in Dendrite's JSON format (see `saveTokenizer` / `loadTokenizer`). */
  toJSON(): object;
}
