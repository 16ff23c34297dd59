import { BackendError } from '@dendrite/tensor';
import { compile } from './fusion.js';
import type { GpuJsInstance, GpuJsKernel, GpuJsModule } from './gpujs.js';
import { type DeviceValue, GpuHandle } from './handle.js';
import { type GpujsMode, isAsyncMode, isHostMode, KERNEL_CLASS } from './modes.js';

/** A generated kernel: its gpu.js source and parameter names (arrays first, then scalars). */
export interface KernelSpec {
  /** Op family and variant, e.g. `binary:add:r2:aa` — what compile statistics are grouped by. */
  readonly name: string;
  /** A `function (…) { … }` in the JavaScript subset gpu.js translates. */
  readonly source: string;
  /** Array parameters (read with a flat index). */
  readonly arrays: readonly string[];
  /** Number parameters (sizes, strides, offsets, scalar operands), all float. */
  readonly scalars: readonly string[];
}

/** Counters of a backend instance: how much compiling, dispatching and copying it did. */
export interface RunnerStats {
  /** Distinct kernels created (one per op family, variant and folded rank). */
  kernels: number;
  /**
   * Shader / module compilations. One per kernel in `webgpu`, GL and `cpu` modes (sizes are
   * uniforms); in `webasm` gpu.js bakes sizes into each module, so one per kernel and size signature.
   */
  compiles: number;
  /** Kernel launches, uploads and fills included. */
  dispatches: number;
  /** Host arrays moved to the device (`upload` and materialised `fill`s). */
  uploads: number;
  /** Device arrays read back to the host. */
  reads: number;
  /**
   * Arrays allocated by kernels and uploads and not released yet: the backend's memory, including
   * arrays held only by lazy expressions (`liveHandles` counts what the tensor core holds).
   */
  deviceArrays: number;
}

interface Entry {
  readonly spec: KernelSpec;
  readonly kernel: GpuJsKernel;
  /** Output size the kernel is currently set to. */
  outSize: number;
  /** The kernel ran once and its class was checked. */
  checked: boolean;
  /** webgpu: the first call builds asynchronously; later calls wait for it. */
  built: boolean;
  ready: Promise<unknown> | null;
  /** Launches of this kernel. */
  calls: number;
  /** Host milliseconds spent launching it (with `profile`; the whole run in synchronous modes). */
  ms: number;
}

type Arg = DeviceValue | Promise<DeviceValue>;

const UPLOAD: KernelSpec = {
  name: 'upload',
  source: 'function (a) { return a[this.thread.x]; }',
  arrays: ['a'],
  scalars: [],
};
const FILL: KernelSpec = { name: 'fill', source: 'function (v) { return v; }', arrays: [], scalars: ['v'] };

const noop = () => {};

/**
 * Runs generated kernels on one gpu.js `GPU` instance: a cache of compiled kernels keyed by their
 * source (so by op, variant and folded rank — sizes are arguments, never baked in), dispatch and
 * compile counters, and the two calling contracts gpu.js has: synchronous results in every mode
 * but webgpu, Promises in webgpu, where each launch is chained on the launches that produce its
 * inputs (the device queue keeps them in order; the host never waits).
 */
export class KernelRunner {
  readonly async: boolean;
  readonly hostMode: boolean;
  readonly stats: RunnerStats = {
    kernels: 0,
    compiles: 0,
    dispatches: 0,
    uploads: 0,
    reads: 0,
    deviceArrays: 0,
  };
  /** The first error of an asynchronous launch (it also rejects every read that depends on it). */
  asyncError: unknown = null;
  /** Record host time per kernel (see {@link msByKernel}). */
  profile = false;
  private readonly gpu: GpuJsInstance;
  private readonly cache = new Map<string, Entry>();
  private readonly kernelClass: unknown;

