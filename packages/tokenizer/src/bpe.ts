/**
 * The byte-level BPE tokenizer. Text is cut into pre-tokens by a regex, each pre-token's UTF-8
 * bytes are merged by rank (see `bpe-encode.ts`), and decoding concatenates token bytes.
 * Trained (`trainBPE`), tiktoken (`loadTiktoken`) and Hugging Face (`loadHFTokenizer`)
 * tokenizers are all instances of this one class; they differ only in where ranks come from.
 */
import { IndexError, ValueError } from '@dendrite/tensor';
import { encodeBase64 } from './base64.js';
import { BytePairEncoder, PAIR_BASE } from './bpe-encode.js';
import { bytesToUnicode, unicodeToBytes } from './bytes.js';
import { TokenizerError } from './errors.js';
import { idLimit, idRule, MAX_VOCAB_SIZE } from './limits.js';
import { compileSplitter, GPT2_PATTERN, type PieceSplitter } from './pretokenize.js';
import type { BPETokenizerJSON } from './serialize.js';
import { checkId, SpecialTokens } from './special.js';
import { type StreamDecoder, Utf8StreamDecoder } from './streaming.js';
import { tokenSplits } from './token-splits.js';
import type { EncodeOptions, Tokenizer } from './tokenizer.js';
import { bytesKey, concatBytes, decodeUtf8, decodeUtf8Strict, encodeUtf8, toWellFormed } from './utf8.js';

/** Unicode normalisation applied to ordinary text before pre-tokenisation. */
export type NormalizationForm = 'NFC' | 'NFD' | 'NFKC' | 'NFKD';

const FORMS: readonly NormalizationForm[] = ['NFC', 'NFD', 'NFKC', 'NFKD'];

/** Merges whose result is longer than this (bytes) are checked against the split table. */
const LONG_MERGE = 128;

/** Everything that defines a byte-level BPE tokenizer (what its saved JSON holds). */
export interface BPETokenizerSpec {
  /**
   * Token bytes by id; `null`/`undefined` marks an unused id. All 256 single bytes should be
   * present (a text byte with no token is a `TokenizerError` at encode time). Special and added
   * tokens are not listed here.
   */
  tokens: readonly (Uint8Array | null | undefined)[];
  /**
   * Merges in priority order as `[left id, right id]`; the result is the token whose bytes are
   * left's then right's. Omitted: tiktoken's rule — two adjacent tokens merge when their
   * concatenation is a token, and the token with the lowest id (= rank) is merged first.
   */
  merges?: readonly (readonly [number, number])[];
  /** Pre-tokeniser pattern in tiktoken/Rust syntax (default {@link GPT2_PATTERN}). */
  pattern?: string;
  /** Special tokens (matched in text under the `EncodeOptions` policy): text → id. */
  specialTokens?: Readonly<Record<string, number>>;
  /** Tokens always matched in text before pre-tokenisation (Hugging Face non-special added tokens). */
  addedTokens?: Readonly<Record<string, number>>;
  /**
   * A pre-token that is itself a token becomes that token without merging (tiktoken's rule,
   * Hugging Face's `ignore_merges`). Default: true when `merges` is omitted, else false.
   */
  wholeTokenFirst?: boolean;
  /** Prepend a space to each ordinary text segment that lacks one (Hugging Face `add_prefix_space`). */
  addPrefixSpace?: boolean;
  /** Unicode normalisation of ordinary text (Hugging Face `normalizer`). */
  normalization?: NormalizationForm;
}

/** Byte-level BPE tokenizer (GPT-2 / GPT-4 style). */
export class BPETokenizer implements Tokenizer {
  /** Always `'bpe'`. */
  readonly kind = 'bpe' as const;
  /** One more than the largest id (special tokens included). */
  readonly vocabSize: number;
  readonly specialTokens: ReadonlyMap<string, number>;
  /** Always-matched added tokens: text → id. */
  readonly addedTokens: ReadonlyMap<string, number>;
  /** The pre-tokeniser pattern (tiktoken/Rust syntax). */
  readonly pattern: string;
  /** Merges in priority order, or undefined for tiktoken's rank rule. */
  readonly merges: readonly (readonly [number, number])[] | undefined;
  /** Whether a pre-token that is itself a token skips merging (tiktoken's rule). */
  readonly wholeTokenFirst: boolean;
  /** Whether a space is prepended to each ordinary text segment that lacks one. */
  readonly addPrefixSpace: boolean;
  /** Unicode normalisation applied before pre-tokenisation, if any. */
  readonly normalization: NormalizationForm | undefined;
  /** Number of ordinary (byte-sequence) tokens. */
  readonly mergeableCount: number;

