import { ValueError } from '@dendrite/tensor';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LinearRegex } from './linear-regex.js';
import {
  CL100K_PATTERN,
  compilePattern,
  compileSplitter,
  forEachPiece,
  GPT2_PATTERN,
  NATIVE_LINEAR,
  translatePattern,
} from './pretokenize.js';

const linear = (pattern: string, memo = true) =>
  new LinearRegex(translatePattern(pattern), pattern, { memo });

function pieces(split: { forEachPiece(t: string, fn: (p: string) => void): void }, text: string) {
  const out: string[] = [];
  split.forEachPiece(text, (p) => {
    out.push(p);
  });
  return out;
}

function nativePieces(pattern: string, text: string): string[] {
  const out: string[] = [];
  forEachPiece(text, compilePattern(pattern), (p) => {
    out.push(p);
  });
  return out;
}

const MIXED =
  "First Citizen:\nBefore we proceed any further, hear me speak.\n\nAll:\nSpeak, speak.  It's 12345 😀👍🏽 " +
  "日本語 naïve café\t\t\r\n  end  I'M YOU'LL don'T ǅungla ʰa ก\u0301ข Ωμέγα ١٢٣٤ ǅǅ AAAbbb bbbAAA " +
  "// path/to/x.ts\r\n\r\n\u00a0\u0085\u2028 ---===*** 's 'S ſ https://x.y?a=1&b=2  \n\n\n   x\u{1D400}";

describe('LinearRegex gives the same pieces as the native RegExp', () => {
  it('on the known patterns and mixed text', () => {
    for (const pattern of [...NATIVE_LINEAR, CL100K_PATTERN]) {
      for (const text of [MIXED, MIXED.repeat(3), ` ${MIXED}\n`, '']) {
        expect(pieces(linear(pattern), text)).toEqual(nativePieces(pattern, text));
      }
    }
  });

  it('on random patterns and strings (property)', () => {
    const atom = fc.constantFrom(
      'a',
      'b',
      ' ',
      '\\s',
      '\\S',
      '\\p{L}',
      '\\p{N}',
      '[ab]',
      '[^a\\s]',
      '.',
      '\\n',
      '\\d',
      '😀',
      'é',
    );
    const quant = fc.constantFrom(
      '',
      '',
      '?',
      '*',
      '+',
      '{1,3}',
      '{2}',
      '*?',
      '+?',
      '??',
      '{0,2}?',
      '++',
      '{0,2}',
      '{2,}',
    );
    const pattern = fc.letrec((tie) => ({
      item: fc.oneof(
        { weight: 5, arbitrary: fc.tuple(atom, quant).map(([a, q]) => a + q) },
        { weight: 1, arbitrary: fc.tuple(tie('alt'), quant).map(([g, q]) => `(?:${g})${q}`) },
        { weight: 1, arbitrary: fc.constantFrom('$', '^', '\\b', '\\B', '(?!\\S)', '(?=a)', '(?<=b)') },
      ),
      seq: fc.array(tie('item'), { minLength: 1, maxLength: 4 }).map((xs) => (xs as string[]).join('')),
      alt: fc.array(tie('seq'), { minLength: 1, maxLength: 3 }).map((xs) => (xs as string[]).join('|')),
    })).alt as fc.Arbitrary<string>;
    const text = fc
      .array(fc.constantFrom('a', 'b', ' ', '\n', '1', 'é', '😀', 'A', '!'), { maxLength: 14 })
      .map((cs) => cs.join(''));
    fc.assert(
      fc.property(pattern, text, (p, t) => {
        let matcher: LinearRegex;
        try {
          matcher = linear(p);
        } catch (e) {
          // Refused (a repeated group that can match empty): nothing to compare.
          expect(e).toBeInstanceOf(ValueError);
          return;
        }
        expect(pieces(matcher, t)).toEqual(nativePieces(p, t));
      }),
      { numRuns: 1500 },
    );
  });
});

describe('LinearRegex is linear in the text, whatever the pattern', () => {
  // Steps are counted, not timed: a backtracking matcher on these takes steps quadratic or
  // exponential in n.
  const cases: [string, (n: number) => string][] = [
    ['(a+)+b', (n) => 'a'.repeat(n)],
    ['(a|a)*b', (n) => 'a'.repeat(n)],
    ['(?:a|ab)*c', (n) => 'ab'.repeat(n / 2)],
    [String.raw`\s+$`, (n) => `${' '.repeat(n)}x`],
    [String.raw`\p{L}+\d|a`, (n) => 'a'.repeat(n)],
    [String.raw`(\w+\s?)+$`, (n) => `${'ab '.repeat(n / 3)}!`],
    [String.raw`\s*[\r\n]+|\s+(?!\S)`, (n) => `${' '.repeat(n)}x`],
  ];
  for (const [pattern, text] of cases) {
    it(`${pattern}: steps per character stay bounded`, () => {
      const small = linear(pattern);
      small.forEachPiece(text(1000), () => {});
      const big = linear(pattern);
      big.forEachPiece(text(16000), () => {});
      // Linear: 16× the text, about 16× the steps (quadratic would be 256×).
      expect(big.steps / small.steps).toBeLessThan(20);
      expect(big.steps / 16000).toBeLessThan(4 * big.size);
    });
  }

  it('encodes (a+)+b on 28 a`s the way the native engine would, without its 2^27 tries', () => {
    const m = linear('(a+)+b');
    expect(pieces(m, 'a'.repeat(28))).toEqual(['a'.repeat(28)]); // no match: one gap piece
    expect(pieces(m, `${'a'.repeat(28)}b`)).toEqual([`${'a'.repeat(28)}b`]);
    expect(m.steps).toBeLessThan(1000);
  });
});

