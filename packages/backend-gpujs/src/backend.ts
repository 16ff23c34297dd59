import {
  type ArgReduceOp,
  type Backend,
  BackendError,
  type BinaryOp,
  collapseDims,
  contiguousStrides,
  type DType,
  type Handle,
  IndexError,
  type ReduceOp,
  sizeOf,
  type TypedArray,
  type UnaryOp,
  type View,
} from '@dendrite/tensor';
import { type ExprNode, MAX_LEAVES, MAX_NODES, measure, type Operand } from './fusion.js';
import type { GpuJsModule } from './gpujs.js';
import { GpuHandle } from './handle.js';
import {
  concatKernel,
  gatherKernel,
  indexAddCsrKernel,
  indexAddKernel,
  indexSelectKernel,
  MAX_CONCAT_INPUTS,
  scatterAddKernel,
} from './kernels/indexing.js';
import { binaryLines, binaryNeeds, type MathNeeds, unaryLines } from './kernels/math.js';
import { matmulKernel } from './kernels/matmul.js';
import {
  argReduceKernel,
  cumsumKernel,
  reduceKernel,
  softmaxApplyKernel,
  softmaxStatsKernel,
} from './kernels/reduce.js';
import { offsetsOf, readsOneElement } from './layout.js';
import type { GpujsMode, GpujsModeRequest } from './modes.js';
import { KernelRunner, type KernelSpec, type RunnerStats } from './runner.js';
import { type MatmulLayout, TiledMatmul } from './wgsl-matmul.js';

/** How out-of-range gather/scatter indices are caught (see the README, "Index errors"). */
export type IndexCheck = 'host' | 'always';

/** Options of {@link GpujsBackend} (through `gpujsBackend(options)`). */
export interface GpujsBackendOptions {
  /** The gpu.js mode, or `'auto'` (default): the first available of webgpu, webgl2, webgl, headlessgl, webasm, cpu. */
  mode?: GpujsModeRequest;
  /** Registry name (default `gpujs:<mode>`). */
  name?: string;
  /**
   * `'host'` (default): indices whose values are known on the host (uploaded from JavaScript, the
   * usual case for token ids and targets) are checked before launch and raise `IndexError` like
   * the CPU backend; indices computed on the device turn the outputs they touch into NaN.
   * `'always'`: device indices are read back and checked too (synchronous modes only; slow, for
   * debugging).
   */
  indexCheck?: IndexCheck;
  /**
   * webgpu only: matrix products of at least this many multiply-adds (M·N·K) run as the
   * hand-written tiled WGSL kernel on gpu.js's device instead of a gpu.js kernel (default 32,768,
   * i.e. 32×32×32; `Infinity` turns it off, 0 sends every product through it).
   */
  wgslMatmulMinSize?: number;
  /**
   * gpu.js caps every loop whose bound is an argument at this many iterations (its default, 1000,
   * silently truncates a reduction over 1500 elements). Default 2³⁰: no tensor reaches it.
   */
  loopMaxIterations?: number;
}

/** Counters of one backend instance; see {@link GpujsBackend.stats}. */
export interface GpujsStats extends RunnerStats {
  /** Storage handles allocated and not yet freed by the tensor core. */
  liveHandles: number;
  /** The most handles alive at once so far. */
  peakLiveHandles: number;
}

/** Which mode runs, and on what. */
export interface GpujsInfo {
  /** What was asked for (`'auto'` or a mode). */
  readonly requested: GpujsModeRequest;
  /** The mode every kernel of this backend runs in (checked per kernel: gpu.js can fall back silently). */
  readonly mode: GpujsMode;
  /** Whether kernels return Promises (webgpu): values are then read only with `await t.data()`. */
  readonly async: boolean;
  /** The WebGPU adapter, e.g. `nvidia …` or `mesa llvmpipe …` (webgpu only). */
  readonly adapter?: string;
}

const DTYPES: ReadonlySet<DType> = new Set<DType>(['float32', 'int32', 'bool']);