  constructor(
    gpujs: GpuJsModule,
    readonly mode: GpujsMode,
    private readonly loopMaxIterations: number,
  ) {
    this.async = isAsyncMode(mode);
    this.hostMode = isHostMode(mode);
    this.gpu = new gpujs.GPU({ mode });
    this.kernelClass = gpujs[KERNEL_CLASS[mode]];
  }

  /** Per-kernel launch counts, by kernel name (summed over ranks and variants of one name). */
  callsByKernel(): Map<string, number> {
    const out = new Map<string, number>();
    for (const e of this.cache.values()) out.set(e.spec.name, (out.get(e.spec.name) ?? 0) + e.calls);
    if (this.customCalls > 0) out.set('matmul:wgsl-tiled', this.customCalls);
    return out;
  }

  /** Host milliseconds per kernel name (recorded only when `profile` is on). */
  msByKernel(): Map<string, number> {
    const out = new Map<string, number>();
    for (const e of this.cache.values()) out.set(e.spec.name, (out.get(e.spec.name) ?? 0) + e.ms);
    return out;
  }

  /** Launches `spec` over `size` output elements; returns the new handle. */
  run(spec: KernelSpec, inputs: readonly GpuHandle[], scalars: readonly number[], size: number): GpuHandle {
    const out = new GpuHandle(size);
    this.launchInto(out, spec, inputs, scalars);
    return out;
  }

  /** Launches `spec` with `out.size` outputs and makes its result the storage of `out`. */
  private launchInto(
    out: GpuHandle,
    spec: KernelSpec,
    inputs: readonly GpuHandle[],
    scalars: readonly number[],
  ): void {
    if (out.size === 0) {
      out.host = new Float32Array(0);
      return;
    }
    const args = inputs.map((h) => this.device(h));
    const result = this.dispatch(spec, args, scalars, out.size);
    this.stats.deviceArrays++;
    if (result instanceof Promise) this.settleLater(out, inputs, result);
    else out.value = result;
  }

  /**
   * An output whose value arrives asynchronously: it records the pending promise, stores the
   * value when it resolves (unless freed meanwhile), and keeps each input marked as in use until then.
   */
  private settleLater(out: GpuHandle, inputs: readonly GpuHandle[], result: Promise<DeviceValue>): void {
    out.pending = result;
    result.then((v) => {
      if (!out.freed) out.value = v;
    }, noop);
    for (const h of inputs) {
      h.uses.push(result);
      const done = () => {
        const i = h.uses.indexOf(result);
        if (i >= 0) h.uses.splice(i, 1);
      };
      result.then(done, done);
    }
  }

  /**
   * Launches something that is not a gpu.js kernel (the hand-written WGSL matmul) with the same
   * bookkeeping as {@link run}: `launch` gets the inputs' device values, once they exist.
   */
  runCustom(
    inputs: readonly GpuHandle[],
    size: number,
    launch: (values: DeviceValue[]) => DeviceValue,
  ): GpuHandle {
    const out = new GpuHandle(size);
    const args = inputs.map((h) => this.device(h));
    this.stats.deviceArrays++;
    const go = (values: DeviceValue[]) => {
      this.stats.dispatches++;
      this.customCalls++;
      return launch(values);
    };
    if (!args.some((a) => a instanceof Promise)) {
      out.value = go(args as DeviceValue[]);
      return out;
    }
    this.settleLater(out, inputs, this.track(Promise.all(args).then(go)));
    return out;
  }

  /** Launches of {@link runCustom} (the WGSL matmul), for the per-kernel counts. */
  customCalls = 0;

  /** A built gpu.js kernel of this mode (WGSL results are read back through its staging buffers). */
  anyKernel(): unknown {
    for (const e of this.cache.values()) if (e.checked) return e.kernel.kernel;
    throw new BackendError('gpujs: no kernel has run yet');
  }

