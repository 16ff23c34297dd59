import { ValueError } from '@dendrite/tensor';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { trainBPE } from './bpe-train.js';
import { compilePattern, GPT2_PATTERN, pretokenize } from './pretokenize.js';

/**
 * The textbook trainer, for reference: recount every pair over every word before each merge,
 * take the highest count, ties to the smallest (left, right). Slow, obviously right.
 */
function naiveMerges(
  text: string,
  nMerges: number,
  pattern = GPT2_PATTERN,
  minFrequency = 2,
): [number, number][] {
  const words = new Map<string, number>();
  for (const p of pretokenize(text, compilePattern(pattern))) words.set(p, (words.get(p) ?? 0) + 1);
  let seqs = [...words].map(([w, c]) => ({ ids: [...new TextEncoder().encode(w)], c }));
  const bytesOf: number[][] = Array.from({ length: 256 }, (_, b) => [b]);
  const merges: [number, number][] = [];
  while (merges.length < nMerges) {
    const counts = new Map<string, number>();
    for (const { ids, c } of seqs)
      for (let i = 0; i + 1 < ids.length; i++)
        counts.set(`${ids[i]},${ids[i + 1]}`, (counts.get(`${ids[i]},${ids[i + 1]}`) ?? 0) + c);
    let best: [number, number] | undefined;
    let bestCount = 0;
    for (const [k, c] of counts) {
      const [a, b] = k.split(',').map(Number);
      if (c > bestCount || (c === bestCount && best && (a < best[0] || (a === best[0] && b < best[1])))) {
        best = [a, b];
        bestCount = c;
      }
    }
    if (!best || bestCount < minFrequency) break;
    const [a, b] = best;
    const id = bytesOf.length;
    bytesOf.push([...bytesOf[a], ...bytesOf[b]]);
    merges.push(best);
    seqs = seqs.map(({ ids, c }) => {
      const out: number[] = [];
      for (let i = 0; i < ids.length; i++) {
        if (i + 1 < ids.length && ids[i] === a && ids[i + 1] === b) {
          out.push(id);
          i++;
        } else out.push(ids[i]);
      }
      return { ids: out, c };
    });
  }
  return merges;
}

describe('trainBPE', () => {
  it('learns the classic example, breaking ties by the smallest pair', () => {
    // "aaabdaaabac" (one pre-token with a pattern that never splits letters):
    // aa occurs 4×, ab 2×, … → Z = aa (256); then "ab" and "Za" tie at 2: (97,98) < (256,97) → ab (257);
    // then Z·ab (256, 257) occurs twice → 258.
    const tok = trainBPE('aaabdaaabac', { vocabSize: 259, pattern: String.raw`\p{L}+` });
    expect(tok.merges).toEqual([
      [97, 97],
      [97, 98],
      [256, 257],
    ]);
    expect(tok.encode('aaabdaaabac')).toEqual([258, 100, 258, 97, 99]);
  });

  it('matches the naive recount-everything trainer on random corpora', () => {
    const alphabet = fc.constantFrom('a', 'b', 'c', ' ', 'é', '\n', '1', '2', '.', 'ab', ' the', '😀');
    fc.assert(
      fc.property(
        fc.array(alphabet, { minLength: 1, maxLength: 120 }),
        fc.integer({ min: 1, max: 40 }),
        (parts, n) => {
          const text = parts.join('');
          const tok = trainBPE(text, { vocabSize: 256 + n, pattern: GPT2_PATTERN });
          expect(tok.merges).toEqual(naiveMerges(text, n));
        },
      ),
      { numRuns: 150 },
    );
  });

  it('reaches the target size, special tokens included, and round-trips', () => {
    const text = `${'the quick brown fox jumps over the lazy dog. '.repeat(50)}THE END 1234567890 😀😀`;
    const tok = trainBPE(text, { vocabSize: 280, specialTokens: ['<|endoftext|>', '<|pad|>'] });
    expect(tok.vocabSize).toBe(280);
    expect(tok.merges!.length).toBe(22);
    expect(tok.specialTokens.get('<|endoftext|>')).toBe(278);
    expect(tok.specialTokens.get('<|pad|>')).toBe(279);
    expect(tok.decode(tok.encode(text))).toBe(text);
    expect(tok.encode('the quick').length).toBeLessThan(4);
  });

  it('stops early when no pair is frequent enough', () => {
    const tok = trainBPE('abcd', { vocabSize: 1000 });
    expect(tok.merges).toEqual([]);
    expect(tok.vocabSize).toBe(256);
    expect(trainBPE('abcd', { vocabSize: 1000, minFrequency: 1 }).merges!.length).toBe(3);
  });

  it('does not depend on document order, and never merges across documents', () => {
    const docs = ['hello there', 'general kenobi', 'hello hello'];
    const a = trainBPE(docs, { vocabSize: 280 });
    const b = trainBPE([...docs].reverse(), { vocabSize: 280 });
    expect(a.merges).toEqual(b.merges);
    const joined = trainBPE(['ab', 'ab'], { vocabSize: 300, pattern: '[\\s\\S]+' });
    expect(joined.encode('abab')).toEqual([256, 256]); // "ba" was never seen as a pair
  });

  it('uses the cl100k pattern by default and keeps the pattern', () => {
    const tok = trainBPE('x', { vocabSize: 256 });
    expect(tok.pattern).toContain('(?i:[sdmt]|ll|ve|re)');
  });

  it('rejects bad options', () => {
    expect(() => trainBPE('x', { vocabSize: 255 })).toThrow(ValueError);
    expect(() => trainBPE('x', { vocabSize: 256, specialTokens: ['<s>'] })).toThrow(
      /vocabSize must be an integer ≥ 256 \+ 1/,
    );
    expect(() => trainBPE('x', { vocabSize: 300.5 })).toThrow(ValueError);
    expect(() => trainBPE('x', { vocabSize: 300, minFrequency: 0 })).toThrow(/minFrequency/);
    expect(() => trainBPE('x', { vocabSize: 300, specialTokens: ['a', 'a'] })).toThrow(/repeated/);
    expect(() => trainBPE(42 as unknown as string, { vocabSize: 300 })).toThrow(/corpus/);
  });

  it('reports progress', () => {
    const seen: number[] = [];
    trainBPE('aaaa bbbb aaaa', { vocabSize: 260, onMerge: (m) => seen.push(m.count) });
    expect(seen.length).toBeGreaterThan(0);
    expect([...seen].sort((x, y) => y - x)).toEqual(seen.slice().sort((x, y) => y - x));
  });
});
