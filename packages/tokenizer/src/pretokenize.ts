/**
 * Pre-tokenisation: before BPE runs, a regex cuts text into pieces ("pre-tokens": words with
 * their leading space, number runs, punctuation runs, whitespace) and merges never cross a
 * piece boundary. The patterns below are tiktoken's, written in Rust/Python regex syntax;
 * {@link compilePattern} translates that syntax to an equivalent JavaScript `RegExp`, and
 * {@link compileSplitter} picks the engine a tokenizer encodes with: the native one for the
 * known patterns, the linear-time matcher of `linear-regex.ts` for any other.
 */
import { ValueError } from '@dendrite/tensor';
import { LinearRegex } from './linear-regex.js';

/**
 * GPT-2 / r50k (tiktoken's faster form of the original
 * `'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+`, same pieces).
 */
export const GPT2_PATTERN = String.raw`'(?:[sdmt]|ll|ve|re)| ?\p{L}++| ?\p{N}++| ?[^\s\p{L}\p{N}]++|\s++$|\s+(?!\S)|\s`;

/** GPT-4 / cl100k_base: case-insensitive contractions, digits in groups of at most three. */
export const CL100K_PATTERN = String.raw`'(?i:[sdmt]|ll|ve|re)|[^\r\n\p{L}\p{N}]?+\p{L}++|\p{N}{1,3}+| ?[^\s\p{L}\p{N}]++[\r\n]*+|\s++$|\s*[\r\n]|\s+(?!\S)|\s`;

/** Alias of {@link CL100K_PATTERN}. */
export const GPT4_PATTERN = CL100K_PATTERN;

/**
 * Patterns the native `RegExp` runs in linear time, kept on it for speed; any other pattern runs
 * on {@link LinearRegex}. Why these are linear: each is a flat alternation with no nested
 * repetition; a branch scans at most a run of one or two character classes from where it starts,
 * and where a branch can fail after a long scan, a later one takes all of that run but at most
 * its last character (on a run of spaces `\s+$` and `\s*[\r\n]+` fail, then `\s+(?!\S)` takes
 * all but the last space), so each character is scanned a bounded number of times.
 * `linear-regex.test.ts` checks it by counting the steps plain backtracking takes on long runs of
 * every kind of character.
 */
export const NATIVE_LINEAR: ReadonlySet<string> = new Set([
  GPT2_PATTERN,
  CL100K_PATTERN,
  // o200k_base
  String.raw`[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?|[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+`,
  // Llama 3's tokenizer.json (cl100k_base without possessive quantifiers)
  String.raw`(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+`,
  // Qwen 2's tokenizer.json (single digits)
  String.raw`(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+`,
  // GPT-2 as Hugging Face's ByteLevel pre-tokenizer writes it
  String.raw`'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+`,
  // no split at all (a ByteLevel pre-tokenizer with use_regex false)
  String.raw`[\s\S]+`,
]);

/** Longest pattern {@link compileSplitter} accepts; real pre-tokeniser patterns are a few hundred. */
const MAX_PATTERN_LENGTH = 8192;

// Rust's and Oniguruma's `\s` is Unicode White_Space; JavaScript's `\s` differs (it takes U+FEFF
// and misses U+0085), so `\s` is spelled out as the property.
const WS = String.raw`\p{White_Space}`;
const NOT_WS = String.raw`\P{White_Space}`;
// Unicode `\d` and `\w` as Rust defines them (JavaScript's are ASCII-only).
const DIGIT = String.raw`\p{Nd}`;
const WORD_ITEMS = String.raw`\p{Alphabetic}\p{M}\p{Nd}\p{Pc}\p{Join_Control}`;

const SYNTAX = '^$\\.*+?()[]{}|/';

/** Translated patterns by pattern string, least recently used first; at most {@link PATTERN_CACHE_SIZE}. */
const compiled = new Map<string, RegExp>();
/** How many translated patterns {@link compilePattern} keeps (a tokenizer uses one; a few is plenty). */
export const PATTERN_CACHE_SIZE = 64;