describe('LinearRegex refuses what it cannot bound', () => {
  it('names the pattern and the construct', () => {
    expect(() => linear(String.raw`(a)\1`)).toThrow(ValueError);
    expect(() => linear(String.raw`(a)\1`)).toThrow(/"\(a\)\\\\1": back-references/);
    expect(() => linear('(a*)*b')).toThrow(/"\(a\*\)\*b": a repeated group that can match the empty string/);
    expect(() => linear('(?:a?)+')).toThrow(/repeated group that can match the empty string/);
    expect(() => linear('(?:a|)+')).toThrow(/repeated group that can match the empty string/);
    expect(() => linear('x(?=a+)')).toThrow(/lookaround \(\?=a\+\) can match unbounded/);
    expect(() => linear('x(?=a{1000})')).toThrow(/lookaround/);
    expect(() => linear('x(?=b(?=a+))')).toThrow(/lookaround \(\?=b\(\?=a\+\)\) can match unbounded/);
    expect(() => linear('a{5000}')).toThrow(/too large: over 4096 instructions/);
    expect(() => linear('(?:ab|cd){800}')).toThrow(/too large/);
    expect(() => linear('a?'.repeat(200))).toThrow(/too complex: 200 places where paths join/);
  });

  it('accepts bounded repetition of nullable groups and short lookarounds', () => {
    expect(pieces(linear('(?:a?){2}b'), 'aab')).toEqual(nativePieces('(?:a?){2}b', 'aab'));
    expect(pieces(linear('x(?=ab|cd)'), 'xab xcd xe')).toEqual(nativePieces('x(?=ab|cd)', 'xab xcd xe'));
    expect(pieces(linear('(?<=a)b'), 'abcb')).toEqual(['a', 'b', 'cb']);
  });
});

describe('compileSplitter', () => {
  it('keeps the native engine for the known patterns, the linear matcher for any other', () => {
    for (const known of NATIVE_LINEAR) expect(compileSplitter(known)).not.toBeInstanceOf(LinearRegex);
    expect(compileSplitter(GPT2_PATTERN)).not.toBeInstanceOf(LinearRegex);
    expect(compileSplitter(CL100K_PATTERN)).not.toBeInstanceOf(LinearRegex);
    expect(compileSplitter('(a+)+b')).toBeInstanceOf(LinearRegex);
    expect(pieces(compileSplitter(GPT2_PATTERN), MIXED)).toEqual(nativePieces(GPT2_PATTERN, MIXED));
  });

  it('refuses invalid, over-long and unboundable patterns with ValueError', () => {
    expect(() => compileSplitter('(a')).toThrow(ValueError);
    expect(() => compileSplitter('a'.repeat(9000))).toThrow(/9000 characters is longer than the 8192/);
    expect(() => compileSplitter('(a*)*')).toThrow(/repeated group/);
  });

  // The native engine backtracks; the known patterns stay on it only because plain backtracking
  // on them takes a bounded number of steps per character. Count those steps (LinearRegex with
  // memoisation off explores exactly what a backtracking engine explores) on runs of every kind
  // of character, each followed by every kind of character, and on alternating pairs.
  it('vets the native allow-list: plain backtracking on it is linear', () => {
    const kinds = [
      ' ',
      '\n',
      '\r\n',
      '\t',
      '\u00a0',
      'a',
      'A',
      'ǅ',
      'ʰ',
      'ก',
      '\u0301',
      '1',
      '١',
      '!',
      '/',
      "'",
      '😀',
    ];
    const texts = (n: number) => {
      const out: string[] = [];
      for (const x of kinds) {
        for (const y of kinds) {
          out.push(x.repeat(n) + y);
          out.push((x + y).repeat(n / 2));
        }
        out.push(`${x.repeat(n)}'s`);
      }
      return out;
    };
    for (const pattern of NATIVE_LINEAR) {
      const small = linear(pattern, false);
      for (const t of texts(200)) small.forEachPiece(t, () => {});
      const big = linear(pattern, false);
      for (const t of texts(1600)) big.forEachPiece(t, () => {});
      expect(big.steps / small.steps, pattern).toBeLessThan(8 * 1.25);
    }
  });
});