  private readonly bytesById: (Uint8Array | undefined)[];
  private readonly idByKey: Map<string, number>;
  private readonly encoder: BytePairEncoder;
  private readonly special: SpecialTokens;
  private readonly splitter: PieceSplitter;

  /**
   * Builds the tokenizer from a spec; inconsistent specs are a `TokenizerError`, and so are
   * vocabularies over {@link MAX_VOCAB_SIZE} ids or with more unused ids than used ones (+1024).
   * The pattern is compiled with `compileSplitter`, so encoding is linear in the text whatever
   * the pattern (a `ValueError` for a pattern it refuses).
   */
  constructor(spec: BPETokenizerSpec) {
    if (spec == null || typeof spec !== 'object' || !Array.isArray(spec.tokens)) {
      throw new TokenizerError('BPETokenizer: spec.tokens must be an array of byte arrays');
    }
    this.pattern = spec.pattern ?? GPT2_PATTERN;
    this.splitter = compileSplitter(this.pattern);
    this.wholeTokenFirst = spec.wholeTokenFirst ?? spec.merges === undefined;
    this.addPrefixSpace = spec.addPrefixSpace ?? false;
    if (spec.normalization !== undefined && !FORMS.includes(spec.normalization)) {
      throw new TokenizerError(`BPETokenizer: unknown normalization ${JSON.stringify(spec.normalization)}`);
    }
    this.normalization = spec.normalization;

    // Ordinary tokens: id → bytes, bytes → id.
    const tokens = spec.tokens;
    if (tokens.length > MAX_VOCAB_SIZE) {
      throw new TokenizerError(
        `BPETokenizer: ${tokens.length} token ids is more than the ${MAX_VOCAB_SIZE} allowed`,
      );
    }
    this.bytesById = new Array(tokens.length);
    this.idByKey = new Map();
    let count = 0;
    for (let id = 0; id < tokens.length; id++) {
      const t = tokens[id];
      if (t == null) continue;
      if (!(t instanceof Uint8Array) || t.length === 0) {
        throw new TokenizerError(`BPETokenizer: tokens[${id}] must be a non-empty Uint8Array`);
      }
      const key = bytesKey(t);
      const other = this.idByKey.get(key);
      if (other !== undefined) {
        throw new TokenizerError(
          `BPETokenizer: tokens ${other} and ${id} are the same bytes [${[...t].join(', ')}]`,
        );
      }
      this.idByKey.set(key, id);
      this.bytesById[id] = t;
      count++;
    }
    this.mergeableCount = count;

    const byteIds = new Int32Array(256);
    for (let b = 0; b < 256; b++) byteIds[b] = this.idByKey.get(String.fromCharCode(b)) ?? -1;

    // Special and added tokens: their own ids, or (Hugging Face) the id of an existing token.
    // Checked before anything is sized by them.
    const specials = this.checkExtra(spec.specialTokens, 'specialTokens');
    const added = this.checkExtra(spec.addedTokens, 'addedTokens');
    const extraIds = new Set(
      [...specials.values(), ...added.values()].filter((id) => this.bytesById[id] === undefined),
    );
    const limit = idLimit(count + extraIds.size);
    for (const [text, id] of [...specials, ...added]) {
      if (id >= limit) {
        throw new TokenizerError(
          `BPETokenizer: special/added token ${JSON.stringify(text)} has id ${id}, out of range: ${idRule(count + extraIds.size)}`,
        );
      }
    }
    if (tokens.length > limit) {
      throw new TokenizerError(
        `BPETokenizer: tokens has ${tokens.length} ids but only ${count} tokens: ${idRule(count + extraIds.size)}`,
      );
    }

    // The pair table: a·K + b → rank·K + merged id.
    const pairs = new Map<number, number>();
    if (spec.merges !== undefined) {
      if (!Array.isArray(spec.merges)) throw new TokenizerError('BPETokenizer: spec.merges must be an array');
      if (spec.merges.length > MAX_VOCAB_SIZE) {
        throw new TokenizerError(
          `BPETokenizer: ${spec.merges.length} merges is more than the ${MAX_VOCAB_SIZE} allowed`,
        );
      }
      // A merge names its halves by id, so spelling out what they make costs the merged token's
      // length, and one long token can be the result of as many merges as it has bytes
      // (quadratic). Results over LONG_MERGE bytes are looked up in the split table of the long
      // tokens instead, which takes time linear in their bytes (see token-splits.ts).
      const longSplits = tokenSplits(this.bytesById, this.idByKey, LONG_MERGE + 1);
      this.merges = spec.merges.map((m, i) => {
        if (!Array.isArray(m) || m.length !== 2) {
          throw new TokenizerError(`BPETokenizer: merges[${i}] must be a pair of token ids`);
        }
        const [a, b] = m;
        const ba = this.bytesById[a];
        const bb = this.bytesById[b];
        if (!Number.isInteger(a) || ba === undefined || !Number.isInteger(b) || bb === undefined) {
          throw new TokenizerError(
            `BPETokenizer: merges[${i}] = [${a}, ${b}] names an id that is not a token`,
          );
        }
        const merged =
          ba.length + bb.length > LONG_MERGE
            ? longSplits.get(a * PAIR_BASE + b)
            : this.idByKey.get(bytesKey(ba) + bytesKey(bb));
        if (merged === undefined) {
          throw new TokenizerError(
            `BPETokenizer: merges[${i}] = [${a}, ${b}]: their concatenation is not a token`,
          );
        }
        const key = a * PAIR_BASE + b;
        if (pairs.has(key))
          throw new TokenizerError(`BPETokenizer: merges[${i}] = [${a}, ${b}] repeats an earlier merge`);
        pairs.set(key, i * PAIR_BASE + merged);
        return Object.freeze([a, b] as const);
      });
    } else {
      this.merges = undefined;
      // tiktoken: parts p, s merge when bytes(p)+bytes(s) is a token t; priority is t's rank (= id).
      for (const [pair, t] of tokenSplits(this.bytesById, this.idByKey)) pairs.set(pair, t * PAIR_BASE + t);
    }

    let wholeTokens: Map<string, number> | undefined;
    if (this.wholeTokenFirst) {
      wholeTokens = new Map();
      for (let id = 0; id < this.bytesById.length; id++) {
        const t = this.bytesById[id];
        if (t === undefined) continue;
        const text = decodeUtf8Strict(t);
        if (text !== undefined) wholeTokens.set(text, id);
      }
    }
    this.encoder = new BytePairEncoder(byteIds, pairs, wholeTokens);

    this.special = new SpecialTokens(specials, added);
    this.specialTokens = specials;
    this.addedTokens = added;
    let size = this.bytesById.length;
    for (const [text, id] of this.special.entries()) {
      if (this.bytesById[id] === undefined) this.bytesById[id] = encodeUtf8(text);
      size = Math.max(size, id + 1);
    }
    this.vocabSize = size;
  }