/** @internal The cached pattern strings, least recently used first (for tests). */
export function cachedPatterns(): string[] {
  return [...compiled.keys()];
}

/**
 * Compiles a tiktoken / Hugging Face pre-tokeniser pattern to a global, Unicode-mode `RegExp`.
 *
 * Translations: possessive quantifiers (`?+ *+ ++ {m,n}+`) become greedy ones (exact for the
 * GPT-2/cl100k/o200k patterns, where nothing after them could make the engine backtrack into
 * them); scoped case-insensitivity `(?i:…)` is expanded into character classes using Unicode
 * simple case folding (so `s` also matches `ſ`, as in Rust); `\s \S \d \D \w` get their Unicode
 * meanings; `(?P<name>` becomes `(?<name>`. Translations are cached per pattern string (the
 * 64 most recently used).
 *
 * @throws ValueError when the translated pattern is not a valid JavaScript regex.
 */
export function compilePattern(pattern: string): RegExp {
  let re = compiled.get(pattern);
  if (re !== undefined) {
    compiled.delete(pattern); // most recently used goes last
    compiled.set(pattern, re);
  } else {
    const source = translatePattern(pattern);
    try {
      re = new RegExp(source, 'gu');
    } catch (e) {
      throw new ValueError(
        `compilePattern: cannot compile ${JSON.stringify(pattern)}: ${(e as Error).message}`,
      );
    }
    compiled.set(pattern, re);
    if (compiled.size > PATTERN_CACHE_SIZE) compiled.delete(compiled.keys().next().value as string);
  }
  return new RegExp(re.source, 'gu');
}

/** The JavaScript regex source {@link compilePattern} uses for `pattern`. */
export function translatePattern(pattern: string): string {
  const t = new Translator(pattern);
  const out = t.sequence(false);
  if (t.pos < pattern.length) {
    throw new ValueError(`compilePattern: unbalanced ')' at offset ${t.pos} in ${JSON.stringify(pattern)}`);
  }
  return out;
}

const EXTRA_FOLDS: Record<string, string> = { s: '\u017f', k: '\u212a' };

function caseVariants(ch: string): string[] {
  const lower = ch.toLowerCase();
  const cands = new Set([ch, lower, ch.toUpperCase()]);
  if (EXTRA_FOLDS[lower]) cands.add(EXTRA_FOLDS[lower]);
  const test = new RegExp(`^${ch.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&')}$`, 'iu');
  return [...cands].filter((c) => [...c].length === 1 && test.test(c));
}

function isLetter(ch: string): boolean {
  return ch.toLowerCase() !== ch.toUpperCase();
}

class Translator {
  pos = 0;
  constructor(private readonly src: string) {}

  /** Translates until an unmatched ')' (consumed by the caller) or the end. */
  sequence(ignoreCase: boolean): string {
    let out = '';
    const s = this.src;
    while (this.pos < s.length) {
      const ch = s[this.pos];
      if (ch === ')') return out;
      if (ch === '\\') {
        out += this.escape(false);
      } else if (ch === '[') {
        out += this.charClass(ignoreCase);
      } else if (ch === '(') {
        out += this.group(ignoreCase);
      } else if (ch === '?' || ch === '*' || ch === '+') {
        this.pos++;
        out += ch + this.quantifierSuffix();
      } else if (ch === '{' && /^\{\d+(,\d*)?\}/.test(s.slice(this.pos))) {
        const m = /^\{\d+(,\d*)?\}/.exec(s.slice(this.pos))!;
        this.pos += m[0].length;
        out += m[0] + this.quantifierSuffix();
      } else {
        const cp = String.fromCodePoint(s.codePointAt(this.pos)!);
        this.pos += cp.length;
        if (ignoreCase && isLetter(cp)) {
          const v = caseVariants(cp);
          out += v.length > 1 ? `[${v.join('')}]` : cp;
        } else {
          out += cp;
        }
      }
    }
    return out;
  }

  /** After a quantifier: drop a possessive '+', keep a lazy '?'. */
  private quantifierSuffix(): string {
    const next = this.src[this.pos];
    if (next === '+') {
      this.pos++;
      return '';
    }
    if (next === '?') {
      this.pos++;
      return '?';
    }
    return '';
  }

