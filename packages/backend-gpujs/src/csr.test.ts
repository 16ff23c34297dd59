import { describe, expect, it } from 'vitest';
import { invertIndex } from './csr.js';

describe('invertIndex', () => {
  it('groups positions by target, in order, with empty targets', () => {
    const { off, list } = invertIndex(Int32Array.from([2, 0, 2, 3, 0]), 5);
    expect([...off]).toEqual([0, 2, 2, 4, 5, 5]); // target 1 and 4: nothing lands on them
    expect([...list]).toEqual([1, 4, 0, 2, 3]);
  });

  it('inverts an empty index into empty rows', () => {
    const { off, list } = invertIndex(new Int32Array(0), 3);
    expect([...off]).toEqual([0, 0, 0, 0]);
    expect(list.length).toBe(0);
  });
});