  private checkExtra(
    record: Readonly<Record<string, number>> | undefined,
    field: string,
  ): Map<string, number> {
    const map = new Map<string, number>();
    if (record === undefined) return map;
    if (typeof record !== 'object' || record === null || Array.isArray(record)) {
      throw new TokenizerError(`BPETokenizer: ${field} must be an object of text → id`);
    }
    for (const [text, id] of Object.entries(record)) {
      if (!Number.isSafeInteger(id) || id < 0 || id >= MAX_VOCAB_SIZE) {
        throw new TokenizerError(`BPETokenizer: ${field}[${JSON.stringify(text)}] has invalid id ${id}`);
      }
      const existing = this.bytesById[id];
      if (existing !== undefined && bytesKey(existing) !== bytesKey(encodeUtf8(text))) {
        throw new TokenizerError(
          `BPETokenizer: ${field}[${JSON.stringify(text)}] has id ${id}, which is already the token ${JSON.stringify(bytesToUnicode(existing))}`,
        );
      }
      map.set(text, id);
    }
    return map;
  }

  /** {@inheritDoc Tokenizer.encode} */
  encode(text: string, options?: EncodeOptions): number[] {
    if (typeof text !== 'string') throw new ValueError('encode: text must be a string');
    const out: number[] = [];
    for (const seg of this.special.split(toWellFormed(text), options, 'encode')) {
      if (seg.id !== undefined) out.push(seg.id);
      else this.encodeSegment(seg.text, out);
    }
    return out;
  }