  /** Computes a lazy handle's expression (one fused kernel) into its own storage. */
  materialize(h: GpuHandle): void {
    const expr = h.lazy;
    if (expr === null) return;
    h.lazy = null;
    const { spec, inputs, scalars } = compile(expr, this.mode === 'cpu');
    this.launchInto(h, spec, inputs, scalars);
    for (const leaf of expr.handles) this.release(leaf);
  }

  /** Adds an owner to a handle (a lazy expression that reads it). */
  retain(h: GpuHandle): void {
    h.refs++;
  }

  /** Removes an owner; the storage goes when the last one does (a lazy handle's leaves with it). */
  release(h: GpuHandle): void {
    if (--h.refs > 0) return;
    const expr = h.lazy;
    if (expr !== null) {
      h.lazy = null;
      h.freed = true;
      for (const leaf of expr.handles) this.release(leaf);
      return;
    }
    this.releaseStorage(h);
  }

  /** The handle's device storage (a Promise of it in webgpu), uploading host values on first use. */
  device(h: GpuHandle): Arg {
    if (h.freed) throw new BackendError(`gpujs: storage #${h.id} was used after it was freed`);
    if (h.lazy !== null) this.materialize(h);
    if (h.value !== null) return h.value;
    if (h.pending !== null) return h.pending;
    if (h.size === 0) return new Float32Array(1); // never read: outputs of empty inputs are empty
    this.stats.uploads++;
    this.stats.deviceArrays++;
    if (this.hostMode) {
      h.value = h.constant !== null ? new Float32Array(h.size).fill(h.constant) : toFloat32(h.host!);
      return h.value;
    }
    const v =
      h.constant !== null
        ? this.dispatch(FILL, [], [h.constant], h.size)
        : this.dispatch(UPLOAD, [toFloat32(h.host!)], [], h.size);
    if (v instanceof Promise) {
      h.pending = v;
      v.then((x) => {
        if (!h.freed) h.value = x;
      }, noop);
    } else h.value = v;
    return v;
  }

  /** Values of a handle as float32, read from the device when needed. */
  async read(h: GpuHandle): Promise<ArrayLike<number>> {
    if (h.lazy !== null) this.materialize(h);
    if (h.host !== null) return h.host;
    if (h.constant !== null) return new Float32Array(h.size).fill(h.constant);
    this.stats.reads++;
    const v = h.value ?? (await h.pending!);
    if (v instanceof Float32Array) return v;
    return (await v.toArray()) as Float32Array;
  }

  /** Synchronous read: every mode but webgpu. */
  readSync(h: GpuHandle): ArrayLike<number> {
    if (h.lazy !== null) this.materialize(h);
    if (h.host !== null) return h.host;
    if (h.constant !== null) return new Float32Array(h.size).fill(h.constant);
    if (this.async) {
      throw new BackendError(
        `gpujs (${this.mode}): values can only be read asynchronously; use 'await t.data()'`,
      );
    }
    this.stats.reads++;
    const v = h.value!;
    if (v instanceof Float32Array) return v;
    return v.toArray() as Float32Array;
  }

  /** Releases the device storage (after every launch that reads it, in webgpu). */
  private releaseStorage(h: GpuHandle): void {
    if (h.freed) return;
    h.freed = true;
    const value = h.value;
    const pending = h.pending;
    if (value !== null || pending !== null) this.stats.deviceArrays--;
    h.value = null;
    h.pending = null;
    h.host = null;
    if (this.hostMode) return; // plain Float32Arrays: the garbage collector reclaims them
    if (!this.async) {
      if (value !== null && !(value instanceof Float32Array)) value.delete();
      return;
    }
    const target: Promise<DeviceValue> | null = pending ?? (value !== null ? Promise.resolve(value) : null);
    if (target === null) return;
    const release = () =>
      target.then((v) => {
        if (!(v instanceof Float32Array)) v.delete();
      }, noop);
    if (h.uses.length === 0) release();
    else Promise.allSettled([target, ...h.uses]).then(release);
    h.uses = [];
  }

