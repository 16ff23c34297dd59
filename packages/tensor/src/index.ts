/**
 * @dendrite/tensor — N-d tensors with NumPy broadcasting, the Backend interface, the CPU backend,
 * seeded randomness, memory scopes and the op-dispatch hook autograd attaches to. What a backend
 * author needs besides (composeBackend, createCpuBackend, kernel helpers, the composites every
 * fused kernel is checked against) is on the `@dendrite/tensor/backend` entry.
 */

export {
  type AdamUpdateOptions,
  type ArgReduceOp,
  type Backend,
  type BinaryOp,
  COMPARISON_OPS,
  type Handle,
  type ReduceOp,
  type UnaryOp,
  type View,
} from './backend.js';
export type { AdamUpdateResult } from './composite/adam.js';
export { cpuBackend } from './cpu/index.js';
export {
  arange,
  type CreateOptions,
  eye,
  full,
  fullLike,
  linspace,
  ones,
  onesLike,
  type RandomOptions,
  rand,
  randint,
  randLike,
  randn,
  randnLike,
  scalar,
  type TensorLike,
  tensor,
  zeros,
  zerosLike,
} from './creation.js';
export {
  getOpHook,
  getOpInfo,
  listOps,
  type OpEvent,
  type OpHook,
  type OpInfo,
  type OpKind,
  setOpHook,
} from './dispatch.js';
export { allocArray, DTYPES, type DType, isFloat, promoteTypes, type TypedArray } from './dtype.js';
export {
  BackendError,
  DendriteError,
  DisposedError,
  DTypeError,
  IndexError,
  ShapeError,
  typeNameOf,
  ValueError,
} from './errors.js';
export { cast } from './ops/cast.js';
export { causalSoftmax } from './ops/causal-softmax.js';
export {
  crossEntropyBackward,
  type SoftmaxCrossEntropyOptions,
  softmaxCrossEntropy,
} from './ops/cross-entropy.js';
export {
  abs,
  add,
  applyBinary,
  applyUnary,
  clamp,
  cos,
  div,
  eq,
  erf,
  exp,
  type GeluOptions,
  ge,
  gelu,
  gt,
  le,
  log,
  log1p,
  lt,
  maskedFill,
  maximum,
  minimum,
  mul,
  ne,
  neg,
  pow,
  relu,
  rsqrt,
  sigmoid,
  sign,
  sin,
  sqrt,
  square,
  sub,
  tanh,
  where,
} from './ops/elementwise.js';
export { adamUpdate, geluBackward, softmaxBackward } from './ops/fused.js';
export { type IndexItem, index } from './ops/index-view.js';
export {
  embedding,
  gather,
  indexAdd,
  indexAddZeros,
  indexSelect,
  oneHot,
  scatterAdd,
  scatterAddZeros,
  take,
  takeAlongDim,
} from './ops/indexing.js';
export { chunk, concat, split, stack } from './ops/join.js';
export { layerNorm, layerNormBackward } from './ops/layernorm.js';
export { matmul } from './ops/matmul.js';
export { type RandpermOptions, randperm } from './ops/randperm.js';
export {
  type Axes,
  amax,
  amin,
  argmax,
  argmin,
  type KeepDim,
  logSumExp,
  max,
  mean,
  min,
  type ReduceOptions,
  std,
  sum,
  type ValuesIndices,
  type VarOptions,
  variance,
} from './ops/reduce.js';
export { cumsum } from './ops/scan.js';
export { logSoftmax, softmax } from './ops/softmax.js';
export { type SoftplusOptions, softplus } from './ops/softplus.js';
export {
  BINARY_OPS,
  BINARY_SPEC,
  type BinaryOpSpec,
  binarySpec,
  type DifferentiableBinaryOp,
  type NonDifferentiableBinaryOp,
} from './ops/spec/binary.js';
export type { TestRange, ToleranceFamily } from './ops/spec/domain.js';
export {
  type DifferentiableUnaryOp,
  UNARY_OPS,
  UNARY_SPEC,
  type UnaryOpSpec,
  unarySpec,
} from './ops/spec/unary.js';
export { tril, triu } from './ops/triangular.js';
export {
  clone,
  contiguous,
  expand,
  flatten,
  narrow,
  permute,
  reshape,
  select,
  slice,
  squeeze,
  transpose,
  unsqueeze,
  view,
} from './ops/views.js';
export { Generator, type GeneratorState, getDefaultGenerator, manualSeed } from './random.js';
export { getBackend, listBackends, registerBackend, setBackend, withBackend } from './registry.js';
export { keep, scopeDepth, tidy } from './scope.js';
export { broadcastShapes, collapseDims, contiguousStrides, fmtShape, type Shape, sizeOf } from './shape.js';
export { liveStorageCount } from './storage.js';
export { type NestedArray, Tensor, type TensorOrScalar } from './tensor.js';
