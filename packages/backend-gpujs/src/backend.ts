import type {
  ArgReduceOp,
  BinaryOp,
  DType,
  Handle,
  ReduceOp,
  TypedArray,
  UnaryOp,
  View,
} from '@dendrite/tensor';
import type { BackendPrimitives } from '@dendrite/tensor/backend';
import type { OpContext } from './context.js';
import type { GpuJsModule } from './gpujs.js';
import { KernelCache } from './kernel-cache.js';
import type { GpujsMode, GpujsModeRequest } from './modes.js';
import { concat } from './ops/concat.js';
import { crossEntropy, crossEntropyBackward } from './ops/cross-entropy.js';
import { binary, cast, copy, unary, where } from './ops/elementwise.js';
import { causalSoftmax, softmaxBackward } from './ops/fused-softmax.js';
import { gather, indexAdd, indexSelect, scatterAdd } from './ops/indexing.js';
import { layerNorm, layerNormBackward } from './ops/layer-norm.js';
import { matmul } from './ops/matmul.js';
import { argReduce, cumsum, reduce, softmax } from './ops/reduce.js';
import { fill, free, GPUJS_DTYPES, read, readSync, upload } from './ops/storage.js';
import type { GpujsBackendOptions, GpujsInfo } from './options.js';
import { KernelRunner } from './runner.js';
import { Counters, type GpujsStats } from './stats.js';
import { TiledMatmul } from './wgsl-matmul.js';

/**
 * The gpu.js backend. Storage is an immutable float32 array on the device (GPU buffer, texture,
 * or plain array in the CPU modes); int32 and bool are stored as float32 values (exact up to
 * 2²⁴) and converted on read. No float64: `dtypes` leaves it out so the core rejects it clearly.
 * Every op is one or two generated kernels (see `src/kernels/`; element-wise ops fuse, see
 * `fusion.ts`); nothing is read back to the host except by `read`.
 *
 * This class only composes: each op lives in `src/ops/`, working on the {@link OpContext} built here.
 * It holds the primitives and fused kernels of its own (layer norm, the causal softmax, the softmax
 * gradient, softmax cross-entropy, and their gradients: members named after a fused kernel
 * override its default); `gpujsBackend({ mode })` composes them into a full `Backend`, whose other
 * fused kernels (the Adam step, the GELU gradient) are the defaults composed from these primitives (`composeBackend` of
 * `@dendrite/tensor/backend`) — and fuse where lazy element-wise fusion (`fusion.ts`) can. See the
 * package README.
 */
export class GpujsBackend implements BackendPrimitives {
  readonly name: string;
  readonly dtypes = GPUJS_DTYPES;
  readonly canReadSync: boolean;
  readonly gcManaged = false;
  /** The mode every kernel runs in. */
  readonly mode: GpujsMode;
  private readonly kernels: KernelCache;
  private readonly counters = new Counters();
  private readonly ctx: OpContext;

  /** @internal use `gpujsBackend`, which picks and verifies the mode. */
  constructor(
    gpujs: GpuJsModule,
    mode: GpujsMode,
    private readonly requested: GpujsModeRequest,
    options: GpujsBackendOptions,
    private readonly adapter?: string,
    webgpuContext?: { device: unknown },
  ) {
    this.mode = mode;
    this.name = options.name ?? `gpujs:${mode}`;
    this.kernels = new KernelCache(gpujs, mode, options.loopMaxIterations ?? 2 ** 30, this.counters);
    this.canReadSync = !this.kernels.async;
    const wgslMinSize = options.wgslMatmulMinSize ?? 32 * 32 * 32;
    let wgsl: OpContext['wgsl'] = null;
    if (webgpuContext !== undefined && Number.isFinite(wgslMinSize)) {
      const BufferResult = gpujs.WebGPUBufferResult as ConstructorParameters<typeof TiledMatmul>[1];
      const tiled = new TiledMatmul(webgpuContext, BufferResult, () => this.kernels.anyKernel());
      wgsl = { matmul: tiled, minSize: wgslMinSize };
    }
    this.ctx = {
      runner: new KernelRunner(this.kernels, this.counters),
      counters: this.counters,
      indexCheck: options.indexCheck ?? 'host',
      wgsl,
    };
  }

  /** Which mode runs, and on what adapter. */
  info(): GpujsInfo {
    return {
      requested: this.requested,
      mode: this.mode,
      async: this.kernels.async,
      ...(this.adapter !== undefined ? { adapter: this.adapter } : {}),
    };
  }

  /**
   * Compile, dispatch, transfer and memory counters (a snapshot). Compare two snapshots to count
   * what a piece of work cost: e.g. a second training step must add dispatches but no compiles.
   */
  stats(): GpujsStats {
    return this.counters.snapshot();
  }

  /** Launches per kernel name so far (what a training step spends its dispatches on). */
  dispatchesByKernel(): Map<string, number> {
    return this.kernels.callsByKernel();
  }

  /**
   * Host milliseconds per kernel name while profiling is on (`setProfiling(true)`): in synchronous
   * modes the kernels' run time, in webgpu only the time to encode and submit them.
   */
  timeByKernel(): Map<string, number> {
    return this.kernels.msByKernel();
  }

