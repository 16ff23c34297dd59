import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bytesKey, decodeUtf8, decodeUtf8Strict, isWellFormed, toWellFormed, utf8Bytes } from './utf8.js';

describe('utf8 helpers', () => {
  it('utf8Bytes matches TextEncoder on any UTF-16 string, lone surrogates included', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', maxLength: 40 }),
        fc.string({ unit: 'grapheme', maxLength: 20 }),
        (a, b) => {
          for (const s of [a, b, `${a}\ud800${b}`, `\udc00${a}`]) {
            expect(Uint8Array.from(utf8Bytes(s))).toEqual(new TextEncoder().encode(s));
          }
        },
      ),
    );
  });

  it('replaces exactly the lone surrogates with U+FFFD', () => {
    expect(isWellFormed('a😀b')).toBe(true);
    expect(isWellFormed('a\ud83d')).toBe(false);
    expect(toWellFormed('a\ud83db\ude00😀\udc00')).toBe('a\ufffdb\ufffd😀\ufffd');
    expect(toWellFormed('plain')).toBe('plain');
  });

  it('keeps a leading byte-order mark when decoding', () => {
    expect(decodeUtf8(new Uint8Array([0xef, 0xbb, 0xbf, 0x61]))).toBe('\ufeffa');
  });

  it('strict decoding rejects invalid UTF-8', () => {
    expect(decodeUtf8Strict(new Uint8Array([0xe2, 0x82]))).toBeUndefined();
    expect(decodeUtf8Strict(new Uint8Array([0xe2, 0x82, 0xac]))).toBe('€');
    expect(decodeUtf8(new Uint8Array([0xff]))).toBe('\ufffd');
  });

  it('bytesKey is one char per byte', () => {
    expect(bytesKey([0, 255, 65])).toBe('\u0000\u00ffA');
  });
});
