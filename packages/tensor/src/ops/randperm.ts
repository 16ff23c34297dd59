import type { RandomOptions } from '../creation.js';
import { allocArray, assertDType } from '../dtype.js';
import { DTypeError, ValueError } from '../errors.js';
import { type Generator, getDefaultGenerator } from '../random.js';
import { resolveBackend } from '../registry.js';
import { Tensor } from '../tensor.js';

/** Options of {@link randperm}: where the result lives, its dtype (default int32) and the generator. */
export type RandpermOptions = RandomOptions;

/**
 * A random permutation of `0, 1, …, n − 1` as a 1-D tensor (PyTorch's `torch.randperm`): int32 by
 * default, drawn with the Fisher–Yates shuffle from a seeded {@link Generator}, so the same seed
 * gives the same order on every backend. What a data loader uses to shuffle an epoch.
 *
 * @example randperm(5, { generator: new Generator(0) }) // e.g. [3, 0, 4, 1, 2], the same every run
 */
export function randperm(n: number, options: RandpermOptions = {}): Tensor {
  if (!Number.isInteger(n) || n < 0 || n > 2 ** 31 - 1) {
    throw new ValueError(`randperm: n must be an integer in [0, 2^31 − 1], got ${n}`);
  }
  const backend = resolveBackend(options.backend, 'randperm');
  const dtype = options.dtype === undefined ? 'int32' : assertDType(options.dtype, 'randperm');
  if (dtype === 'bool') throw new DTypeError('randperm: dtype must be int32, float32 or float64, got bool');
  if (dtype === 'float32' && n > 2 ** 24) {
    throw new ValueError(
      `randperm: float32 holds integers exactly only up to 2^24; n = ${n} needs int32 or float64`,
    );
  }
  if (!backend.dtypes.has(dtype))
    throw new DTypeError(`randperm: backend '${backend.name}' does not support ${dtype}`);
  const generator: Generator = options.generator ?? getDefaultGenerator();
  const values = allocArray(dtype, n);
  for (let i = 0; i < n; i++) values[i] = i;
  // Fisher–Yates: for i = n−1 … 1, swap element i with a uniform j ∈ [0, i]. Every order equally likely.
  for (let i = n - 1; i > 0; i--) {
    const j = generator.nextInt(0, i + 1);
    const t = values[i];
    values[i] = values[j];
    values[j] = t;
  }
  return Tensor.fromHandle(backend, backend.upload(values, dtype), [n], dtype);
}
