import { fmtShape, IndexError, type Tensor, tensor, ValueError } from '@dendrite/tensor';

/**
 * What a {@link DataLoader} reads: a number of samples, and a way to fetch several at once as
 * batched tensors (PyTorch's `Dataset` with `__len__` and the batched `__getitems__`).
 */
export interface Dataset<T extends Tensor[] = Tensor[]> {
  /** Number of samples. */
  readonly length: number;
  /**
   * The samples at `indices` as one batch: each field a new tensor whose first dim is
   * `indices.length`. The caller owns (and disposes) what it returns.
   */
  getItems(indices: Int32Array): T;
}

/**
 * Samples are rows of tensors (PyTorch's `TensorDataset`): sample `i` is `[x[i], y[i], …]`. Every
 * tensor must have the same first dim (the number of samples) and live on one backend.
 *
 * @example
 * const data = new TensorDataset(inputs, targets); // [N, …] and [N]
 * const [x0, y0] = data.get(0);
 */
export class TensorDataset<T extends Tensor[] = Tensor[]> implements Dataset<T> {
  /** The tensors, in the order the fields of a sample come. */
  readonly tensors: Readonly<T>;

  constructor(...tensors: T) {
    if (tensors.length === 0) throw new ValueError('TensorDataset: needs at least one tensor');
    tensors.forEach((t, i) => {
      if (t === null || typeof t !== 'object' || typeof t.indexSelect !== 'function') {
        throw new ValueError(`TensorDataset: argument ${i} is not a Tensor`);
      }
      t.assertLive('TensorDataset');
      if (t.rank === 0)
        throw new ValueError(`TensorDataset: tensor ${i} is 0-d; samples are rows of the first dim`);
    });
    const n = tensors[0].shape[0];
    tensors.forEach((t, i) => {
      if (t.shape[0] !== n) {
        throw new ValueError(
          `TensorDataset: every tensor needs the same first dim (samples): tensor 0 is ${fmtShape(tensors[0].shape)}, tensor ${i} is ${fmtShape(t.shape)}`,
        );
      }
      if (t.backend !== tensors[0].backend) {
        throw new ValueError(
          `TensorDataset: tensors live on different backends ('${tensors[0].backend.name}' and '${t.backend.name}'); move one with t.to(backend)`,
        );
      }
    });
    this.tensors = tensors;
  }

  /** Number of samples (the tensors' first dim). */
  get length(): number {
    return this.tensors[0].shape[0];
  }

  /** Sample `index` (negative counts from the end): one row view of each tensor. */
  get(index: number): T {
    const n = this.length;
    if (!Number.isInteger(index) || index < -n || index >= n) {
      throw new IndexError(`TensorDataset.get: index ${index} is out of range for ${n} samples`);
    }
    const i = index < 0 ? index + n : index;
    return this.tensors.map((t) => t.select(0, i)) as T;
  }

  /** The samples at `indices` as one batch: `t.indexSelect(0, indices)` of each tensor. */
  getItems(indices: Int32Array): T {
    const index = tensor(indices, { dtype: 'int32', backend: this.tensors[0].backend });
    try {
      return this.tensors.map((t) => t.indexSelect(0, index)) as T;
    } finally {
      index.dispose();
    }
  }
}
