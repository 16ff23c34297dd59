import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PAIR_BASE } from './bpe-encode.js';
import { tokenSplits } from './token-splits.js';
import { bytesKey } from './utf8.js';

/** Every (left, right) → token by trying every cut of every token. */
function bruteForce(tokens: (Uint8Array | undefined)[], idByKey: Map<string, number>): Map<number, number> {
  const out = new Map<number, number>();
  tokens.forEach((t, id) => {
    if (t === undefined) return;
    const key = bytesKey(t);
    for (let k = 1; k < key.length; k++) {
      const p = idByKey.get(key.slice(0, k));
      const s = idByKey.get(key.slice(k));
      if (p !== undefined && s !== undefined) out.set(p * PAIR_BASE + s, id);
    }
  });
  return out;
}

describe('tokenSplits', () => {
  it('finds every cut of every token into two tokens, short and long (property)', () => {
    // Tokens cut from one long string over a two-letter alphabet: prefixes, suffixes and the
    // pieces between random cuts, many far longer than the 64 bytes looked up directly.
    const vocab = fc
      .tuple(
        fc.array(fc.constantFrom('a', 'b'), { minLength: 70, maxLength: 300 }).map((cs) => cs.join('')),
        fc.uniqueArray(fc.integer({ min: 1, max: 299 }), { maxLength: 12 }),
      )
      .map(([base, cuts]) => {
        const at = [0, ...cuts.filter((c) => c < base.length).sort((x, y) => x - y), base.length];
        const out = new Set([base]);
        for (let i = 0; i < at.length; i++) {
          for (let j = i + 1; j < at.length; j++) out.add(base.slice(at[i], at[j]));
        }
        return [...out];
      });
    fc.assert(
      fc.property(vocab, fc.integer({ min: 0, max: 3 }), (texts, gaps) => {
        const tokens: (Uint8Array | undefined)[] = [];
        const idByKey = new Map<string, number>();
        for (const text of ['a', 'b', ...texts.filter((t) => t !== 'a' && t !== 'b')]) {
          for (let g = 0; g < gaps; g++) tokens.push(undefined);
          const bytes = new TextEncoder().encode(text);
          idByKey.set(bytesKey(bytes), tokens.length);
          tokens.push(bytes);
        }
        const got = tokenSplits(tokens, idByKey);
        expect([...got].sort((x, y) => x[0] - y[0])).toEqual(
          [...bruteForce(tokens, idByKey)].sort((x, y) => x[0] - y[0]),
        );
        // Only tokens at least minLength long are split.
        const long = tokenSplits(tokens, idByKey, 100);
        for (const id of long.values()) expect(tokens[id]!.length).toBeGreaterThanOrEqual(100);
        for (const [pair, id] of got) if (tokens[id]!.length >= 100) expect(long.get(pair)).toBe(id);
      }),
      { numRuns: 200 },
    );
  });
});
