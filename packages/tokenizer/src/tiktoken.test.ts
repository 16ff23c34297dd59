import { readFileSync } from 'node:fs';
import { IndexError } from '@dendrite/tensor';
import { describe, expect, it } from 'vitest';
import { TokenizerError } from './errors.js';
import { GPT2_PATTERN } from './pretokenize.js';
import { GPT2_SPECIAL_TOKENS, loadTiktoken, parseTiktokenRanks, toTiktokenRanks } from './tiktoken.js';

const b64 = (s: string) => btoa(s); // s holds one char per byte (latin1)
const byteLines = Array.from({ length: 256 }, (_, b) => `${b64(String.fromCharCode(b))} ${b}`);

/**
 * A small rank file: the 256 bytes at ranks 0–255 (rank = byte value), then these tokens.
 * Ids are ranks, so the expectations below follow from the merge rule by hand.
 */
const EXTRA = [
  'aGU= 256', // "he"
  'IHQ= 257', // " t"
  'IHRo 258', // " th"
  'IHRoZQ== 259', // " the"
  'bGw= 260', // "ll"
  'aGVsbA== 261', // "hell"
  'aGVsbG8= 262', // "hello"
  'eHl6 263', // "xyz": no pair of tokens concatenates to it, so only the whole-piece rule reaches it
  'YWE= 264', // "aa"
  'w6k= 265', // "é" (C3 A9)
  '8J8= 266', // F0 9F: the first half of a four-byte character
];
const RANKS = `${[...byteLines, ...EXTRA].join('\n')}\n`;
const small = () => loadTiktoken(RANKS, { pattern: GPT2_PATTERN, specialTokens: { '<|endoftext|>': 300 } });

describe('tiktoken rank files: encoding by the rank rule', () => {
  const tok = small();

  it('maps a piece that is a token straight to it', () => {
    expect(tok.encode('hello')).toEqual([262]);
    expect(tok.encode('xyz')).toEqual([263]);
  });

  it('merges the lowest-ranked adjacent pair first', () => {
    // " hello": (h,e)=256 → (l,l)=260 → (he,ll)=261 → (hell,o)=262; " " stays alone.
    expect(tok.encode(' hello')).toEqual([32, 262]);
    // " thee": (h,e)=256 → (" ",t)=257 → (" t",he)=" the" 259; the last e stays.
    expect(tok.encode(' thee')).toEqual([259, 101]);
    // "xyzw" has no mergeable pair: one token per byte.
    expect(tok.encode('xyzw')).toEqual([120, 121, 122, 119]);
    expect(tok.encode(' xyz')).toEqual([32, 120, 121, 122]);
  });

  it('breaks ties leftmost', () => {
    expect(tok.encode('aaa')).toEqual([264, 97]);
    expect(tok.encode('aaaa')).toEqual([264, 264]);
    expect(tok.encode('aaaaa')).toEqual([264, 264, 97]);
  });

  it('works on bytes, so characters can be split across tokens', () => {
    expect(tok.encode('é')).toEqual([265]);
    expect(tok.encode('😀')).toEqual([266, 0x98, 0x80]);
    expect(tok.decode([266, 0x98, 0x80])).toBe('😀');
    expect(tok.decode([266])).toBe('\ufffd'); // half a character decodes to U+FFFD
  });

  it('pre-tokenises first and handles allowed special tokens', () => {
    expect(tok.encode('hello world')).toEqual([262, 32, 119, 111, 114, 108, 100]);
    expect(tok.encode('the hello<|endoftext|> thee', { allowedSpecial: 'all' })).toEqual([
      116, 256, 32, 262, 300, 259, 101,
    ]);
  });

  it('has ids up to the largest special token, with a gap that cannot be decoded', () => {
    expect(tok.vocabSize).toBe(301);
    expect(tok.decode([300])).toBe('<|endoftext|>');
    expect(() => tok.decode([280])).toThrow(IndexError);
    expect(() => tok.decode([280])).toThrow(/280 at position 0 .*unused/);
    expect(() => tok.decode([1, 301])).toThrow(/301 at position 1/);
    expect(() => tok.decode([-1])).toThrow(IndexError);
    expect(() => tok.decode([1.5])).toThrow(IndexError);
  });

  it('writes the same rank file back', () => {
    expect(toTiktokenRanks(tok)).toBe(RANKS);
  });
});