  /** {@inheritDoc Tokenizer.encodeOrdinary} */
  encodeOrdinary(text: string): number[] {
    if (typeof text !== 'string') throw new ValueError('encodeOrdinary: text must be a string');
    const out: number[] = [];
    for (const seg of this.special.splitOrdinary(toWellFormed(text))) {
      if (seg.id !== undefined) out.push(seg.id);
      else this.encodeSegment(seg.text, out);
    }
    return out;
  }

  /** Encodes ordinary text (no special tokens): normalise, pre-tokenise, merge each piece. */
  private encodeSegment(text: string, out: number[]): void {
    if (this.normalization) text = text.normalize(this.normalization);
    if (this.addPrefixSpace && !text.startsWith(' ')) text = ` ${text}`;
    const encoder = this.encoder;
    this.splitter.forEachPiece(text, (piece) => encoder.encodePiece(piece, out));
  }

  /** {@inheritDoc Tokenizer.decode} */
  decode(ids: ArrayLike<number>): string {
    return decodeUtf8(this.decodeBytes(ids));
  }

  /** {@inheritDoc Tokenizer.decodeBytes} */
  decodeBytes(ids: ArrayLike<number>): Uint8Array {
    const parts: Uint8Array[] = new Array(ids.length);
    const has = (id: number) => this.bytesById[id] !== undefined;
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i];
      const b = this.bytesById[id];
      if (b === undefined || !Number.isInteger(id)) checkId(id, this.vocabSize, has, i);
      parts[i] = b!;
    }
    return concatBytes(parts);
  }

  /** {@inheritDoc Tokenizer.tokenBytes} */
  tokenBytes(id: number): Uint8Array {
    const b = Number.isInteger(id) ? this.bytesById[id] : undefined;
    if (b === undefined) {
      throw new IndexError(
        `tokenBytes: token id ${id} is not in the vocabulary (ids 0..${this.vocabSize - 1})`,
      );
    }
    return b;
  }

  /** GPT-2's string form of a token ('Ġhello' for " hello"); special and added tokens as their text. */
  idToToken(id: number): string {
    for (const [text, sid] of this.special.entries()) if (sid === id) return text;
    return bytesToUnicode(this.tokenBytes(id));
  }

  /** Inverse of {@link idToToken}: the id of a GPT-2 token string or special token, or undefined. */
  tokenToId(token: string): number | undefined {
    const s = this.specialTokens.get(token) ?? this.addedTokens.get(token);
    if (s !== undefined) return s;
    const bytes = unicodeToBytes(token);
    return bytes === undefined ? undefined : this.idByKey.get(bytesKey(bytes));
  }

  /** The id of the ordinary token with exactly these bytes, or undefined. */
  idOfBytes(bytes: ArrayLike<number>): number | undefined {
    return this.idByKey.get(bytesKey(bytes));
  }

  /** {@inheritDoc Tokenizer.createDecoder} */
  createDecoder(): StreamDecoder {
    return new Utf8StreamDecoder((id) => this.tokenBytes(id));
  }

  /** The ordinary tokens' bytes by id (undefined for unused ids and special tokens). */
  ordinaryTokens(): (Uint8Array | undefined)[] {
    const out: (Uint8Array | undefined)[] = [];
    for (let id = 0; id < this.bytesById.length; id++) {
      const b = this.bytesById[id];
      out[id] = b !== undefined && this.idByKey.get(bytesKey(b)) === id ? b : undefined;
    }
    return out;
  }

  /** The tokenizer in Dendrite's JSON format. */
  toJSON(): BPETokenizerJSON {
    const tokens = this.ordinaryTokens();
    while (tokens.length > 0 && tokens[tokens.length - 1] === undefined) tokens.pop();
    const json: BPETokenizerJSON = {
      format: 'dendrite-tokenizer',
      version: 1,
      type: 'bpe',
      pattern: this.pattern,
      tokens: Array.from(tokens, (t) => (t === undefined ? null : encodeBase64(t))),
      wholeTokenFirst: this.wholeTokenFirst,
      addPrefixSpace: this.addPrefixSpace,
      specialTokens: Object.fromEntries(this.specialTokens),
      addedTokens: Object.fromEntries(this.addedTokens),
    };
    if (this.merges !== undefined) json.merges = this.merges.flat();
    if (this.normalization !== undefined) json.normalization = this.normalization;
    return json;
  }
}
