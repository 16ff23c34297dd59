// A stand-in for tiny Shakespeare when the file is not at hand: text over the same 65 characters,
// so that a character model built on it has the same vocabulary (and the same shapes) as on the
// real corpus. Words of 1–9 letters, seeded, with the punctuation and line breaks of a play.

/** The 65 distinct characters of tiny Shakespeare (input.txt of char-rnn), in code-point order. */
export const SHAKESPEARE_CHARS = "\n !$&',-.3:;?ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/** `length` characters of seeded text that uses every character of {@link SHAKESPEARE_CHARS}. */
export function syntheticText(length, seed = 1) {
  let state = seed >>> 0 || 1;
  // xorshift32: s ^= s << 13; s ^= s >> 17; s ^= s << 5
  const next = (n) => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) % n;
  };
  const letters = SHAKESPEARE_CHARS.slice(SHAKESPEARE_CHARS.indexOf('A'));
  const marks = SHAKESPEARE_CHARS.slice(0, SHAKESPEARE_CHARS.indexOf('A')).replace(/[\n ]/g, '');
  let out = SHAKESPEARE_CHARS; // every character at least once
  while (out.length < length) {
    const n = 1 + next(9);
    let word = '';
    for (let i = 0; i < n; i++) word += letters[next(letters.length)];
    const r = next(20);
    out += word + (r === 0 ? `${marks[next(marks.length)]}\n` : r === 1 ? marks[next(marks.length)] : ' ');
  }
  return out.slice(0, length);
}
