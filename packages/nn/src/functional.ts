/**
 * Layers as functions (PyTorch's `torch.nn.functional`): the same math as the modules, with the
 * weights passed in.
 */

export {
  embedding,
  gelu,
  logSoftmax,
  oneHot,
  relu,
  sigmoid,
  softmax,
  softplus,
  tanh,
} from '@dendrite/tensor';
export { dropout } from './layers/dropout.js';
export { layerNorm } from './layers/layernorm.js';
export { linear } from './layers/linear.js';
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
