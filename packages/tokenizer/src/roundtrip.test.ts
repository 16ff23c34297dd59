import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { trainBPE } from './bpe-train.js';
import { CharTokenizer } from './char.js';
import { CL100K_PATTERN, GPT2_PATTERN } from './pretokenize.js';

/** Text built from the hard parts of Unicode: emoji (with modifiers and ZWJ), CJK, combining marks, whitespace runs. */
const piece = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 8 }),
  fc.constantFrom(
    '😀',
    '👍🏽',
    '👩‍👩‍👧',
    '🇺🇸',
    '❤️',
    '日本語',
    '中文',
    '한국어',
    'ｶﾀｶﾅ',
    'e\u0301',
    'n\u0303\u0323',
    'ا\u064b',
  ),
  fc.constantFrom(
    ' ',
    '  ',
    '\t',
    '\n',
    '\r\n',
    '\u00a0',
    '\u3000',
    '\u2028',
    '\u0085',
    '\ufeff',
    '   \n\n  ',
  ),
  fc.constantFrom("'s", "'LL", '1234567', '...', '!?', '<|', '|>'),
);
const unicodeText = fc.array(piece, { maxLength: 12 }).map((parts) => parts.join(''));

const corpus = (() => {
  try {
    return readFileSync(
      new URL('../../../../shared/data/tinyshakespeare.txt', import.meta.url),
      'utf8',
    ).slice(0, 100_000);
  } catch {
    return 'To be, or not to be, that is the question: 😀 日本語の文章 naïve café\n'.repeat(200);
  }
})();

describe('byte-level BPE round trips', () => {
  const tokenizers = [
    trainBPE(corpus, { vocabSize: 600, pattern: GPT2_PATTERN }),
    trainBPE(`${corpus} 😀👍🏽 日本語 中文 e\u0301`, { vocabSize: 600, pattern: CL100K_PATTERN }),
  ];

  it('decode(encode(s)) === s for well-formed strings', () => {
    for (const tok of tokenizers) {
      fc.assert(
        fc.property(unicodeText, (s) => {
          expect(tok.decode(tok.encode(s, { disallowedSpecial: [] }))).toBe(s);
        }),
        { numRuns: 300 },
      );
      fc.assert(
        fc.property(fc.string({ unit: 'grapheme', maxLength: 50 }), (s) => {
          expect(tok.decode(tok.encodeOrdinary(s))).toBe(s);
        }),
        { numRuns: 300 },
      );
    }
  });

  it('encodes lone surrogates as U+FFFD, as TextEncoder does', () => {
    const tok = tokenizers[0];
    const replacement = tok.encode('\ufffd');
    expect(tok.encode('\ud800')).toEqual(replacement);
    expect(tok.encode('\udc00')).toEqual(replacement);
    expect(tok.decode(tok.encode('a\ud83d b\ude00'))).toBe('a\ufffd b\ufffd');
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 30 }), (s) => {
        const expected = new TextDecoder('utf-8', { ignoreBOM: true }).decode(new TextEncoder().encode(s));
        expect(tok.decode(tok.encode(s, { disallowedSpecial: [] }))).toBe(expected);
      }),
      { numRuns: 300 },
    );
  });

  it('char tokenizers round-trip strings over their vocabulary', () => {
    const tok = CharTokenizer.fromCorpus(corpus);
    const chars = [...tok.chars];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...chars), { maxLength: 60 }), (cs) => {
        const s = cs.join('');
        expect(tok.decode(tok.encode(s))).toBe(s);
      }),
    );
  });
});
