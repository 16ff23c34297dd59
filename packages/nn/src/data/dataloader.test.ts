import { wasmBackend } from '@dendrite/backend-wasm';
import { arange, Generator, liveStorageCount, manualSeed, type Tensor, tensor } from '@dendrite/tensor';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DataLoader } from './dataloader.js';
import { TensorDataset } from './dataset.js';

/** n samples: x row i = [i, 10·i] (float32), y i = i (int32): each sample says which it is. */
function toyData(n: number, backend?: typeof wasmBackend): TensorDataset<[Tensor, Tensor]> {
  const x = tensor(
    Float32Array.from({ length: 2 * n }, (_, k) => (k % 2 === 0 ? k / 2 : 5 * k - 5)),
    { shape: [n, 2], backend },
  );
  return new TensorDataset(x, arange(0, n, 1, { dtype: 'int32', backend }));
}

/** The sample ids of one epoch, batch by batch (read while each batch is alive). */
function epoch(loader: DataLoader<[Tensor, Tensor]>): number[][] {
  const out: number[][] = [];
  for (const [x, y] of loader) {
    const ids = Array.from(y.dataSync());
    expect(Array.from(x.dataSync())).toEqual(ids.flatMap((i) => [i, 10 * i]));
    out.push(ids);
  }
  return out;
}

describe('TensorDataset', () => {
  it('a sample is a row of each tensor; get takes negative indices', () => {
    const data = toyData(4);
    expect(data.length).toBe(4);
    const [x, y] = data.get(-1);
    expect(x.toArraySync()).toEqual([3, 30]);
    expect(y.itemSync()).toBe(3);
    expect(() => data.get(4)).toThrow(/TensorDataset\.get: index 4 is out of range for 4 samples/);
  });

  it('rejects tensors that disagree on the number of samples, or 0-d ones', () => {
    expect(() => new TensorDataset(arange(3), arange(4))).toThrow(
      /every tensor needs the same first dim \(samples\): tensor 0 is \[3\], tensor 1 is \[4\]/,
    );
    expect(() => new TensorDataset(tensor(1))).toThrow(/tensor 0 is 0-d/);
    expect(() => new TensorDataset()).toThrow(/needs at least one tensor/);
  });
});

describe('DataLoader', () => {
  it('every sample exactly once per epoch, in batches of batchSize (the last smaller unless dropLast)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 40 }),
        fc.integer({ min: 1, max: 12 }),
        fc.boolean(),
        fc.boolean(),
        fc.integer(),
        (n, batchSize, shuffle, dropLast, seed) => {
          const loader = new DataLoader(toyData(n), {
            batchSize,
            shuffle,
            dropLast,
            generator: new Generator(seed),
          });
          for (let e = 0; e < 2; e++) {
            const batches = epoch(loader);
            expect(batches.length).toBe(loader.length);
            const full = Math.floor(n / batchSize);
            expect(loader.length).toBe(dropLast || n % batchSize === 0 ? full : full + 1);
            batches.forEach((b, i) => {
              expect(b.length).toBe(i < full ? batchSize : n % batchSize);
            });
            const seen = batches.flat().sort((a, b) => a - b);
            const expected = Array.from({ length: dropLast ? full * batchSize : n }, (_, i) => i);
            if (dropLast && shuffle) {
              expect(new Set(seen).size).toBe(seen.length); // each at most once; the dropped ones vary
              expect(seen.length).toBe(full * batchSize);
            } else {
              expect(seen).toEqual(expected);
            }
            if (!shuffle) expect(batches.flat()).toEqual(expected);
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('batches have the dataset tensors’ trailing shapes and dtypes', () => {
    const [x, y] = new DataLoader(toyData(10), { batchSize: 4 })[Symbol.iterator]().next().value as Tensor[];
    expect(x.shape).toEqual([4, 2]);
    expect(x.dtype).toBe('float32');
    expect(y.shape).toEqual([4]);
    expect(y.dtype).toBe('int32');
  });

  it('a seed repeats the same epochs; each epoch is a new order; another seed gives other ones', () => {
    fc.assert(
      fc.property(fc.integer(), (seed) => {
        const run = (s: number) => {
          const loader = new DataLoader(toyData(30), {
            batchSize: 7,
            shuffle: true,
            generator: new Generator(s),
          });
          return [epoch(loader), epoch(loader)];
        };
        const [a1, a2] = run(seed);
        expect(run(seed)).toEqual([a1, a2]);
        expect(a2).not.toEqual(a1);
        expect(run(seed + 1)[0]).not.toEqual(a1);
      }),
      { numRuns: 20 },
    );
  });

  it('without a generator, shuffles from the default one (manualSeed repeats it)', () => {
    const loader = new DataLoader(toyData(20), { batchSize: 5, shuffle: true });
    manualSeed(3);
    const a = epoch(loader);
    manualSeed(3);
    expect(epoch(loader)).toEqual(a);
  });

  it('memory: one batch alive at a time, freed when the loop moves on, ends or breaks', () => {
    const loader = new DataLoader(toyData(50, wasmBackend), {
      batchSize: 8,
      shuffle: true,
      generator: new Generator(1),
    });
    const start = liveStorageCount();
    let kept: Tensor[] = [];
    for (let e = 0; e < 5; e++) {
      for (const batch of loader) {
        expect(liveStorageCount()).toBe(start + 2); // this batch's x and y, nothing else
        expect(batch[0].backend).toBe(wasmBackend);
        kept = batch;
      }
      expect(liveStorageCount()).toBe(start);
      expect(kept.every((t) => t.isDisposed)).toBe(true);
    }
    for (const batch of loader) {
      kept = batch;
      break;
    }
    expect(kept.every((t) => t.isDisposed)).toBe(true);
    expect(liveStorageCount()).toBe(start);
  });

  it('a batch cloned in the loop outlives it', () => {
    const keep: Tensor[] = [];
    for (const [, y] of new DataLoader(toyData(6), { batchSize: 3 })) keep.push(y.clone());
    expect(keep.map((t) => t.toArraySync())).toEqual([
      [0, 1, 2],
      [3, 4, 5],
    ]);
  });

  it('rejects bad options, naming them; PyTorch spellings get the camelCase name', () => {
    const data = toyData(4);
    expect(() => new DataLoader(data, { batchSize: 0 })).toThrow(
      /DataLoader: batchSize must be an integer ≥ 1, got 0/,
    );
    expect(() => new DataLoader(data, { batch_size: 2 } as never)).toThrow(
      /DataLoader: unknown option 'batch_size' \(did you mean batchSize\?\)/,
    );
    expect(() => new DataLoader(data, { drop_last: true } as never)).toThrow(/did you mean dropLast\?/);
    expect(() => new DataLoader(data, { shuffle: 1 } as never)).toThrow(/shuffle must be a boolean, got 1/);
    expect(() => new DataLoader(data, { generator: 42 } as never)).toThrow(/generator must be a Generator/);
    expect(() => new DataLoader([1, 2] as never)).toThrow(/dataset must have a length and getItems/);
  });
});
