import { embedding, IndexError, type Tensor, zeros } from '@dendrite/tensor';
import * as init from '../init.js';
import { checkPositiveInt, Module, parameter } from '../module.js';
import type { LayerOptions } from './options.js';

/**
 * A lookup table: token id i → row i of `weight` `[numEmbeddings, embeddingDim]`. This is the
 * input layer of a language model; rows start N(0, 1) as in PyTorch.
 */
export class Embedding extends Module {
  static override readonly typeName: string = 'Embedding';
  readonly weight: Tensor;

  constructor(
    readonly numEmbeddings: number,
    readonly embeddingDim: number,
    options: LayerOptions = {},
  ) {
    super();
    checkPositiveInt(numEmbeddings, 'numEmbeddings', 'Embedding');
    checkPositiveInt(embeddingDim, 'embeddingDim', 'Embedding');
    const w = zeros([numEmbeddings, embeddingDim], { dtype: options.dtype, backend: options.backend });
    this.weight = parameter(init.normal(w, 0, 1, options));
  }

  /** int32 ids of any shape → `[...ids.shape, embeddingDim]`. */
  forward(ids: Tensor): Tensor {
    try {
      return embedding(ids, this.weight);
    } catch (err) {
      if (err instanceof IndexError) {
        throw new IndexError(`Embedding: an id is outside [0, ${this.numEmbeddings}) (${err.message})`);
      }
      throw err;
    }
  }

  override extraRepr(): string {
    return `${this.numEmbeddings}, ${this.embeddingDim}`;
  }
}