  private group(ignoreCase: boolean): string {
    const s = this.src;
    this.pos++; // '('
    let open = '(';
    let ic = ignoreCase;
    if (s[this.pos] === '?') {
      const rest = s.slice(this.pos);
      const flags = /^\?([imsx]*)(?:-([imsx]*))?:/.exec(rest);
      const named = /^\?P?<([A-Za-z_][A-Za-z0-9_]*)>/.exec(rest);
      const plain = /^\?(?::|=|!|<=|<!)/.exec(rest);
      if (flags && (flags[1] || flags[2])) {
        if ((flags[1] + (flags[2] ?? '')).replace(/i/g, '') !== '') {
          throw new ValueError(`compilePattern: only the 'i' inline flag is supported, got (${flags[0]}`);
        }
        if (flags[1].includes('i')) ic = true;
        if (flags[2]?.includes('i')) ic = false;
        open = '(?:';
        this.pos += flags[0].length;
      } else if (named) {
        open = `(?<${named[1]}>`;
        this.pos += named[0].length;
      } else if (plain) {
        open = `(${plain[0]}`;
        this.pos += plain[0].length;
      } else {
        throw new ValueError(`compilePattern: unsupported group syntax '(${rest.slice(0, 4)}' in pattern`);
      }
    }
    const inner = this.sequence(ic);
    if (s[this.pos] !== ')') throw new ValueError(`compilePattern: missing ')' in ${JSON.stringify(s)}`);
    this.pos++;
    return `${open}${inner})`;
  }

  private escape(inClass: boolean): string {
    const s = this.src;
    const c = s[this.pos + 1];
    if (c === undefined) throw new ValueError('compilePattern: pattern ends with a lone backslash');
    if (c === 'p' || c === 'P') {
      const m = /^\\[pP](\{[^}]*\}|[A-Za-z])/.exec(s.slice(this.pos));
      if (!m) throw new ValueError(`compilePattern: bad property escape at offset ${this.pos}`);
      this.pos += m[0].length;
      return m[1].length === 1 ? `\\${c}{${m[1]}}` : m[0];
    }
    this.pos += 2;
    switch (c) {
      case 's':
        return WS;
      case 'S':
        return NOT_WS;
      case 'd':
        return DIGIT;
      case 'D':
        if (inClass) throw new ValueError('compilePattern: \\D inside a character class is not supported');
        return String.raw`\P{Nd}`;
      case 'w':
        return inClass ? WORD_ITEMS : `[${WORD_ITEMS}]`;
      case 'W':
        if (inClass) throw new ValueError('compilePattern: \\W inside a character class is not supported');
        return `[^${WORD_ITEMS}]`;
      case 'x':
        if (s[this.pos] === '{') {
          const m = /^\{([0-9A-Fa-f]{1,6})\}/.exec(s.slice(this.pos));
          if (!m) throw new ValueError(`compilePattern: bad \\x{…} escape at offset ${this.pos - 2}`);
          this.pos += m[0].length;
          return `\\u{${m[1]}}`;
        }
        return '\\x';
      default:
        // Rust accepts `\` before any punctuation; Unicode-mode JavaScript only before syntax
        // characters, so other escaped punctuation is written plainly.
        if (/[A-Za-z0-9]/.test(c) || SYNTAX.includes(c) || (inClass && c === '-')) return `\\${c}`;
        return c;
    }
  }

  private charClass(ignoreCase: boolean): string {
    const s = this.src;
    this.pos++; // '['
    let out = '[';
    if (s[this.pos] === '^') {
      out += '^';
      this.pos++;
    }
    if (s[this.pos] === ']') {
      out += '\\]';
      this.pos++;
    }
    const extra: string[] = [];
    while (this.pos < s.length && s[this.pos] !== ']') {
      if (s[this.pos] === '\\') {
        out += this.escape(true);
        continue;
      }
      if (s[this.pos] === '[') {
        throw new ValueError('compilePattern: nested character classes are not supported');
      }
      const cp = String.fromCodePoint(s.codePointAt(this.pos)!);
      this.pos += cp.length;
      if (ignoreCase && cp === '-' && out.length > 1 && s[this.pos] !== ']') {
        throw new ValueError('compilePattern: character ranges inside (?i:…) are not supported');
      }
      out += cp === '/' ? '\\/' : cp;
      if (ignoreCase && isLetter(cp)) extra.push(...caseVariants(cp).filter((v) => v !== cp));
    }
    if (s[this.pos] !== ']') throw new ValueError(`compilePattern: unterminated '[' in ${JSON.stringify(s)}`);
    this.pos++;
    return `${out}${extra.join('')}]`;
  }
}

