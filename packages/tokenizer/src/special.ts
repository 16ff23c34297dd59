/**
 * Special tokens in text: checking the allowed/disallowed policy and cutting text at the
 * allowed ones, so the ordinary segments between them can be encoded normally.
 */
import { IndexError, ValueError } from '@dendrite/tensor';
import { TokenizerError } from './errors.js';
import type { EncodeOptions } from './tokenizer.js';

/** One piece of text to encode: ordinary text, or a special token already resolved to its id. */
export type Segment = { text: string; id?: undefined } | { text: string; id: number };

function escapeRegex(s: string): string {
  return s.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');
}

/** A regex matching any of `tokens`, longest first (so a longer special wins over its prefix). */
function alternation(tokens: Iterable<string>): RegExp | null {
  const list = [...tokens].sort((a, b) => b.length - a.length || (a < b ? -1 : a > b ? 1 : 0));
  return list.length === 0 ? null : new RegExp(list.map(escapeRegex).join('|'), 'g');
}

/**
 * A tokenizer's special tokens (matched under the policy) and "added" tokens (always matched,
 * like Hugging Face's non-special `added_tokens`).
 */
export class SpecialTokens {
  /** Special tokens: matched under the policy. */
  readonly specials: ReadonlyMap<string, number>;
  /** Added tokens: always matched. */
  readonly added: ReadonlyMap<string, number>;
  private readonly regexCache = new Map<string, RegExp | null>();

  /** Validates ids and names (`TokenizerError` on empty text, bad ids or a name in both maps). */
  constructor(specials: ReadonlyMap<string, number>, added: ReadonlyMap<string, number> = new Map()) {
    for (const [text, id] of [...specials, ...added]) {
      if (text.length === 0) throw new TokenizerError('special tokens: a special token cannot be empty');
      if (!Number.isSafeInteger(id) || id < 0) {
        throw new TokenizerError(`special tokens: ${JSON.stringify(text)} has invalid id ${id}`);
      }
    }
    for (const text of added.keys()) {
      if (specials.has(text))
        throw new TokenizerError(`special tokens: ${JSON.stringify(text)} is listed twice`);
    }
    this.specials = specials;
    this.added = added;
  }

  /** The text of every id (special and added), for decoding. */
  entries(): IterableIterator<[string, number]> {
    return [...this.specials, ...this.added][Symbol.iterator]();
  }

  private regexFor(tokens: string[]): RegExp | null {
    const key = tokens.join('\u0000');
    let re = this.regexCache.get(key);
    if (re === undefined) {
      re = alternation(tokens);
      if (this.regexCache.size > 64) this.regexCache.clear();
      this.regexCache.set(key, re);
    }
    return re;
  }

  /**
   * Applies the policy and cuts `text` into segments. Throws `TokenizerError` when the text
   * contains a disallowed special token (naming it and its offset).
   */
  split(text: string, options: EncodeOptions | undefined, op: string): Segment[] {
    const allowed = this.resolve(options?.allowedSpecial ?? [], 'allowedSpecial', op);
    let disallowed: Set<string>;
    if (options?.disallowedSpecial === undefined || options.disallowedSpecial === 'all') {
      disallowed = new Set([...this.specials.keys()].filter((t) => !allowed.has(t)));
    } else {
      disallowed = this.resolve(options.disallowedSpecial, 'disallowedSpecial', op);
    }
    if (disallowed.size > 0) {
      const re = this.regexFor([...disallowed]);
      if (re) {
        re.lastIndex = 0;
        const m = re.exec(text);
        if (m) {
          throw new TokenizerError(
            `${op}: text contains the special token ${JSON.stringify(m[0])} at offset ${m.index}; ` +
              `pass { allowedSpecial: [${JSON.stringify(m[0])}] } to encode it as a special token, or ` +
              `{ disallowedSpecial: [] } to encode it as ordinary text`,
          );
        }
      }
    }
    const match = [...allowed, ...this.added.keys()];
    return this.cut(text, match);
  }

  /** Cuts `text` at every occurrence of `tokens` (leftmost first, longest at a position). */
  cut(text: string, tokens: string[]): Segment[] {
    const re = tokens.length === 0 ? null : this.regexFor(tokens);
    if (!re) return text.length > 0 ? [{ text }] : [];
    const out: Segment[] = [];
    let last = 0;
    re.lastIndex = 0;
    for (let m = re.exec(text); m !== null; m = re.exec(text)) {
      if (m.index > last) out.push({ text: text.slice(last, m.index) });
      out.push({ text: m[0], id: this.specials.get(m[0]) ?? this.added.get(m[0])! });
      last = m.index + m[0].length;
    }
    if (last < text.length) out.push({ text: text.slice(last) });
    return out;
  }

  /** Only the always-matched added tokens (for `encodeOrdinary`). */
  splitOrdinary(text: string): Segment[] {
    return this.cut(text, [...this.added.keys()]);
  }

  private resolve(value: 'all' | Iterable<string>, name: string, op: string): Set<string> {
    if (value === 'all') return new Set(this.specials.keys());
    if (typeof value === 'string' || value == null || typeof value[Symbol.iterator] !== 'function') {
      throw new ValueError(`${op}: ${name} must be 'all' or an iterable of special-token strings`);
    }
    const set = new Set<string>();
    for (const t of value) {
      if (!this.specials.has(t)) {
        throw new ValueError(`${op}: ${name} names ${JSON.stringify(t)}, which is not a special token`);
      }
      set.add(t);
    }
    return set;
  }
}

/** Validates one id for decoding; `has` says whether the id exists. */
export function checkId(id: number, vocabSize: number, has: (id: number) => boolean, at: number): void {
  if (!Number.isInteger(id) || id < 0 || id >= vocabSize || !has(id)) {
    throw new IndexError(
      `decode: token id ${id} at position ${at} is not in the vocabulary (ids 0..${vocabSize - 1}` +
        `${Number.isInteger(id) && id >= 0 && id < vocabSize ? `; ${id} is unused` : ''})`,
    );
  }
}
