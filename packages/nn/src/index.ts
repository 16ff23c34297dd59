/**
 * @dendrite/nn — PyTorch-shaped layers for Dendrite: Module, Linear, Embedding, LayerNorm,
 * Dropout, activations, MLP and FeedForward, causal self-attention, transformer blocks, losses,
 * initialisation, safetensors state dicts, PyTorch checkpoint files, and TensorDataset / DataLoader.
 */
import '@dendrite/autograd';

export { ModuleDict, ModuleList, Sequential, type TensorModule } from './containers.js';
export { DataLoader, type DataLoaderOptions } from './data/dataloader.js';
export { type Dataset, TensorDataset } from './data/dataset.js';
export { StateDictError } from './errors.js';
export * as functional from './functional.js';
export * as init from './init.js';
export { GELU, Identity, LogSoftmax, ReLU, Sigmoid, Softmax, Softplus, Tanh } from './layers/activations.js';
export { type AttentionOptions, CausalSelfAttention, KVCache } from './layers/attention.js';
export { Block, type BlockOptions } from './layers/block.js';
export { Dropout, type DropoutOptions, dropout } from './layers/dropout.js';
export { Embedding } from './layers/embedding.js';
export { FeedForward, type FeedForwardOptions } from './layers/feed-forward.js';
export { LayerNorm, type LayerNormOptions, layerNorm } from './layers/layernorm.js';
export { Linear, type LinearOptions, linear } from './layers/linear.js';
export { MLP, type MLPOptions } from './layers/mlp.js';
export type { LayerOptions } from './layers/options.js';
export {
  type AttentionWeightsOptions,
  attentionWeights,
  type ScaledDotProductAttentionOptions,
  scaledDotProductAttention,
} from './layers/scaled-dot-product-attention.js';
export {
  binaryCrossEntropy,
  binaryCrossEntropyWithLogits,
  type CrossEntropyOptions,
  crossEntropy,
  mse,
  nllLoss,
  type Reduction,
} from './losses.js';
export {
  isParameter,
  type LoadStateDictOptions,
  type LoadStateDictResult,
  Module,
  parameter,
  type StateDictEntry,
  type StateDictInput,
} from './module.js';
export * from './safetensors/index.js';
export * from './torch/index.js';
