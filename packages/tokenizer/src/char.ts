/**
 * The character-level tokenizer of nanoGPT's shakespeare_char: the vocabulary is the sorted set
 * of distinct characters in a corpus, and each character's id is its place in that list.
 * "Character" means Unicode code point, as in Python (an emoji is one token, not two UTF-16 halves).
 */
import { IndexError, ValueError } from '@dendrite/tensor';
import { TokenizerError } from './errors.js';
import { idLimit, idRule, MAX_VOCAB_SIZE } from './limits.js';
import type { CharTokenizerJSON } from './serialize.js';
import { checkId, SpecialTokens } from './special.js';
import type { StreamDecoder } from './streaming.js';
import type { EncodeOptions, Tokenizer } from './tokenizer.js';
import { encodeUtf8 } from './utf8.js';

/** Options of {@link CharTokenizer.fromCorpus}. */
export interface CharTokenizerOptions {
  /** Special tokens (e.g. `'<|endoftext|>'`), given ids after the characters, in this order. */
  specialTokens?: readonly string[];
}

/** Compares strings by code point (JavaScript's default sort compares UTF-16 units). */
function byCodePoint(a: string, b: string): number {
  return a.codePointAt(0)! - b.codePointAt(0)!;
}

/** Character-level tokenizer: one id per distinct code point of the corpus. */
export class CharTokenizer implements Tokenizer {
  /** Always `'char'`. */
  readonly kind = 'char' as const;
  /** One more than the largest id (special tokens included). */
  readonly vocabSize: number;
  readonly specialTokens: ReadonlyMap<string, number>;
  /** The characters, by id. */
  readonly chars: readonly string[];
  private readonly stoi: Map<string, number>;
  private readonly special: SpecialTokens;
  private readonly itos: string[];

  /**
   * @param chars the vocabulary, by id (distinct single code points)
   * @param specialTokens special token text → id (ids must not collide with characters)
   */
  constructor(chars: readonly string[], specialTokens: Readonly<Record<string, number>> = {}) {
    if (chars.length > MAX_VOCAB_SIZE) {
      throw new TokenizerError(
        `CharTokenizer: ${chars.length} characters is more than the ${MAX_VOCAB_SIZE} allowed`,
      );
    }
    this.chars = Object.freeze([...chars]);
    this.stoi = new Map();
    chars.forEach((c, i) => {
      if (typeof c !== 'string' || [...c].length !== 1) {
        throw new TokenizerError(
          `CharTokenizer: chars[${i}] must be a single character, got ${JSON.stringify(c)}`,
        );
      }
      if (this.stoi.has(c))
        throw new TokenizerError(`CharTokenizer: chars[${i}] ${JSON.stringify(c)} is a duplicate`);
      this.stoi.set(c, i);
    });
    this.itos = [...chars];
    const specials = new Map<string, number>();
    const entries = Object.entries(specialTokens);
    const count = chars.length + entries.length;
    for (const [text, id] of entries) {
      if (Number.isInteger(id) && id >= idLimit(count)) {
        throw new TokenizerError(
          `CharTokenizer: special token ${JSON.stringify(text)} has id ${id}, out of range: ${idRule(count)}`,
        );
      }
      if (!Number.isInteger(id) || id < chars.length || this.itos[id] !== undefined) {
        throw new TokenizerError(
          `CharTokenizer: special token ${JSON.stringify(text)} has id ${id}, which is not a free id ≥ ${chars.length}`,
        );
      }
      specials.set(text, id);
      this.itos[id] = text;
    }
    this.special = new SpecialTokens(specials);
    this.specialTokens = specials;
    this.vocabSize = this.itos.length;
  }

  /**
   * Builds the vocabulary from a corpus: its distinct characters sorted by code point, then the
   * special tokens.
   *
   * @example CharTokenizer.fromCorpus('hello') // chars ['e', 'h', 'l', 'o']
   */
  static fromCorpus(corpus: string, options: CharTokenizerOptions = {}): CharTokenizer {
    if (typeof corpus !== 'string') throw new ValueError('CharTokenizer.fromCorpus: corpus must be a string');
    const chars = [...new Set(corpus)].sort(byCodePoint);
    const specials: Record<string, number> = {};
    for (const s of options.specialTokens ?? []) {
      if (s in specials)
        throw new ValueError(`CharTokenizer.fromCorpus: special token ${JSON.stringify(s)} given twice`);
      specials[s] = chars.length + Object.keys(specials).length;
    }
    return new CharTokenizer(chars, specials);
  }

  /** {@inheritDoc Tokenizer.encode} */
  encode(text: string, options?: EncodeOptions): number[] {
    const out: number[] = [];
    let offset = 0;
    for (const seg of this.special.split(text, options, 'encode')) {
      if (seg.id !== undefined) out.push(seg.id);
      else this.encodeChars(seg.text, out, offset);
      offset += seg.text.length;
    }
    return out;
  }

  /** {@inheritDoc Tokenizer.encodeOrdinary} */
  encodeOrdinary(text: string): number[] {
    return this.encodeChars(text, [], 0);
  }

  private encodeChars(text: string, out: number[], offset: number): number[] {
    let at = offset;
    for (const c of text) {
      const id = this.stoi.get(c);
      if (id === undefined) {
        throw new TokenizerError(
          `encode: character ${JSON.stringify(c)} (U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}) at offset ${at} is not in the vocabulary`,
        );
      }
      out.push(id);
      at += c.length;
    }
    return out;
  }

  /** {@inheritDoc Tokenizer.decode} */
  decode(ids: ArrayLike<number>): string {
    let s = '';
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i];
      checkId(id, this.vocabSize, (x) => this.itos[x] !== undefined, i);
      s += this.itos[id];
    }
    return s;
  }

  /** {@inheritDoc Tokenizer.decodeBytes} */
  decodeBytes(ids: ArrayLike<number>): Uint8Array {
    return encodeUtf8(this.decode(ids));
  }

  /** {@inheritDoc Tokenizer.tokenBytes} */
  tokenBytes(id: number): Uint8Array {
    return encodeUtf8(this.idToToken(id));
  }

  idToToken(id: number): string {
    if (!Number.isInteger(id) || this.itos[id] === undefined) {
      throw new IndexError(
        `idToToken: token id ${id} is not in the vocabulary (ids 0..${this.vocabSize - 1})`,
      );
    }
    return this.itos[id];
  }

  /** A decoder that emits each token's characters as soon as it arrives (tokens are whole characters). */
  createDecoder(): StreamDecoder {
    return { push: (id) => this.idToToken(id), flush: () => '' };
  }

  /** The tokenizer in Dendrite's JSON format. */
  toJSON(): CharTokenizerJSON {
    return {
      format: 'dendrite-tokenizer',
      version: 1,
      type: 'char',
      chars: [...this.chars],
      specialTokens: Object.fromEntries(this.specialTokens),
    };
  }
}