  /** Destroys every kernel and the gpu.js instance. */
  destroy(): void {
    for (const e of this.cache.values()) e.kernel.destroy();
    this.cache.clear();
    this.gpu.destroy();
  }

  private entry(spec: KernelSpec): Entry {
    let e = this.cache.get(spec.source);
    if (e === undefined) {
      const argumentTypes: Record<string, string> = {};
      for (const a of spec.arrays) argumentTypes[a] = this.hostMode || this.async ? 'Array' : 'NumberTexture';
      for (const s of spec.scalars) argumentTypes[s] = 'Float';
      if (spec === UPLOAD) argumentTypes.a = 'Array';
      const kernel = this.gpu.createKernel(spec.source, {
        output: [1],
        pipeline: true,
        immutable: true,
        dynamicOutput: true,
        dynamicArguments: true,
        precision: 'single',
        optimizeFloatMemory: false,
        tactic: 'precision',
        loopMaxIterations: this.loopMaxIterations,
        argumentTypes,
      });
      // webasm compiles one module per size signature and keeps only 8 by default: a training
      // step uses more sizes than that per kernel, which would recompile every step.
      if (kernel.kernel.moduleCacheLimit !== undefined) kernel.kernel.moduleCacheLimit = 4096;
      e = { spec, kernel, outSize: 1, checked: false, built: !this.async, ready: null, calls: 0, ms: 0 };
      this.cache.set(spec.source, e);
      this.stats.kernels++;
      if (this.mode !== 'webasm') this.stats.compiles++;
    }
    return e;
  }

  private dispatch(spec: KernelSpec, args: readonly Arg[], scalars: readonly number[], size: number): Arg {
    const e = this.entry(spec);
    if (!this.async) return this.call(e, args as DeviceValue[], scalars, size);
    if (e.built && !args.some((a) => a instanceof Promise)) {
      return this.track(this.call(e, args as DeviceValue[], scalars, size) as Promise<DeviceValue>);
    }
    const launched = Promise.all([e.ready, ...args]).then(([, ...values]) =>
      this.call(e, values as DeviceValue[], scalars, size),
    ) as Promise<DeviceValue>;
    if (e.ready === null) {
      // The first launch builds the kernel (asynchronously in webgpu); later ones wait for it, so
      // no launch changes the output size of a kernel that is still building.
      e.ready = launched.then(() => {
        e.built = true;
      }, noop);
    }
    return this.track(launched);
  }

  private track(p: Promise<DeviceValue>): Promise<DeviceValue> {
    p.catch((err) => {
      this.asyncError ??= err;
    });
    return p;
  }

  private call(e: Entry, values: readonly DeviceValue[], scalars: readonly number[], size: number): Arg {
    if (e.outSize !== size) {
      e.kernel.setOutput([size]);
      e.outSize = size;
    }
    const cache = e.kernel.kernel._moduleCache;
    const before = cache?.size ?? 0;
    const t0 = this.profile ? performance.now() : 0;
    const result = e.kernel(...values, ...scalars) as Arg;
    if (this.profile) e.ms += performance.now() - t0;
    this.stats.dispatches++;
    e.calls++;
    if (!e.checked) {
      e.checked = true;
      this.checkClass(e);
    }
    if (cache !== undefined && cache.size > before) this.stats.compiles++;
    return result;
  }

  /** gpu.js may degrade a kernel to its CPU kernel with only a console warning: make that an error. */
  private checkClass(e: Entry): void {
    const inner = e.kernel.kernel;
    if (inner.constructor !== this.kernelClass) {
      const reason = inner.fallbackReason ? `: ${inner.fallbackReason}` : '';
      throw new BackendError(
        `gpujs: kernel '${e.spec.name}' did not run in mode '${this.mode}' (gpu.js switched to ${inner.constructor.name}${reason})`,
      );
    }
  }
}

function toFloat32(values: ArrayLike<number>): Float32Array {
  return values instanceof Float32Array ? values : Float32Array.from(values);
}