  /** Turns per-kernel timing on or off (off by default: it costs a clock read per launch). */
  setProfiling(on: boolean): void {
    this.kernels.profile = on;
  }

  /** Releases every compiled kernel and the gpu.js instance; the backend is unusable afterwards. */
  dispose(): void {
    this.kernels.destroy();
  }

  // storage (ops/storage.ts)
  upload(values: TypedArray, dtype: DType): Handle {
    return upload(this.ctx, values, dtype);
  }
  read(handle: Handle, dtype: DType, size: number): Promise<TypedArray> {
    return read(this.ctx, handle, dtype, size);
  }
  readSync(handle: Handle, dtype: DType, size: number): TypedArray {
    return readSync(this.ctx, handle, dtype, size);
  }
  free(handle: Handle): void {
    free(this.ctx, handle);
  }
  fill(size: number, value: number, dtype: DType): Handle {
    return fill(this.ctx, size, value, dtype);
  }

  // element-wise, fused lazily (ops/elementwise.ts)
  copy(x: View): Handle {
    return copy(this.ctx, x);
  }
  cast(x: View, dtype: DType): Handle {
    return cast(this.ctx, x, dtype);
  }
  unary(op: UnaryOp, x: View): Handle {
    return unary(this.ctx, op, x);
  }
  binary(op: BinaryOp, a: View, b: View, shape: readonly number[]): Handle {
    return binary(this.ctx, op, a, b, shape);
  }
  where(cond: View, a: View, b: View, shape: readonly number[]): Handle {
    return where(this.ctx, cond, a, b, shape);
  }

  // reductions (ops/reduce.ts)
  reduce(op: ReduceOp, x: View, axes: readonly number[]): Handle {
    return reduce(this.ctx, op, x, axes);
  }
  argReduce(op: ArgReduceOp, x: View, axis: number): Handle {
    return argReduce(this.ctx, op, x, axis);
  }
  cumsum(x: View, axis: number): Handle {
    return cumsum(this.ctx, x, axis);
  }
  softmax(x: View, axis: number, log: boolean): Handle {
    return softmax(this.ctx, x, axis, log);
  }

  // matrix product, gpu.js or WGSL (ops/matmul.ts)
  matmul(a: View, b: View): Handle {
    return matmul(this.ctx, a, b);
  }

  // gathers and scatters (ops/indexing.ts), joins (ops/concat.ts)
  gather(x: View, axis: number, index: View): Handle {
    return gather(this.ctx, x, axis, index);
  }
  scatterAdd(shape: readonly number[], dtype: DType, axis: number, index: View, src: View): Handle {
    return scatterAdd(this.ctx, shape, dtype, axis, index, src);
  }
  indexSelect(x: View, axis: number, index: View): Handle {
    return indexSelect(this.ctx, x, axis, index);
  }
  indexAdd(shape: readonly number[], dtype: DType, axis: number, index: View, src: View): Handle {
    return indexAdd(this.ctx, shape, dtype, axis, index, src);
  }
  concat(xs: readonly View[], axis: number): Handle {
    return concat(this.ctx, xs, axis);
  }

  // fused kernels of its own, overriding the defaults composed from primitives (ops/layer-norm.ts)
  /** Layer norm over the last dim in 2 launches (row statistics, then the output). */
  layerNorm(x: View, weight: View | null, bias: View | null, eps: number): Handle {
    return layerNorm(this.ctx, x, weight, bias, eps);
  }
  /** The gradients of {@link GpujsBackend.layerNorm} in 2–4 launches: row statistics, dx, dweight, dbias. */
  layerNormBackward(
    x: View,
    weight: View | null,
    grad: View,
    eps: number,
    withBias: boolean,
  ): [Handle, Handle | null, Handle | null] {
    return layerNormBackward(this.ctx, x, weight, grad, eps, withBias);
  }

  // (ops/fused-softmax.ts)
  /** Causal softmax over the last dim in 2 launches (row statistics over the visible keys, output). */
  causalSoftmax(x: View, scale: number): Handle {
    return causalSoftmax(this.ctx, x, scale);
  }
  /** The gradient of softmax or log-softmax along `axis` in 2 launches (row sums, output). */
  softmaxBackward(y: View, grad: View, axis: number, log: boolean): Handle {
    return softmaxBackward(this.ctx, y, grad, axis, log);
  }

  // (ops/cross-entropy.ts)
  /** Per-row softmax cross-entropy in 1 launch (targets the host knows are checked first). */
  crossEntropy(logits: View, targets: View, ignoreIndex: number, smoothing: number): Handle {
    return crossEntropy(this.ctx, logits, targets, ignoreIndex, smoothing);
  }
  /** The gradient of {@link GpujsBackend.crossEntropy} in 2 launches (softmax row statistics, output). */
  crossEntropyBackward(
    logits: View,
    targets: View,
    grad: View,
    ignoreIndex: number,
    smoothing: number,
  ): Handle {
    return crossEntropyBackward(this.ctx, logits, targets, grad, ignoreIndex, smoothing);
  }
}
