import {
  cpuBackend,
  Generator,
  getDefaultGenerator,
  randperm,
  type Tensor,
  ValueError,
} from '@dendrite/tensor';
import type { Dataset } from './dataset.js';

/** Options of {@link DataLoader} (PyTorch's names, camelCased). */
export interface DataLoaderOptions {
  /** Samples per batch (default 1). */
  batchSize?: number;
  /** Visit the samples in a new random order every epoch (default false: in order). */
  shuffle?: boolean;
  /** Drop the last batch when it is smaller than `batchSize` (default false). */
  dropLast?: boolean;
  /** Source of the shuffles (default: the generator `manualSeed` sets). Seed it to repeat a run. */
  generator?: Generator;
}

const OPTION_KEYS = ['batchSize', 'shuffle', 'dropLast', 'generator'];

/**
 * Batches of a dataset, epoch after epoch (PyTorch's `DataLoader`): iterate it once per epoch and
 * get `[x, y, …]` batches, each tensor with `batchSize` rows (the last one smaller unless
 * `dropLast`). With `shuffle`, every epoch visits each sample exactly once, in an order drawn
 * from `generator` (`randperm`), so a seeded generator repeats the same epochs.
 *
 * **Memory.** A batch belongs to its turn of the loop: the loader disposes it when the loop asks
 * for the next batch, ends, or breaks, so an epoch holds one batch at a time, on every backend.
 * To keep a batch longer, `clone()` its tensors.
 *
 * @example
 * const loader = new DataLoader(new TensorDataset(x, y), { batchSize: 32, shuffle: true, generator: new Generator(0) });
 * for (let epoch = 0; epoch < 10; epoch++) {
 *   for (const [xb, yb] of loader) {
 *     opt.zeroGrad();
 *     tidy(() => crossEntropy(model.forward(xb), yb).backward());
 *     opt.step();
 *   }
 * }
 */
export class DataLoader<T extends Tensor[] = Tensor[]> implements Iterable<T> {
  readonly dataset: Dataset<T>;
  readonly batchSize: number;
  readonly shuffle: boolean;
  readonly dropLast: boolean;
  /** The generator given, if any (else each epoch draws from the default generator). */
  readonly generator: Generator | undefined;

  constructor(dataset: Dataset<T>, options: DataLoaderOptions = {}) {
    if (
      dataset === null ||
      typeof dataset !== 'object' ||
      typeof dataset.getItems !== 'function' ||
      !Number.isInteger(dataset.length) ||
      dataset.length < 0
    ) {
      throw new ValueError(
        'DataLoader: dataset must have a length and getItems(indices) (a TensorDataset, or your own Dataset)',
      );
    }
    if (options === null || typeof options !== 'object') {
      throw new ValueError(`DataLoader: options must be an object, got ${String(options)}`);
    }
    for (const key of Object.keys(options)) {
      if (OPTION_KEYS.includes(key)) continue;
      const camel = key.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
      const hint = OPTION_KEYS.includes(camel)
        ? ` (did you mean ${camel}?)`
        : ` (options: ${OPTION_KEYS.join(', ')})`;
      throw new ValueError(`DataLoader: unknown option '${key}'${hint}`);
    }
    const { batchSize = 1, shuffle = false, dropLast = false, generator } = options;
    if (!Number.isInteger(batchSize) || batchSize < 1) {
      throw new ValueError(`DataLoader: batchSize must be an integer ≥ 1, got ${batchSize}`);
    }
    if (typeof shuffle !== 'boolean')
      throw new ValueError(`DataLoader: shuffle must be a boolean, got ${shuffle}`);
    if (typeof dropLast !== 'boolean')
      throw new ValueError(`DataLoader: dropLast must be a boolean, got ${dropLast}`);
    if (generator !== undefined && !(generator instanceof Generator)) {
      throw new ValueError('DataLoader: generator must be a Generator from @dendrite/tensor');
    }
    this.dataset = dataset;
    this.batchSize = batchSize;
    this.shuffle = shuffle;
    this.dropLast = dropLast;
    this.generator = generator;
  }

  /** Batches per epoch (PyTorch's `len(loader)`). */
  get length(): number {
    const n = this.dataset.length;
    return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
  }

  /** One epoch: the batches in order (or in a fresh random order with `shuffle`). */
  *[Symbol.iterator](): Iterator<T, undefined, undefined> {
    const n = this.dataset.length;
    const order = this.epochOrder(n);
    const batches = this.length;
    let batch: T | undefined;
    try {
      for (let b = 0; b < batches; b++) {
        batch = this.dataset.getItems(
          order.subarray(b * this.batchSize, Math.min((b + 1) * this.batchSize, n)),
        );
        yield batch;
        disposeAll(batch);
        batch = undefined;
      }
    } finally {
      if (batch !== undefined) disposeAll(batch); // the loop broke out or threw
    }
    return undefined;
  }

  /** 0 … n−1, or a random permutation of it (drawn on the host, so every backend sees the same order). */
  private epochOrder(n: number): Int32Array {
    if (!this.shuffle) return Int32Array.from({ length: n }, (_, i) => i);
    const perm = randperm(n, { generator: this.generator ?? getDefaultGenerator(), backend: cpuBackend });
    try {
      return Int32Array.from(perm.dataSync());
    } finally {
      perm.dispose();
    }
  }
}

function disposeAll(batch: readonly Tensor[]): void {
  for (const t of batch) t.dispose();
}
