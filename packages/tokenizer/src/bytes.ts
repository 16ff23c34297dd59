/**
 * GPT-2's byte ↔ unicode map. Byte-level BPE works on bytes, but Hugging Face `tokenizer.json`
 * (and GPT-2's `encoder.json`) store tokens as strings, so every byte is given a printable
 * character: the 188 printable Latin-1 bytes stand for themselves, the other 68 (controls, space,
 * soft hyphen…) are mapped in order to U+0100, U+0101, … — which is why a leading space shows up
 * as 'Ġ' (U+0120) and a newline as 'Ċ' (U+010A).
 */

function buildByteToUnicode(): string[] {
  const printable: number[] = [];
  for (let b = 0x21; b <= 0x7e; b++) printable.push(b); // '!'..'~'
  for (let b = 0xa1; b <= 0xac; b++) printable.push(b); // '¡'..'¬'
  for (let b = 0xae; b <= 0xff; b++) printable.push(b); // '®'..'ÿ'
  const keep = new Set(printable);
  const map: string[] = new Array(256);
  let next = 0;
  for (let b = 0; b < 256; b++) {
    map[b] = String.fromCharCode(keep.has(b) ? b : 256 + next++);
  }
  return map;
}

/** `BYTE_TO_UNICODE[b]` is the one-character string GPT-2 uses for byte `b`. */
export const BYTE_TO_UNICODE: readonly string[] = Object.freeze(buildByteToUnicode());

/** Inverse of {@link BYTE_TO_UNICODE}: character → byte. */
export const UNICODE_TO_BYTE: ReadonlyMap<string, number> = new Map(BYTE_TO_UNICODE.map((c, b) => [c, b]));

/** The GPT-2 string form of a byte sequence (e.g. the bytes of " hi" → "Ġhi"). */
export function bytesToUnicode(bytes: ArrayLike<number>): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += BYTE_TO_UNICODE[bytes[i]];
  return s;
}

/** The bytes a GPT-2 token string stands for, or undefined if a character is outside the map. */
export function unicodeToBytes(token: string): Uint8Array | undefined {
  const out = new Uint8Array(token.length);
  for (let i = 0; i < token.length; i++) {
    const b = UNICODE_TO_BYTE.get(token[i]);
    if (b === undefined) return undefined;
    out[i] = b;
  }
  return out;
}
