/**
 * @dendrite/nn — PyTorch-shaped layers for Dendrite: Module, Linear, Embedding, LayerNorm,
 * Dropout, activations, MLP, causal self-attention, transformer blocks, losses, initialisation,
 * and safetensors state dicts.
 */
import '@dendrite/autograd';

export { ModuleDict, ModuleList, Sequential, type TensorModule } from './containers.js';
export { StateDictError } from './errors.js';
export * as functional from './functional.js';
export * as init from './init.js';
export { GELU, Identity, LogSoftmax, ReLU, Sigmoid, Softmax, Tanh } from './layers/activations.js';
export { type AttentionOptions, CausalSelfAttention, KVCache } from './layers/attention.js';
export { Block, type BlockOptions } from './layers/block.js';
export { Dropout, type DropoutOptions, dropout } from './layers/dropout.js';
export { Embedding } from './layers/embedding.js';
export { LayerNorm, type LayerNormOptions, layerNorm } from './layers/layernorm.js';
export { Linear, type LinearOptions, linear } from './layers/linear.js';
export { MLP, type MLPOptions } from './layers/mlp.js';
export type { LayerOptions } from './layers/options.js';
export {
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
} from './module.js';
export * from './safetensors/index.js';
