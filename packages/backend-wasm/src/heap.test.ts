import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LinearHeap } from './heap.js';

/** A heap over a pretend memory of `cap` bytes that grows up to `max`. */
function makeHeap(cap: number, max = cap) {
  let size = cap;
  const heap = new LinearHeap(
    64,
    () => size,
    (need) => {
      if (need > max) return false;
      size = need;
      return true;
    },
  );
  return { heap, size: () => size };
}

describe('LinearHeap', () => {
  it('rounds requests to 16-byte classes, then eight classes per power of two', () => {
    expect(LinearHeap.sizeClass(1)).toBe(16);
    expect(LinearHeap.sizeClass(17)).toBe(32);
    expect(LinearHeap.sizeClass(1024)).toBe(1024);
    expect(LinearHeap.sizeClass(1025)).toBe(1152); // 1024 + 1024/8
    expect(LinearHeap.sizeClass(4096 * 4)).toBe(16384);
    for (const b of [1000, 5000, 123457, 9_999_999]) {
      const c = LinearHeap.sizeClass(b);
      expect(c).toBeGreaterThanOrEqual(b);
      expect(c % 16).toBe(0);
      expect((c - b) / b).toBeLessThanOrEqual(0.125 + 16 / b);
    }
  });

  it('hands out aligned, disjoint blocks above the reserved base, and reuses freed ones', () => {
    const { heap } = makeHeap(1 << 20);
    const a = heap.alloc(100);
    const b = heap.alloc(100);
    expect(a).toBeGreaterThanOrEqual(64);
    expect(a % 16).toBe(0);
    expect(Math.abs(b - a)).toBeGreaterThanOrEqual(112);
    heap.free(a, 100);
    expect(heap.alloc(97)).toBe(a); // same class: the freed block comes back
    expect(heap.bytesInUse).toBe(224);
  });

  it('grows the memory when it must, and answers −1 when it cannot', () => {
    const { heap, size } = makeHeap(4096, 8192);
    const a = heap.alloc(4000);
    expect(a).toBeGreaterThan(0);
    const b = heap.alloc(3000); // needs growth
    expect(b).toBeGreaterThan(0);
    expect(size()).toBeGreaterThan(4096);
    expect(heap.alloc(100_000)).toBe(-1);
  });

  it('merges free neighbours when full, so differently sized requests still fit', () => {
    const { heap } = makeHeap(64 + 16 * 1024);
    const small = Array.from({ length: 16 }, () => heap.alloc(1024));
    expect(small.every((x) => x >= 0)).toBe(true);
    expect(heap.alloc(1024)).toBe(-1);
    for (const at of small) heap.free(at, 1024);
    // No 8 KiB block was ever freed, but sixteen adjacent 1 KiB blocks were.
    const big = heap.alloc(8192);
    const big2 = heap.alloc(8192);
    expect(big).toBeGreaterThanOrEqual(0);
    expect(big2).toBeGreaterThanOrEqual(0);
    expect(heap.alloc(16)).toBe(-1);
  });

  it('never hands out overlapping live blocks (random alloc/free sequences)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 1, max: 5000 })), { maxLength: 200 }),
        (ops) => {
          const { heap, size } = makeHeap(32 * 1024, 256 * 1024);
          const live: [number, number][] = [];
          for (const [doFree, bytes] of ops) {
            if (doFree && live.length > 0) {
              const [at, b] = live.splice(bytes % live.length, 1)[0];
              heap.free(at, b);
              continue;
            }
            const at = heap.alloc(bytes);
            if (at < 0) continue;
            expect(at % 16).toBe(0);
            expect(at + bytes).toBeLessThanOrEqual(size());
            for (const [o, ob] of live) expect(at + bytes <= o || o + ob <= at).toBe(true);
            live.push([at, bytes]);
          }
          const inUse = live.reduce((s, [, b]) => s + LinearHeap.sizeClass(b), 0);
          expect(heap.bytesInUse).toBe(inUse);
        },
      ),
      { numRuns: 200, seed: 7 },
    );
  });
});