describe('tiktoken rank files: malformed input', () => {
  const withLine = (line: string, at = 258) => {
    const lines = [...byteLines, ...EXTRA];
    lines.splice(at, 0, line);
    return lines.join('\n');
  };

  it('names the line of bad base64', () => {
    expect(() => parseTiktokenRanks(withLine('a$== 400'))).toThrow(TokenizerError);
    expect(() => parseTiktokenRanks(withLine('a$== 400'))).toThrow(/line 259: bad base64/);
    expect(() => parseTiktokenRanks(withLine('aGV 400'))).toThrow(/line 259: bad base64/);
  });

  it('names duplicate ranks and duplicate tokens', () => {
    expect(() => parseTiktokenRanks(withLine('eno= 256'))).toThrow(
      /line 259: duplicate rank 256 \(first on line 257\)/,
    );
    expect(() => parseTiktokenRanks(withLine('aGU= 400'))).toThrow(
      /line 259: duplicate token "he" \(first on line 257\)/,
    );
  });

  it('names lines with the wrong shape or rank', () => {
    expect(() => parseTiktokenRanks(withLine('eno='))).toThrow(/line 259: expected "base64 rank"/);
    expect(() => parseTiktokenRanks(withLine('eno= 1 2'))).toThrow(/line 259: expected/);
    expect(() => parseTiktokenRanks(withLine('eno= -3'))).toThrow(
      /line 259: rank "-3" is not a non-negative integer/,
    );
    expect(() => parseTiktokenRanks(withLine('eno= 1e3'))).toThrow(/line 259: rank/);
  });

  it('rejects an empty file and a vocabulary without all 256 bytes', () => {
    expect(() => parseTiktokenRanks('\n\n')).toThrow(/no tokens/);
    expect(() => loadTiktoken(byteLines.slice(1).join('\n'))).toThrow(
      /single-byte token\(s\) missing \(e\.g\. byte 0x00\)/,
    );
  });

  it('skips blank lines and accepts CRLF', () => {
    expect(parseTiktokenRanks(`${byteLines.join('\r\n')}\r\n\r\n`).length).toBe(256);
  });
});

describe('tiktoken rank files are untrusted input', () => {
  const withRank = (rank: string) => [...byteLines, `${b64('he')} ${rank}`].join('\n');

  it('refuses a rank far beyond the file (no vocabulary that large is built)', () => {
    expect(() => loadTiktoken(withRank('4000000000'))).toThrow(TokenizerError);
    expect(() => loadTiktoken(withRank('4000000000'))).toThrow(
      /line 257: rank 4000000000 is out of range: a file of 257 token\(s\) may use ranks 0\.\.1537/,
    );
    expect(() => parseTiktokenRanks(withRank('100000000'))).toThrow(
      /line 257: rank 100000000 is out of range/,
    );
    expect(() => parseTiktokenRanks(withRank(String(2 ** 53 - 1)))).toThrow(/out of range/);
  });

  it('refuses a sparse file (rank 1e6 in a file of 257 tokens)', () => {
    expect(() => loadTiktoken(withRank('1000000'))).toThrow(/line 257: rank 1000000 is out of range/);
  });

  it('accepts gaps up to one unused rank per token (+1024), as tiktoken does', () => {
    expect(loadTiktoken(withRank('1537')).tokenToId('he')).toBe(1537);
    expect(loadTiktoken(withRank('1537')).vocabSize).toBe(1538);
    expect(() => loadTiktoken(withRank('1538'))).toThrow(/rank 1538 is out of range/);
  });

  it('refuses duplicate ranks and duplicate tokens, naming both lines', () => {
    expect(() => parseTiktokenRanks(withRank('97'))).toThrow(
      /line 257: duplicate rank 97 \(first on line 98\)/,
    );
    expect(() => parseTiktokenRanks([...byteLines, `${b64('a')} 300`].join('\n'))).toThrow(
      /line 257: duplicate token "a" \(first on line 98\)/,
    );
  });

  it('handles a 50,000-byte token (its merge-table entries come from tries, not from hashing every prefix)', () => {
    const long = 'ab'.repeat(25_000);
    const lines = [...byteLines, `${b64('ab')} 256`, `${b64(long)} 257`, `${b64(long.slice(0, 100))} 258`];
    const tok = loadTiktoken(lines.join('\n'));
    expect(tok.encode(long)).toEqual([257]); // the whole piece is a token
    expect(tok.encode(long.slice(0, 104))).toEqual(new Array(52).fill(256)); // no pair spells a longer token
  });
});

// Real GPT-2 ranks: registered only when DENDRITE_GPT2_TIKTOKEN points at gpt2.tiktoken.
const GPT2_TIKTOKEN = process.env.DENDRITE_GPT2_TIKTOKEN;
if (GPT2_TIKTOKEN) {
  describe('real GPT-2 ranks (DENDRITE_GPT2_TIKTOKEN)', () => {
    const tok = loadTiktoken(readFileSync(GPT2_TIKTOKEN, 'utf8'), {
      pattern: GPT2_PATTERN,
      specialTokens: GPT2_SPECIAL_TOKENS,
    });

    it('encodes the known GPT-2 ids', () => {
      expect(tok.vocabSize).toBe(50257);
      expect(tok.encode('Hello world')).toEqual([15496, 995]);
      expect(tok.encode(' hello')).toEqual([23748]);
      expect(tok.encode('<|endoftext|>', { allowedSpecial: 'all' })).toEqual([50256]);
      expect(() => tok.encode('<|endoftext|>')).toThrow(TokenizerError);
    });

    it('round-trips text', () => {
      const text = 'First Citizen:\nBefore we proceed any further, hear me speak. 😀 日本語 \u0301';
      expect(tok.decode(tok.encode(text))).toBe(text);
    });
  });
}