function allocArray(dtype: DType, size: number): TypedArray {
  switch (dtype) {
    case 'int32':
      return new Int32Array(size);
    case 'bool':
      return new Uint8Array(size);
    case 'float64':
      return new Float64Array(size);
    default:
      return new Float32Array(size);
  }
}

/** A value cast on the host exactly as the CPU backend casts it. */
function castHost(v: number, dtype: DType): number {
  if (dtype === 'bool') return v !== 0 ? 1 : 0;
  if (dtype === 'int32') return Math.trunc(v) | 0;
  return v;
}

function asHandle(h: Handle): GpuHandle {
  if (!(h instanceof GpuHandle)) throw new BackendError('gpujs: got a storage handle of another backend');
  return h;
}

/** Whether `v` reads all of a contiguous `own`-shaped array in order, as an op over `shape` does. */
function readsInOrder(v: View, own: readonly number[], shape: readonly number[]): boolean {
  if (v.offset !== 0 || v.shape.length !== own.length || own.length !== shape.length) return false;
  const rm = contiguousStrides(own);
  for (let d = 0; d < own.length; d++) {
    if (v.shape[d] !== own[d] || own[d] !== shape[d]) return false;
    if (own[d] > 1 && v.strides[d] !== rm[d]) return false;
  }
  return true;
}

/** The dims of a view without its size-1 dims, keeping `keep` (returned renumbered). */
function squeezed(
  shape: readonly number[],
  stridesList: readonly (readonly number[])[],
  keep: number,
): { shape: number[]; strides: number[][]; axis: number } {
  const out: number[] = [];
  const strides: number[][] = stridesList.map(() => []);
  let axis = -1;
  for (let d = 0; d < shape.length; d++) {
    if (shape[d] === 1 && d !== keep) continue;
    if (d === keep) axis = out.length;
    out.push(shape[d]);
    stridesList.forEach((s, k) => strides[k].push(s[d]));
  }
  return { shape: out, strides, axis };
}

/**
 * The gpu.js backend. Storage is an immutable float32 array on the device (GPU buffer, texture,
 * or plain array in the CPU modes); int32 and bool are stored as float32 values (exact up to
 * 2²⁴) and converted on read. No float64: `dtypes` leaves it out so the core rejects it clearly.
 * Every op is one or two generated kernels (see `src/kernels/`); nothing is read back to the host
 * except by `read`.
 *
 * Create it with `await gpujsBackend({ mode })`; see the package README.
 */
export class GpujsBackend implements Backend {
  readonly name: string;
  readonly dtypes = DTYPES;
  readonly canReadSync: boolean;
  readonly gcManaged = false;
  /** The mode every kernel runs in. */
  readonly mode: GpujsMode;
  private readonly runner: KernelRunner;
  private readonly indexCheck: IndexCheck;
  private live = 0;
  private peakLive = 0;

