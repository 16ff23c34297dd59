/**
 * Strict standard base64 (RFC 4648 §4, with `=` padding), written out so the core needs no
 * `Buffer` and rejects what `atob` would quietly accept (whitespace, missing padding, URL alphabet).
 */

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const LOOKUP = new Int16Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) LOOKUP[ALPHABET.charCodeAt(i)] = i;

/** Decodes base64, or returns undefined when `text` is not well-formed padded base64. */
export function decodeBase64(text: string): Uint8Array | undefined {
  const n = text.length;
  if (n % 4 !== 0) return undefined;
  let pad = 0;
  if (n > 0 && text.charCodeAt(n - 1) === 61) pad = text.charCodeAt(n - 2) === 61 ? 2 : 1;
  const out = new Uint8Array((n / 4) * 3 - pad);
  let o = 0;
  for (let i = 0; i < n; i += 4) {
    const last = i + 4 === n;
    const v = [0, 0, 0, 0];
    for (let j = 0; j < 4; j++) {
      const c = text.charCodeAt(i + j);
      if (c === 61 && last && j >= 4 - pad) continue;
      const x = c < 128 ? LOOKUP[c] : -1;
      if (x < 0) return undefined;
      v[j] = x;
    }
    const word = (v[0] << 18) | (v[1] << 12) | (v[2] << 6) | v[3];
    out[o++] = word >> 16;
    if (o < out.length) out[o++] = (word >> 8) & 255;
    if (o < out.length) out[o++] = word & 255;
    // Padding bits must be zero in canonical base64.
    if (last && pad === 1 && (v[2] & 3) !== 0) return undefined;
    if (last && pad === 2 && (v[1] & 15) !== 0) return undefined;
  }
  return out;
}

/** Encodes bytes as standard padded base64. */
export function encodeBase64(bytes: Uint8Array): string {
  let s = '';
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const w = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    s += ALPHABET[w >> 18] + ALPHABET[(w >> 12) & 63] + ALPHABET[(w >> 6) & 63] + ALPHABET[w & 63];
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const w = bytes[i] << 16;
    s += `${ALPHABET[w >> 18]}${ALPHABET[(w >> 12) & 63]}==`;
  } else if (rest === 2) {
    const w = (bytes[i] << 16) | (bytes[i + 1] << 8);
    s += `${ALPHABET[w >> 18]}${ALPHABET[(w >> 12) & 63]}${ALPHABET[(w >> 6) & 63]}=`;
  }
  return s;
}
