/**
 * Training text from bytes: decoded strictly, so a wrong file is an error naming the byte that
 * gave it away, never a model trained on U+FFFD replacement characters.
 */
import { UserError } from './errors.js';

/** The text encodings `--encoding` accepts. */
export const ENCODINGS = ['utf-8', 'latin1'] as const;
export type TextEncodingName = (typeof ENCODINGS)[number];

/** Normalises an `--encoding` value (`utf8`, `UTF-8`, `latin-1`, `iso-8859-1` …). */
export function parseEncoding(name: string | undefined): TextEncodingName {
  if (name === undefined) return 'utf-8';
  const n = name.toLowerCase().replace(/[_\s]/g, '-');
  if (n === 'utf-8' || n === 'utf8') return 'utf-8';
  if (n === 'latin1' || n === 'latin-1' || n === 'iso-8859-1') return 'latin1';
  throw new UserError(`--encoding must be one of ${ENCODINGS.join(', ')}, got '${name}'`);
}

/**
 * Offset of the first byte that does not start (or continue) a well-formed UTF-8 sequence, or -1
 * when every byte does. Well-formed means the Unicode standard's table 3-7: no overlong forms,
 * no surrogates (U+D800–DFFF), nothing above U+10FFFF, no truncated sequence at the end.
 */
export function invalidUtf8Offset(bytes: Uint8Array): number {
  const n = bytes.length;
  let i = 0;
  while (i < n) {
    const b = bytes[i];
    if (b < 0x80) {
      i++;
      continue;
    }
    // [length, smallest and largest allowed second byte]
    let len: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) len = 2;
    else if (b >= 0xe0 && b <= 0xef) {
      len = 3;
      if (b === 0xe0) lo = 0xa0; // no overlong 3-byte forms
      if (b === 0xed) hi = 0x9f; // no surrogates
    } else if (b >= 0xf0 && b <= 0xf4) {
      len = 4;
      if (b === 0xf0) lo = 0x90; // no overlong 4-byte forms
      if (b === 0xf4) hi = 0x8f; // nothing above U+10FFFF
    } else return i;
    if (i + 1 >= n || bytes[i + 1] < lo || bytes[i + 1] > hi) return i;
    for (let k = 2; k < len; k++) {
      if (i + k >= n || (bytes[i + k] & 0xc0) !== 0x80) return i;
    }
    i += len;
  }
  return -1;
}

/** 1-based line of byte `offset` (for messages). */
function lineOf(bytes: Uint8Array, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset; i++) if (bytes[i] === 0x0a) line++;
  return line;
}

/**
 * Decodes training text. A NUL byte means a binary file and is refused; UTF-8 is decoded
 * strictly (the error names the offset and line of the first invalid byte) and a leading
 * byte-order mark is dropped; Latin-1 maps every byte to the code point of the same value.
 */
export function decodeText(bytes: Uint8Array, encoding: TextEncodingName, name: string): string {
  const nul = bytes.indexOf(0);
  if (nul >= 0) {
    throw new UserError(
      `${name} looks like a binary file, not text (a NUL byte at offset ${nul}); train on a text file`,
    );
  }
  // (TextDecoder's 'latin1' is windows-1252, which remaps 0x80–0x9F: Buffer's is ISO-8859-1.)
  if (encoding === 'latin1')
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('latin1');
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    const at = invalidUtf8Offset(bytes);
    const hex = bytes[at]?.toString(16).padStart(2, '0') ?? '??';
    throw new UserError(
      `${name} is not valid UTF-8: byte 0x${hex} at offset ${at} (line ${lineOf(bytes, at)}); convert the file to UTF-8, or pass --encoding latin1 if it is Latin-1 text`,
    );
  }
}