  /** @internal use {@link gpujsBackend}, which picks and verifies the mode. */
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
    this.indexCheck = options.indexCheck ?? 'host';
    this.runner = new KernelRunner(gpujs, mode, options.loopMaxIterations ?? 2 ** 30);
    this.canReadSync = !this.runner.async;
    this.wgslMinSize = options.wgslMatmulMinSize ?? 32 * 32 * 32;
    if (webgpuContext !== undefined && Number.isFinite(this.wgslMinSize)) {
      const BufferResult = gpujs.WebGPUBufferResult as ConstructorParameters<typeof TiledMatmul>[1];
      this.tiled = new TiledMatmul(webgpuContext, BufferResult, () => this.runner.anyKernel());
    }
  }

  /** webgpu: the hand-written WGSL matmul (see `wgsl-matmul.ts`), else null. */
  private readonly tiled: TiledMatmul | null = null;
  private readonly wgslMinSize: number;

  /** Which mode runs, and on what adapter. */
  info(): GpujsInfo {
    return {
      requested: this.requested,
      mode: this.mode,
      async: this.runner.async,
      ...(this.adapter !== undefined ? { adapter: this.adapter } : {}),
    };
  }

  /**
   * Compile, dispatch, transfer and memory counters (a snapshot). Compare two snapshots to count
   * what a piece of work cost: e.g. a second training step must add dispatches but no compiles.
   */
  stats(): GpujsStats {
    return { ...this.runner.stats, liveHandles: this.live, peakLiveHandles: this.peakLive };
  }

  /** Launches per kernel name so far (what a training step spends its dispatches on). */
  dispatchesByKernel(): Map<string, number> {
    return this.runner.callsByKernel();
  }

  /**
   * Host milliseconds per kernel name while profiling is on (`setProfiling(true)`): in synchronous
   * modes the kernels' run time, in webgpu only the time to encode and submit them.
   */
  timeByKernel(): Map<string, number> {
    return this.runner.msByKernel();
  }

  /** Turns per-kernel timing on or off (off by default: it costs a clock read per launch). */
  setProfiling(on: boolean): void {
    this.runner.profile = on;
  }

  /** Releases every compiled kernel and the gpu.js instance; the backend is unusable afterwards. */
  dispose(): void {
    this.runner.destroy();
  }

  // ---- storage ----------------------------------------------------------------------------------

  private track(h: GpuHandle): GpuHandle {
    this.live++;
    if (this.live > this.peakLive) this.peakLive = this.live;
    return h;
  }

  upload(values: TypedArray, dtype: DType): Handle {
    this.assertDType(dtype, 'upload');
    const h = new GpuHandle(values.length);
    h.host = values;
    return this.track(h);
  }

  async read(handle: Handle, dtype: DType, size: number): Promise<TypedArray> {
    return this.convert(await this.runner.read(asHandle(handle)), dtype, size);
  }

  readSync(handle: Handle, dtype: DType, size: number): TypedArray {
    return this.convert(this.runner.readSync(asHandle(handle)), dtype, size);
  }

  free(handle: Handle): void {
    const h = asHandle(handle);
    if (!h.owned) return;
    h.owned = false;
    this.runner.release(h);
    this.live--;
  }

  private convert(values: ArrayLike<number>, dtype: DType, size: number): TypedArray {
    const out = allocArray(dtype, size);
    if (values instanceof Float32Array || values instanceof Int32Array || values instanceof Uint8Array) {
      out.set(values.length === size ? values : values.subarray(0, size));
    } else for (let i = 0; i < size; i++) out[i] = values[i];
    if (dtype === 'bool') for (let i = 0; i < size; i++) out[i] = out[i] !== 0 ? 1 : 0;
    return out;
  }

  private assertDType(dtype: DType, op: string): void {
    if (!DTYPES.has(dtype)) {
      throw new BackendError(`gpujs ${op}: ${dtype} is not supported (gpu.js computes in float32)`);
    }
  }

  fill(size: number, value: number, dtype: DType): Handle {
    this.assertDType(dtype, 'fill');
    const h = new GpuHandle(size);
    h.constant = value;
    return this.track(h);
  }

  /** The view's values on the host when its storage is host-known (no device work), else null. */
  private hostValues(x: View, dtype: DType = x.dtype): TypedArray | null {
    const h = asHandle(x.handle);
    if (!h.hostKnown) return null;
    const size = sizeOf(x.shape);
    const out = allocArray(dtype, size);
    let p = 0;
    for (const off of offsetsOf(x.shape, x.strides, x.offset)) out[p++] = castHost(h.hostAt(off)!, dtype);
    return out;
  }

  private hostHandle(values: TypedArray): GpuHandle {
    const h = new GpuHandle(values.length);
    h.host = values;
    return h;
  }

  /** Runs a kernel and accounts for the handle it returns. */
  private launch(spec: KernelSpec, inputs: readonly GpuHandle[], scalars: readonly number[], size: number) {
    return this.track(this.runner.run(spec, inputs, scalars, size));
  }

  // ---- element-wise -----------------------------------------------------------------------------

  /** Whether a view can be passed as one number (it reads one element whose value the host knows). */
  private scalarOf(v: View): number | undefined {
    if (!readsOneElement(v.shape, v.strides)) return undefined;
    return asHandle(v.handle).hostAt(v.offset);
  }

  /**
   * An element-wise op over `shape` reading `views` (broadcast to `shape`): returns a lazy handle
   * (see `fusion.ts`). Host-known single values become numbers; a lazy operand read in its own
   * layout is inlined into the expression; anything else is read as a strided array.
   */
  private map(
    name: string,
    shape: readonly number[],
    views: readonly View[],
    body: (values: readonly string[]) => readonly string[],
    needs: MathNeeds = {},
  ): Handle {
    const size = sizeOf(shape);
    if (size === 0) return this.track(this.hostHandle(new Float32Array(0)));
    const scalarValues: (number | undefined)[] = views.map((v) => this.scalarOf(v));
    // at least one operand stays an array (an op on constants alone still runs on the device)
    if (!scalarValues.includes(undefined)) scalarValues[0] = undefined;
    // Materialising one lazy operand releases its leaves, which another operand may have just
    // inlined: hold them until the new expression has retained what it reads.
    const pinned: GpuHandle[] = [];
    for (const v of views) {
      const lazy = asHandle(v.handle).lazy;
      if (lazy !== null) for (const l of lazy.handles) pinned.push(l);
    }
    for (const h of pinned) this.runner.retain(h);
    const operands = (inline: boolean): Operand[] =>
      views.map((v, k) => {
        const value = scalarValues[k];
        return value !== undefined ? { kind: 'scalar', value } : this.operand(v, shape, inline);
      });
    let root: ExprNode = { op: name, inputs: operands(true), lines: body, needs };
    let { leaves, nodes } = measure(root);
    if (leaves.length > MAX_LEAVES || nodes > MAX_NODES) {
      root = { op: name, inputs: operands(false), lines: body, needs };
      ({ leaves } = measure(root));
    }
    const handles = new Set(leaves.map((l) => l.handle));
    for (const h of handles) this.runner.retain(h);
    for (const h of pinned) this.runner.release(h);
    const out = new GpuHandle(size);
    out.lazy = { shape: [...shape], root, handles, inlined: false };
    return this.track(out);
  }

  /** How an element-wise op reads a view: the lazy expression itself when it can, else the array. */
  private operand(v: View, shape: readonly number[], inline: boolean): Operand {
    const h = asHandle(v.handle);
    const lazy = h.lazy;
    if (inline && lazy !== null && !lazy.inlined && readsInOrder(v, lazy.shape, shape)) {
      lazy.inlined = true; // a second consumer reads the computed array instead
      return { kind: 'node', node: lazy.root };
    }
    if (lazy !== null) this.runner.materialize(h);
    return { kind: 'leaf', leaf: { handle: h, offset: v.offset, strides: [...v.strides] } };
  }

  copy(x: View): Handle {
    const host = this.hostValues(x);
    if (host !== null) return this.track(this.hostHandle(host));
    return this.map('copy', x.shape, [x], ([v]) => [`let y = ${v};`]);
  }

  cast(x: View, dtype: DType): Handle {
    this.assertDType(dtype, 'cast');
    const host = this.hostValues(x, dtype);
    if (host !== null) return this.track(this.hostHandle(host));
    if (dtype === 'bool') {
      return this.map('cast:bool', x.shape, [x], ([v]) => ['let y = 0.0;', `if (${v} != 0) { y = 1.0; }`]);
    }
    if (dtype === 'int32' && x.dtype === 'float32') {
      return this.map('cast:int32', x.shape, [x], ([v]) => [`let y = Math.trunc(${v});`]);
    }
    return this.map('copy', x.shape, [x], ([v]) => [`let y = ${v};`]);
  }

  unary(op: UnaryOp, x: View): Handle {
    return this.map(`unary:${op}`, x.shape, [x], ([v]) => unaryLines(op, v));
  }

  binary(op: BinaryOp, a: View, b: View, shape: readonly number[]): Handle {
    const intResult = op === 'pow' && a.dtype === 'int32';
    const name = `binary:${op}${intResult ? ':int' : ''}`;
    return this.map(name, shape, [a, b], ([x, y]) => binaryLines(op, x, y, intResult), binaryNeeds(op));
  }

  where(cond: View, a: View, b: View, shape: readonly number[]): Handle {
    return this.map('where', shape, [cond, a, b], ([c, x, y]) => [
      `let y = ${y};`,
      `if (${c} > 0.5) { y = ${x}; }`,
    ]);
  }

  // ---- reductions -------------------------------------------------------------------------------

  reduce(op: ReduceOp, x: View, axes: readonly number[]): Handle {
    const keptDims = x.shape.map((_, d) => d).filter((d) => !axes.includes(d));
    const keptShape = keptDims.map((d) => x.shape[d]);
    const outSize = sizeOf(keptShape);
    const redShape = axes.map((d) => x.shape[d]);
    if (outSize > 0 && sizeOf(redShape) === 0) return this.fill(outSize, 0, x.dtype); // empty sums
    const kept = collapseDims(keptShape, [contiguousStrides(keptShape), keptDims.map((d) => x.strides[d])]);
    const red = collapseDims(redShape, [axes.map((d) => x.strides[d])]);
    const spec = reduceKernel(op, kept.shape.length, red.shape.length);
    const scalars = [
      x.offset,
      ...kept.strides[1],
      ...kept.shape,
      ...red.strides[0],
      ...red.shape,
      Number.POSITIVE_INFINITY,
    ];
    return this.launch(spec, [asHandle(x.handle)], scalars, outSize);
  }

  argReduce(op: ArgReduceOp, x: View, axis: number): Handle {
    const keptDims = x.shape.map((_, d) => d).filter((d) => d !== axis);
    const keptShape = keptDims.map((d) => x.shape[d]);
    const kept = collapseDims(keptShape, [contiguousStrides(keptShape), keptDims.map((d) => x.strides[d])]);
    const spec = argReduceKernel(op, kept.shape.length);
    const scalars = [x.offset, ...kept.strides[1], ...kept.shape, x.strides[axis], x.shape[axis]];
    return this.launch(spec, [asHandle(x.handle)], scalars, sizeOf(keptShape));
  }

  cumsum(x: View, axis: number): Handle {
    const sq = squeezed(x.shape, [x.strides], axis);
    const spec = cumsumKernel(sq.shape.length, sq.axis);
    return this.launch(
      spec,
      [asHandle(x.handle)],
      [x.offset, ...sq.strides[0], ...sq.shape],
      sizeOf(x.shape),
    );
  }

  softmax(x: View, axis: number, log: boolean): Handle {
    const size = sizeOf(x.shape);
    const m = x.shape[axis];
    if (size === 0) return this.track(this.hostHandle(new Float32Array(0)));
    const rowDims = x.shape.map((_, d) => d).filter((d) => d !== axis);
    const rowShape = rowDims.map((d) => x.shape[d]);
    const rows = collapseDims(rowShape, [contiguousStrides(rowShape), rowDims.map((d) => x.strides[d])]);
    const xh = asHandle(x.handle);
    const stats = this.runner.run(
      softmaxStatsKernel(rows.shape.length),
      [xh],
      [x.offset, ...rows.strides[1], ...rows.shape, x.strides[axis], m, Number.POSITIVE_INFINITY],
      2 * sizeOf(rowShape),
    );
    // Row numbers: row-major over the dims other than the axis.
    const rowStride = contiguousStrides(rowShape);
    const rowStrides = x.shape.map((_, d) => (d === axis ? 0 : rowStride[rowDims.indexOf(d)]));
    const sq = squeezed(x.shape, [x.strides, rowStrides], -1);
    const out = this.launch(
      softmaxApplyKernel(sq.shape.length, log),
      [xh, stats],
      [x.offset, ...sq.strides[0], ...sq.strides[1], ...sq.shape],
      size,
    );
    this.runner.release(stats);
    return out;
  }

  // ---- matmul -----------------------------------------------------------------------------------

  matmul(a: View, b: View): Handle {
    const r = a.shape.length;
    const M = a.shape[r - 2];
    const K = a.shape[r - 1];
    const N = b.shape[r - 1];
    const batchShape = a.shape.slice(0, r - 2);
    const size = sizeOf(batchShape) * M * N;
    if (size > 0 && K === 0) return this.fill(size, 0, a.dtype);
    const batch = collapseDims(batchShape, [
      contiguousStrides(batchShape),
      a.strides.slice(0, r - 2),
      b.strides.slice(0, r - 2),
    ]);
    if (this.tiled !== null && M * N * K >= this.wgslMinSize) {
      const layout: MatmulLayout = {
        M,
        N,
        K,
        batch: batch.shape,
        aOff: a.offset,
        sam: a.strides[r - 2],
        sak: a.strides[r - 1],
        aBatch: batch.strides[1],
        bOff: b.offset,
        sbk: b.strides[r - 2],
        sbn: b.strides[r - 1],
        bBatch: batch.strides[2],
      };
      if (TiledMatmul.fits(layout)) {
        const tiled = this.tiled;
        const inputs = [asHandle(a.handle), asHandle(b.handle)];
        return this.track(this.runner.runCustom(inputs, size, ([va, vb]) => tiled.run(va, vb, layout)));
      }
    }
    const spec = matmulKernel(batch.shape.length);
    const scalars = [
      a.offset,
      ...batch.strides[1],
      a.strides[r - 2],
      a.strides[r - 1],
      b.offset,
      ...batch.strides[2],
      b.strides[r - 2],
      b.strides[r - 1],
      ...batch.shape,
      M,
      N,
      K,
    ];
    return this.launch(spec, [asHandle(a.handle), asHandle(b.handle)], scalars, size);
  }

  // ---- indexing ---------------------------------------------------------------------------------

  /**
   * Checks index values in `[0, limit)` where the host knows them (or always, with
   * `indexCheck: 'always'` in a synchronous mode), with the CPU backend's message.
   */
  private checkIndex(op: string, index: View, limit: number, axis: number, flat: boolean): void {
    const h = asHandle(index.handle);
    let values: ArrayLike<number> | null = null;
    if (h.hostKnown) values = null;
    else if (this.indexCheck === 'always' && !this.runner.async) values = this.runner.readSync(h);
    else return;
    const rank = index.shape.length;
    const coord = new Array<number>(rank).fill(0);
    let pos = 0;
    for (const off of offsetsOf(index.shape, index.strides, index.offset)) {
      const v = values === null ? h.hostAt(off)! : values[off];
      if (!(v >= 0 && v < limit)) {
        const where = flat ? `[${pos}]` : `[${coord.join(',')}]`;
        throw new IndexError(
          `${op}: index ${v} at ${where} is out of range for axis ${axis} of size ${limit}`,
        );
      }
      pos++;
      for (let d = rank - 1; d >= 0; d--) {
        if (++coord[d] < index.shape[d]) break;
        coord[d] = 0;
      }
    }
  }

  gather(x: View, axis: number, index: View): Handle {
    this.checkIndex('gather', index, x.shape[axis], axis, false);
    const spec = gatherKernel(index.shape.length, axis);
    const scalars = [
      x.offset,
      ...x.strides,
      index.offset,
      ...index.strides,
      ...index.shape,
      x.shape[axis],
      Number.NaN,
    ];
    return this.launch(spec, [asHandle(x.handle), asHandle(index.handle)], scalars, sizeOf(index.shape));
  }

  scatterAdd(shape: readonly number[], dtype: DType, axis: number, index: View, src: View): Handle {
    this.checkIndex('scatterAdd', index, shape[axis], axis, false);
    const size = sizeOf(shape);
    if (size > 0 && sizeOf(index.shape) === 0) return this.fill(size, 0, dtype);
    const spec = scatterAddKernel(shape.length, axis);
    const scalars = [
      index.offset,
      ...index.strides,
      src.offset,
      ...src.strides,
      ...shape,
      ...index.shape,
      Number.NaN,
    ];
    return this.launch(spec, [asHandle(index.handle), asHandle(src.handle)], scalars, size);
  }

  indexSelect(x: View, axis: number, index: View): Handle {
    this.checkIndex('indexSelect', index, x.shape[axis], axis, true);
    const shape = [...x.shape];
    shape[axis] = index.shape[0];
    const spec = indexSelectKernel(shape.length, axis);
    const scalars = [
      x.offset,
      ...x.strides,
      index.offset,
      index.strides[0],
      ...shape,
      x.shape[axis],
      Number.NaN,
    ];
    return this.launch(spec, [asHandle(x.handle), asHandle(index.handle)], scalars, sizeOf(shape));
  }

  indexAdd(shape: readonly number[], dtype: DType, axis: number, index: View, src: View): Handle {
    this.checkIndex('indexAdd', index, shape[axis], axis, true);
    const size = sizeOf(shape);
    const m = index.shape[0];
    if (size > 0 && m === 0) return this.fill(size, 0, dtype);
    const ih = asHandle(index.handle);
    if (ih.hostKnown) {
      // Invert the index on the host (CSR): each output sums only the slices that land on it.
      const n = shape[axis];
      const off = new Float32Array(n + 1);
      const targets = new Int32Array(m);
      for (let j = 0; j < m; j++) {
        targets[j] = ih.hostAt(index.offset + j * index.strides[0])!;
        off[targets[j] + 1]++;
      }
      for (let r = 0; r < n; r++) off[r + 1] += off[r];
      const fill = off.slice(0, n);
      const list = new Float32Array(m);
      for (let j = 0; j < m; j++) list[fill[targets[j]]++] = j;
      const offH = this.hostHandle(off);
      const listH = this.hostHandle(list);
      const out = this.launch(
        indexAddCsrKernel(shape.length, axis),
        [offH, listH, asHandle(src.handle)],
        [src.offset, ...src.strides, ...shape],
        size,
      );
      this.runner.release(offH);
      this.runner.release(listH);
      return out;
    }
    const spec = indexAddKernel(shape.length, axis);
    const scalars = [index.offset, index.strides[0], m, src.offset, ...src.strides, ...shape, Number.NaN];
    return this.launch(spec, [ih, asHandle(src.handle)], scalars, size);
  }

  concat(xs: readonly View[], axis: number): Handle {
    const parts = xs.filter((v) => v.shape[axis] > 0);
    const shape = [...xs[0].shape];
    shape[axis] = xs.reduce((s, v) => s + v.shape[axis], 0);
    if (parts.length === 0 || sizeOf(shape) === 0) return this.track(this.hostHandle(new Float32Array(0)));
    let acc: View | null = null;
    let temp: GpuHandle | null = null;
    let rest = [...parts];
    while (rest.length > 0) {
      const take = acc === null ? MAX_CONCAT_INPUTS : MAX_CONCAT_INPUTS - 1;
      const group: View[] = acc === null ? rest.slice(0, take) : [acc, ...rest.slice(0, take)];
      rest = rest.slice(take);
      const last = rest.length === 0;
      const out = this.concatGroup(group, axis);
      if (temp !== null) this.runner.release(temp);
      if (last) return this.track(out);
      temp = out;
      const partShape = [...group[0].shape];
      partShape[axis] = group.reduce((s, v) => s + v.shape[axis], 0);
      acc = {
        handle: out,
        dtype: xs[0].dtype,
        shape: partShape,
        strides: contiguousStrides(partShape),
        offset: 0,
      };
    }
    throw new BackendError('gpujs concat: nothing to join');
  }

  /** One concat kernel over at most MAX_CONCAT_INPUTS views (not tracked: the caller decides). */
  private concatGroup(views: readonly View[], axis: number): GpuHandle {
    const shape = [...views[0].shape];
    shape[axis] = views.reduce((s, v) => s + v.shape[axis], 0);
    const spec = concatKernel(shape.length, axis, views.length);
    const scalars: number[] = [];
    for (const v of views) scalars.push(v.offset, ...v.strides);
    let start = 0;
    for (let k = 0; k < views.length - 1; k++) {
      start += views[k].shape[axis];
      scalars.push(start);
    }
    scalars.push(...shape);
    return this.runner.run(
      spec,
      views.map((v) => asHandle(v.handle)),
      scalars,
      sizeOf(shape),
    );
  }
}
