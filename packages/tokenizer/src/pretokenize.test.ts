import { ValueError } from '@dendrite/tensor';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CL100K_PATTERN,
  cachedPatterns,
  compilePattern,
  GPT2_PATTERN,
  PATTERN_CACHE_SIZE,
  pretokenize,
  translatePattern,
} from './pretokenize.js';

const gpt2 = compilePattern(GPT2_PATTERN);
const cl100k = compilePattern(CL100K_PATTERN);

describe('GPT-2 pattern', () => {
  it('keeps a leading space with the word and splits contractions', () => {
    expect(pretokenize("Hello world, it's 2024!", gpt2)).toEqual([
      'Hello',
      ' world',
      ',',
      ' it',
      "'s",
      ' 2024',
      '!',
    ]);
    expect(pretokenize("I'M", gpt2)).toEqual(['I', "'", 'M']); // GPT-2 contractions are lowercase only
  });

  it('leaves the last space of a run for the next word', () => {
    expect(pretokenize('a   b', gpt2)).toEqual(['a', '  ', ' b']);
    // A run before a word gives its last character to the word, or to a piece of its own.
    expect(pretokenize('a\n\nb  ', gpt2)).toEqual(['a', '\n', '\n', 'b', '  ']);
  });

  it('uses Unicode White_Space, not JavaScript \\s', () => {
    // U+FEFF is not White_Space (so it is "other" punctuation); U+0085 is.
    expect(pretokenize('a\ufeffb', gpt2)).toEqual(['a', '\ufeff', 'b']);
    expect(pretokenize('a\u0085 b', gpt2)).toEqual(['a', '\u0085', ' b']);
  });
});

describe('cl100k pattern', () => {
  it('groups digits by three and matches contractions in any case', () => {
    expect(pretokenize('12345 abc', cl100k)).toEqual(['123', '45', ' abc']);
    expect(pretokenize("I'M YOU'LL", cl100k)).toEqual(['I', "'M", ' YOU', "'LL"]);
  });

  it('lets a punctuation character lead a word and keeps newlines with punctuation', () => {
    expect(pretokenize('"Hi!!\n\nok', cl100k)).toEqual(['"Hi', '!!\n\n', 'ok']);
  });

  it('folds case like Rust (long s matches s)', () => {
    expect(pretokenize("it'ſ", cl100k)).toEqual(['it', "'ſ"]);
  });
});

describe('compilePattern', () => {
  it('drops possessive quantifiers and expands (?i:…)', () => {
    expect(translatePattern('a++b?+c*+d{1,3}+')).toBe('a+b?c*d{1,3}');
    expect(translatePattern('(?i:ab|[xy])')).toBe('(?:[aA][bB]|[xyXY])');
    expect(translatePattern(String.raw`\s\S[^\s]`)).toBe(
      String.raw`\p{White_Space}\P{White_Space}[^\p{White_Space}]`,
    );
    expect(translatePattern(String.raw`(?P<w>\w+)\'`)).toBe(
      String.raw`(?<w>[\p{Alphabetic}\p{M}\p{Nd}\p{Pc}\p{Join_Control}]+)'`,
    );
    expect(translatePattern(String.raw`\x{1F600}`)).toBe(String.raw`\u{1F600}`);
    expect(translatePattern('a+?')).toBe('a+?');
  });

  it('rejects what it cannot translate, with ValueError', () => {
    expect(() => compilePattern('(?x:a)')).toThrow(ValueError);
    expect(() => compilePattern('(a')).toThrow(ValueError);
    expect(() => compilePattern('a)')).toThrow(/unbalanced/);
    expect(() => compilePattern('(?i:[a-z])')).toThrow(/ranges/);
    expect(() => compilePattern('[abc')).toThrow(ValueError);
  });

  it('returns a fresh global regex each call', () => {
    const a = compilePattern(GPT2_PATTERN);
    const b = compilePattern(GPT2_PATTERN);
    expect(a).not.toBe(b);
    expect(a.flags).toBe('gu');
  });

  it('keeps at most PATTERN_CACHE_SIZE translations, dropping the least recently used', () => {
    for (let i = 0; i < 3 * PATTERN_CACHE_SIZE; i++) compilePattern(`x${i}|y+`);
    compilePattern(GPT2_PATTERN); // used again: now the most recent
    for (let i = 0; i < PATTERN_CACHE_SIZE - 1; i++) compilePattern(`z${i}`);
    expect(cachedPatterns()).toHaveLength(PATTERN_CACHE_SIZE);
    expect(cachedPatterns()[0]).toBe(GPT2_PATTERN); // the oldest left, the x… ones all evicted
    const re = compilePattern(GPT2_PATTERN); // a hit moves it to the end
    expect(cachedPatterns().at(-1)).toBe(GPT2_PATTERN);
    expect("he's here".match(re)).toEqual(['he', "'s", ' here']);
    compilePattern('w1'); // a new one evicts the least recently used instead of growing
    expect(cachedPatterns()).toHaveLength(PATTERN_CACHE_SIZE);
    expect(cachedPatterns()).not.toContain('z0');
  });
});

describe('pretokenize', () => {
  it('pieces always concatenate back to the text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 60 }), (s) => {
        expect(pretokenize(s, gpt2).join('')).toBe(s);
        expect(pretokenize(s, cl100k).join('')).toBe(s);
        expect(pretokenize(s, cl100k).every((p) => p.length > 0)).toBe(true);
      }),
    );
  });

  it('keeps unmatched gaps as pieces and survives empty matches', () => {
    expect(pretokenize('ab12cd', compilePattern(String.raw`\d+`))).toEqual(['ab', '12', 'cd']);
    expect(pretokenize('a😀b', compilePattern('x*'))).toEqual(['a😀b']);
  });
});
