import { readFile } from 'node:fs/promises';
import { type Backend, type Generator, type Tensor, tensor } from '@dendrite/tensor';
import { builtInCorpus } from './corpus.js';
import { UserError } from './errors.js';

/** Reads training text from a file path or an http(s) URL; no source means the built-in corpus. */
export async function loadText(source?: string): Promise<{ text: string; name: string }> {
  if (!source) return { text: builtInCorpus(), name: 'built-in corpus' };
  if (/^https?:\/\//i.test(source)) {
    let res: Response;
    try {
      res = await fetch(source);
    } catch (err) {
      throw new UserError(`cannot download ${source}: ${(err as Error).message} (are you offline?)`);
    }
    if (!res.ok) throw new UserError(`cannot download ${source}: HTTP ${res.status} ${res.statusText}`);
    return { text: await res.text(), name: source };
  }
  try {
    return { text: await readFile(source, 'utf8'), name: source };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new UserError(`data file not found: ${source}`);
    if (code === 'EISDIR') throw new UserError(`--data must be a file, got a directory: ${source}`);
    throw new UserError(`cannot read ${source}: ${(err as Error).message}`);
  }
}

/** A batch of inputs and next-token targets, `[batch, blockSize]` int32 each. */
export interface Batch {
  x: Tensor;
  y: Tensor;
}

/**
 * Token ids split into train (first 90%) and validation (last 10%), as nanoGPT does, and
 * batches of random windows: x = ids[i : i+T], y = ids[i+1 : i+T+1].
 */
export class TokenDataset {
  readonly train: Int32Array;
  readonly val: Int32Array;

  constructor(
    ids: ArrayLike<number>,
    readonly blockSize: number,
    valFraction = 0.1,
  ) {
    const all = Int32Array.from(ids);
    const n = Math.floor(all.length * (1 - valFraction));
    this.train = all.subarray(0, n);
    this.val = all.subarray(n);
    for (const [name, split] of [
      ['training', this.train],
      ['validation', this.val],
    ] as const) {
      if (split.length < blockSize + 1) {
        throw new UserError(
          `the corpus has ${all.length} tokens: its ${name} split (${split.length}) is shorter than the block size + 1 (${blockSize + 1}); use more text or a smaller block size`,
        );
      }
    }
  }

  /** Random windows from `split`, drawn with `generator` (so a seed reproduces the order). */
  batch(split: 'train' | 'val', batchSize: number, generator: Generator, backend?: Backend): Batch {
    const data = split === 'train' ? this.train : this.val;
    const T = this.blockSize;
    const x = new Int32Array(batchSize * T);
    const y = new Int32Array(batchSize * T);
    for (let b = 0; b < batchSize; b++) {
      const start = generator.nextInt(0, data.length - T);
      x.set(data.subarray(start, start + T), b * T);
      y.set(data.subarray(start + 1, start + T + 1), b * T);
    }
    return {
      x: tensor(x, { shape: [batchSize, T], backend }),
      y: tensor(y, { shape: [batchSize, T], backend }),
    };
  }
}
