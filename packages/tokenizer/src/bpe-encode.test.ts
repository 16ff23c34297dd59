import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BytePairEncoder, mergeHeap, mergePiece, mergeScan, PAIR_BASE } from './bpe-encode.js';
import { TokenizerError } from './errors.js';

/** Pair table from [left, right, rank, merged] rows. */
function table(rows: [number, number, number, number][]): Map<number, number> {
  return new Map(rows.map(([a, b, rank, id]) => [a * PAIR_BASE + b, rank * PAIR_BASE + id]));
}

describe('the merge loop', () => {
  // Tokens 0,1,2 are "a","b","c"; 3 = ab (rank 0), 4 = bc (rank 1), 5 = ab·c (rank 2), 6 = aa (rank 3).
  const pairs = table([
    [0, 1, 0, 3],
    [1, 2, 1, 4],
    [3, 2, 2, 5],
    [0, 0, 3, 6],
  ]);

  it('merges the lowest rank first, then the pairs it creates', () => {
    expect(mergeScan([0, 1, 2], pairs)).toEqual([5]); // ab (rank 0) beats bc (rank 1), then ab·c
    expect(mergeScan([1, 2, 0], pairs)).toEqual([4, 0]);
  });

  it('takes the leftmost pair on ties', () => {
    expect(mergeScan([0, 0, 0], pairs)).toEqual([6, 0]);
    expect(mergeHeap([0, 0, 0], pairs)).toEqual([6, 0]);
  });

  it('the heap version agrees with the scan on random pieces', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 2 }), { maxLength: 400 }), (ids) => {
        expect(mergeHeap([...ids], pairs)).toEqual(mergeScan([...ids], pairs));
        expect(mergePiece([...ids], pairs)).toEqual(mergeScan([...ids], pairs));
      }),
    );
  });

  it('leaves pieces of length 0 and 1 alone', () => {
    expect(mergeScan([], pairs)).toEqual([]);
    expect(mergeHeap([2], pairs)).toEqual([2]);
  });
});

describe('BytePairEncoder', () => {
  const byteIds = Int32Array.from({ length: 256 }, (_, b) => b);

  it('starts from UTF-8 bytes and caches pieces', () => {
    const enc = new BytePairEncoder(byteIds, table([[104, 105, 0, 256]])); // "hi"
    const out: number[] = [];
    enc.encodePiece('hi!', out);
    enc.encodePiece('hi!', out);
    expect(out).toEqual([256, 33, 256, 33]);
    expect(enc.initialIds('é😀\ud800')).toEqual([0xc3, 0xa9, 0xf0, 0x9f, 0x98, 0x80, 0xef, 0xbf, 0xbd]);
  });

  it('uses a whole-token table first when given', () => {
    const enc = new BytePairEncoder(byteIds, new Map(), new Map([['xyz', 300]]));
    const out: number[] = [];
    enc.encodePiece('xyz', out);
    expect(out).toEqual([300]);
  });

  it('reports a byte the vocabulary lacks', () => {
    const partial = Int32Array.from(byteIds);
    partial[0xc3] = -1;
    const enc = new BytePairEncoder(partial, new Map());
    expect(() => enc.encodePiece('é', [])).toThrow(TokenizerError);
    expect(() => enc.encodePiece('é', [])).toThrow(/byte 0xc3/);
  });
});
