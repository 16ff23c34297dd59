import type { DType, TypedArray } from './dtype.js';
import { BINARY_OPS, BINARY_SPEC } from './ops/spec/binary.js';
import type { UNARY_SPEC } from './ops/spec/unary.js';
import type { Shape } from './shape.js';

/**
 * The Backend interface: the small set of primitives every device implements.
 *
 * Design (see the package README, "Why the Backend looks like this"):
 * - Storage lives behind an opaque {@link Handle} that the backend owns: a typed array on the CPU,
 *   a GPU buffer or texture on gpu.js, a range of WebAssembly memory on a Wasm backend.
 * - Tensors are views `(handle, dtype, shape, strides, offset)`. View ops (reshape, transpose,
 *   slice, expand) never reach the backend; kernels receive strided {@link View}s and may call
 *   their own `copy` first when they prefer contiguous input.
 * - Every kernel returns a new, contiguous, row-major handle. No kernel writes into its inputs,
 *   so backends that cannot update in place (gpu.js) fit the same contract.
 * - The core has already validated shapes, broadcast the operands (stride 0 on broadcast dims),
 *   promoted dtypes so operands of a binary op share one dtype, and checked ranges it can check.
 */
export type Handle = object;

/** A strided window onto a backend handle. */
export interface View {
  readonly handle: Handle;
  readonly dtype: DType;
  readonly shape: Shape;
  readonly strides: readonly number[];
  readonly offset: number;
}

/**
 * Element-wise functions of one input: the keys of `UNARY_SPEC` (`ops/spec/unary.ts`), where each
 * op's math, dtype rule and test domain are defined. Output dtype = input dtype (the core passes
 * floats where the math needs them).
 */
export type UnaryOp = keyof typeof UNARY_SPEC;

/**
 * Element-wise functions of two same-dtype inputs: the keys of `BINARY_SPEC` (`ops/spec/binary.ts`).
 * Comparisons output `bool`.
 */
export type BinaryOp = keyof typeof BINARY_SPEC;

export type ReduceOp = 'sum' | 'max' | 'min';
export type ArgReduceOp = 'argmax' | 'argmin';

/** The binary ops whose output is bool (the spec's `dtype: 'comparison'`). */
export const COMPARISON_OPS: ReadonlySet<BinaryOp> = new Set(
  BINARY_OPS.filter((op) => BINARY_SPEC[op].dtype === 'comparison'),
);

/**
 * The primitives every backend implements itself: storage, element-wise ops, reductions, matmul,
 * softmax, indexing and joins. {@link composeBackend} turns them into a full {@link Backend}.
 */
export interface BackendPrimitives {
  /** Registry name, e.g. `'cpu'`, `'gpujs'`. */
  readonly name: string;
  /** Storage dtypes this backend supports (gpu.js has no float64). */
  readonly dtypes: ReadonlySet<DType>;
  /** Whether `readSync` works (CPU: yes; WebGPU: no). */
  readonly canReadSync: boolean;
  /**
   * Whether handles are plain JS objects the garbage collector reclaims (CPU). When false, the core
   * frees handles that were never disposed through a FinalizationRegistry safety net.
   */
  readonly gcManaged: boolean;

  /** Stores `values` (length = element count) as a new handle. The backend may keep the array. */
  upload(values: TypedArray, dtype: DType): Handle;
  /** Reads a whole contiguous handle back to the host. */
  read(handle: Handle, dtype: DType, size: number): Promise<TypedArray>;
  /** Synchronous read; throws `BackendError` where the device cannot (see `canReadSync`). */
  readSync(handle: Handle, dtype: DType, size: number): TypedArray;
  /** Releases a handle. Called exactly once per handle by the core. */
  free(handle: Handle): void;

  /** Contiguous copy of a strided view. */
  copy(x: View): Handle;
  /** Converts element type; float→int truncates toward zero, anything→bool is `x ≠ 0`. */
  cast(x: View, dtype: DType): Handle;
  /** `size` elements all equal to `value`. */
  fill(size: number, value: number, dtype: DType): Handle;

  unary(op: UnaryOp, x: View): Handle;
  /** `a` and `b` are already broadcast to `shape` (stride 0 on broadcast dims) and share a dtype. */
  binary(op: BinaryOp, a: View, b: View, shape: Shape): Handle;
  /** out = cond ? a : b; `cond` is bool; all three broadcast to `shape`. */
  where(cond: View, a: View, b: View, shape: Shape): Handle;

  /** Reduces over `axes` (sorted, unique); output shape is the input shape without those axes. */
  reduce(op: ReduceOp, x: View, axes: readonly number[]): Handle;
  /** Index (int32) of the first max/min along `axis`; output drops that axis. */
  argReduce(op: ArgReduceOp, x: View, axis: number): Handle;
  /** Inclusive prefix sum along `axis`. */
  cumsum(x: View, axis: number): Handle;

  /**
   * Batched matrix product. `a` is `[...batch, m, k]`, `b` is `[...batch, k, n]` with equal batch
   * shapes (broadcast batch dims have stride 0); output `[...batch, m, n]`. Transposed operands
   * arrive as strided views: backends pick a fast path from the strides.
   */
  matmul(a: View, b: View): Handle;
  /** Numerically stable softmax (or log-softmax when `log`) along `axis`. */
  softmax(x: View, axis: number, log: boolean): Handle;

