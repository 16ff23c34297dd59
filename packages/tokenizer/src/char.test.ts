import { IndexError, ValueError } from '@dendrite/tensor';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CharTokenizer } from './char.js';
import { TokenizerError } from './errors.js';

describe('CharTokenizer', () => {
  it('uses the sorted distinct characters of the corpus, like shakespeare_char', () => {
    const tok = CharTokenizer.fromCorpus('hello world\n');
    expect(tok.chars).toEqual(['\n', ' ', 'd', 'e', 'h', 'l', 'o', 'r', 'w']);
    expect(tok.vocabSize).toBe(9);
    expect(tok.encode('hello')).toEqual([4, 3, 5, 5, 6]);
    expect(tok.decode([4, 3, 5, 5, 6])).toBe('hello');
  });

  it('treats a code point as one character and sorts by code point', () => {
    const tok = CharTokenizer.fromCorpus('b😀a\uffff');
    expect(tok.chars).toEqual(['a', 'b', '\uffff', '😀']); // UTF-16 order would put 😀 before U+FFFF
    expect(tok.encode('😀a')).toEqual([3, 0]);
  });

  it('round-trips any text made of its characters', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }), (corpus) => {
        const tok = CharTokenizer.fromCorpus(corpus);
        expect(tok.decode(tok.encode(corpus))).toBe(corpus);
      }),
    );
  });

  it('names the character and offset it cannot encode', () => {
    const tok = CharTokenizer.fromCorpus('abc');
    expect(() => tok.encode('abz')).toThrow(TokenizerError);
    expect(() => tok.encode('abz')).toThrow(/"z" \(U\+007A\) at offset 2/);
  });

  it('rejects ids out of range when decoding', () => {
    const tok = CharTokenizer.fromCorpus('abc');
    expect(() => tok.decode([0, 3])).toThrow(IndexError);
    expect(() => tok.decode([0, 3])).toThrow(/token id 3 at position 1/);
    expect(() => tok.decode([-1])).toThrow(IndexError);
    expect(() => tok.idToToken(7)).toThrow(IndexError);
  });

  it('adds special tokens after the characters, under the special-token policy', () => {
    const tok = CharTokenizer.fromCorpus('ab', { specialTokens: ['<|endoftext|>'] });
    expect(tok.vocabSize).toBe(3);
    expect(tok.encode('a<|endoftext|>b', { allowedSpecial: 'all' })).toEqual([0, 2, 1]);
    expect(() => tok.encode('a<|endoftext|>b')).toThrow(/special token "<\|endoftext\|>" at offset 1/);
    expect(tok.decode([0, 2])).toBe('a<|endoftext|>');
    expect(() => CharTokenizer.fromCorpus('a', { specialTokens: ['x', 'x'] })).toThrow(ValueError);
  });

  it('validates a hand-built vocabulary', () => {
    expect(() => new CharTokenizer(['a', 'a'])).toThrow(/duplicate/);
    expect(() => new CharTokenizer(['ab'])).toThrow(/single character/);
    expect(() => new CharTokenizer(['a'], { '<s>': 0 })).toThrow(/not a free id/);
  });

  it('streams whole characters', () => {
    const tok = CharTokenizer.fromCorpus('a😀');
    const d = tok.createDecoder();
    expect(d.push(1)).toBe('😀');
    expect(d.push(0)).toBe('a');
    expect(d.flush()).toBe('');
    expect(tok.decodeBytes([1])).toEqual(new TextEncoder().encode('😀'));
    expect(tok.tokenBytes(0)).toEqual(new Uint8Array([97]));
  });
});