/** A compiled pre-tokeniser: cuts text into pieces (see {@link pretokenize}). */
export interface PieceSplitter {
  /** Calls `fn` for each piece of `text`, in order; the pieces concatenate back to `text`. */
  forEachPiece(text: string, fn: (piece: string) => void): void;
}

/**
 * Compiles a pre-tokeniser pattern for encoding, safe for patterns read from untrusted files:
 * splitting text with it takes time linear in the text's length, whatever the pattern. The
 * known patterns (GPT-2, cl100k_base, o200k_base, Llama 3, Qwen 2) run on the native `RegExp`;
 * any other runs on a memoised backtracking matcher that gives the same pieces (a few times
 * slower). This is what `BPETokenizer` and `trainBPE` use.
 *
 * @throws ValueError when the pattern is not valid (as {@link compilePattern}), longer than 8192
 *   characters, or uses what the linear matcher cannot bound: back-references,
 *   a repeated group that can match the empty string (`(a*)*`), lookarounds that can match
 *   unbounded text, more than 4096 instructions once `{m,n}` repetitions are expanded, or more
 *   than 128 repetitions, alternations and optional parts.
 */
export function compileSplitter(pattern: string): PieceSplitter {
  if (typeof pattern !== 'string') throw new ValueError('compileSplitter: pattern must be a string');
  if (pattern.length > MAX_PATTERN_LENGTH) {
    throw new ValueError(
      `pre-tokeniser pattern ${JSON.stringify(`${pattern.slice(0, 60)}…`)}: ${pattern.length} characters is longer than the ${MAX_PATTERN_LENGTH} allowed`,
    );
  }
  const regex = compilePattern(pattern);
  if (NATIVE_LINEAR.has(pattern)) {
    return { forEachPiece: (text, fn) => forEachPiece(text, regex, fn) };
  }
  return new LinearRegex(translatePattern(pattern), pattern);
}

/**
 * Splits `text` into pre-tokens: every match of `regex`, and any text between matches as its
 * own piece (Hugging Face's "Isolated" split), so the pieces always concatenate back to `text`.
 * `regex` must be global (as {@link compilePattern} returns). The native engine backtracks, so
 * some patterns take time quadratic or exponential in the text (`(a+)+b`, even `\s+$`); for a
 * pattern that is not your own, use {@link compileSplitter}.
 */
export function pretokenize(text: string, regex: RegExp): string[] {
  const pieces: string[] = [];
  forEachPiece(text, regex, (p) => {
    pieces.push(p);
  });
  return pieces;
}

/** Calls `fn` for each pre-token of `text` in order (see {@link pretokenize}); no array is built. */
export function forEachPiece(text: string, regex: RegExp, fn: (piece: string) => void): void {
  regex.lastIndex = 0;
  let last = 0;
  for (;;) {
    const m = regex.exec(text);
    if (m === null) break;
    const start = m.index;
    const piece = m[0];
    if (piece.length === 0) {
      // An empty match: step over one code point so the scan always advances.
      const cp = text.codePointAt(regex.lastIndex);
      if (cp === undefined) break;
      regex.lastIndex += cp > 0xffff ? 2 : 1;
      continue;
    }
    if (start > last) fn(text.slice(last, start));
    fn(piece);
    last = start + piece.length;
  }
  if (last < text.length) fn(text.slice(last));
}