  /** out[i][j][k] = x[i][index[i][j][k]][k] (for axis 1): out shape = index shape. */
  gather(x: View, axis: number, index: View): Handle;
  /** zeros(shape), then out[i][index[i][j][k]][k] += src[i][j][k] (for axis 1). */
  scatterAdd(shape: Shape, dtype: DType, axis: number, index: View, src: View): Handle;
  /** Selects whole slices along `axis` by a 1-D int32 `index`. */
  indexSelect(x: View, axis: number, index: View): Handle;
  /** zeros(shape), then slice `index[i]` along `axis` += slice `i` of `src`. */
  indexAdd(shape: Shape, dtype: DType, axis: number, index: View, src: View): Handle;
  /** Joins same-dtype views along `axis`; they agree on every other dim. */
  concat(xs: readonly View[], axis: number): Handle;
}

/**
 * One-pass kernels for the patterns that dominate training. Every {@link Backend} has all of them:
 * `composeBackend(primitives, overrides)` fills each one a backend does not override with its
 * default, the same math composed from the primitives (`src/composite/`, one file per kernel).
 * Callers never ask whether a kernel exists. Forward and backward come in pairs.
 */
export interface FusedKernels {
  /**
   * Layer normalisation over the last dim of a contiguous-or-strided `x` `[rows, C]` (any leading
   * dims): y = (x − mean)/√(var + ε)·weight + bias, with the biased variance. `weight`/`bias`
   * are `[C]` or null.
   */
  layerNorm(x: View, weight: View | null, bias: View | null, eps: number): Handle;
  /**
   * Gradients of {@link Backend.layerNorm} for upstream gradient `grad` (shape of x): returns
   * [dx, dweight, dbias] (dweight/dbias null when weight/bias are null).
   */
  layerNormBackward(
    x: View,
    weight: View | null,
    grad: View,
    eps: number,
    withBias: boolean,
  ): [Handle, Handle | null, Handle | null];
  /**
   * dL/dx of `gelu` (exact, or the tanh form) for upstream gradient `grad`, both shaped like `x`:
   * grad·(Φ(x) + x·φ(x)) in one pass.
   */
  geluBackward(x: View, grad: View, approximate: 'none' | 'tanh'): Handle;
  /**
   * dL/dx of softmax (`log` false: y·(g − Σ g·y)) or log-softmax (`log` true: g − eʸ·Σ g) along
   * `axis`, from the op's output `y` and upstream gradient `grad` (same shape).
   */
  softmaxBackward(y: View, grad: View, axis: number, log: boolean): Handle;
  /**
   * Causal softmax over the last dim of `x` `[..., Tq, Tk]` (Tk ≥ Tq, float): y = softmax(scale·x)
   * where query row i may see keys j ≤ i + (Tk − Tq) (the KV-cache convention: the last query
   * sees every key); the other entries are exactly 0 and never enter the max or the sum. One
   * pass per row, no mask tensor. Its gradient is `scale·`{@link Backend.softmaxBackward} of y.
   */
  causalSoftmax(x: View, scale: number): Handle;
  /**
   * Per-row softmax cross-entropy of float `logits` `[N, C]` at int32 `targets` `[N]`, with label
   * smoothing ε: loss = −(1−ε)·log p[target] − ε·mean_c log p[c], p = softmax(logits); 0 for rows
   * whose target is `ignoreIndex`. Output `[N]`. Throws `IndexError` for a target outside [0, C)
   * that is not `ignoreIndex`.
   */
  crossEntropy(logits: View, targets: View, ignoreIndex: number, smoothing: number): Handle;
  /**
   * dL/dlogits of {@link Backend.crossEntropy} for upstream gradient `grad` `[N]`:
   * grad·(p − (1−ε)·onehot(target) − ε/C), zero rows where the target is `ignoreIndex`. Output `[N, C]`.
   */
  crossEntropyBackward(
    logits: View,
    targets: View,
    grad: View,
    ignoreIndex: number,
    smoothing: number,
  ): Handle;
  /**
   * One Adam/AdamW step for one parameter, in one pass (see {@link AdamUpdateOptions}); returns
   * the new [param, expAvg, expAvgSq, maxExpAvgSq (null without amsgrad)], all contiguous.
   */
  adamUpdate(
    param: View,
    grad: View,
    expAvg: View,
    expAvgSq: View,
    maxExpAvgSq: View | null,
    options: AdamUpdateOptions,
  ): [Handle, Handle, Handle, Handle | null];
}

/** The names of the {@link FusedKernels}, each overridable by a backend. */
export type FusedKernelName = keyof FusedKernels;

/** Every {@link FusedKernelName}, in pairs (a missing or extra name fails to compile). */
export const FUSED_KERNEL_NAMES = [
  'layerNorm',
  'layerNormBackward',
  'geluBackward',
  'softmaxBackward',
  'causalSoftmax',
  'crossEntropy',
  'crossEntropyBackward',
  'adamUpdate',
] as const satisfies readonly FusedKernelName[];
// Exhaustiveness: every kernel of the interface is in the list above.
const everyKernelListed: Record<Exclude<FusedKernelName, (typeof FUSED_KERNEL_NAMES)[number]>, never> = {};
void everyKernelListed;

/**
 * A compute device: its primitives and every fused kernel (a backend's own or the default
 * composed from its primitives). Implementations: `cpuBackend` (the reference),
 * `@dendrite/backend-wasm`, `@dendrite/backend-gpujs`. Every backend passes the conformance suite
 * in `tooling/conformance` against the CPU reference.
 */
export interface Backend extends BackendPrimitives, FusedKernels {}

/** Hyper-parameters of one fused Adam step (PyTorch's `torch.optim.Adam`/`AdamW` update). */
export interface AdamUpdateOptions {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  /** AdamW: decay the weights directly; Adam: add λθ to the gradient. */
  decoupled: boolean;
  /** The step number t, starting at 1 (bias corrections 1 − βᵗ). */
  step: number;
  amsgrad: boolean;
  maximize: boolean;
}
