import { describe, expect, it } from 'vitest';
import { BYTE_TO_UNICODE, bytesToUnicode, UNICODE_TO_BYTE, unicodeToBytes } from './bytes.js';

describe('GPT-2 byte ↔ unicode map', () => {
  it('is a bijection over 256 printable characters', () => {
    expect(new Set(BYTE_TO_UNICODE).size).toBe(256);
    expect(UNICODE_TO_BYTE.size).toBe(256);
    for (const c of BYTE_TO_UNICODE) {
      expect(c.length).toBe(1);
      expect(/\s|\p{Cc}/u.test(c)).toBe(false);
    }
  });

  it('keeps printable ASCII and Latin-1 and shifts the rest to U+0100…', () => {
    expect(BYTE_TO_UNICODE[0x41]).toBe('A');
    expect(BYTE_TO_UNICODE[0x21]).toBe('!');
    expect(BYTE_TO_UNICODE[0xff]).toBe('ÿ');
    expect(BYTE_TO_UNICODE[0x00]).toBe('\u0100');
    expect(BYTE_TO_UNICODE[0x20]).toBe('Ġ'); // space, U+0120
    expect(BYTE_TO_UNICODE[0x0a]).toBe('Ċ'); // newline, U+010A
    expect(BYTE_TO_UNICODE[0xad]).toBe('\u0143'); // soft hyphen is the 68th shifted byte
  });

  it('converts token strings both ways', () => {
    const bytes = new TextEncoder().encode(' hello 😀');
    const s = bytesToUnicode(bytes);
    expect(s.startsWith('Ġhello')).toBe(true);
    expect(unicodeToBytes(s)).toEqual(bytes);
    expect(unicodeToBytes('a b')).toBeUndefined(); // a real space is not in the alphabet
  });
});
