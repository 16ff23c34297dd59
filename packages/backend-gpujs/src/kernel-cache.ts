import { BackendError } from '@dendrite/tensor';
import type { GpuJsInstance, GpuJsKernel, GpuJsModule } from './gpujs.js';
import type { DeviceValue } from './handle.js';
import type { KernelSpec } from './kernels/spec.js';
import { type GpujsMode, isAsyncMode, isHostMode, KERNEL_CLASS } from './modes.js';
import type { Counters } from './stats.js';

/** A kernel argument: a device value, or in webgpu the Promise of one still being computed. */
export type KernelArg = DeviceValue | Promise<DeviceValue>;

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

/** Moves a host array to the device (the one kernel whose array argument is a host array everywhere). */
export const UPLOAD: KernelSpec = {
  name: 'upload',
  source: 'function (a) { return a[this.thread.x]; }',
  arrays: ['a'],
  scalars: [],
};

/** Fills the output with one number. */
export const FILL: KernelSpec = {
  name: 'fill',
  source: 'function (v) { return v; }',
  arrays: [],
  scalars: ['v'],
};

const noop = () => {};

/**
 * The compiled kernels of one gpu.js `GPU` instance, keyed by their source (so by op, variant and
 * folded rank — sizes are arguments, never baked in), and the two calling contracts gpu.js has:
 * synchronous results in every mode but webgpu; Promises in webgpu, where each launch is chained
 * on the launches that produce its arguments (the device queue keeps them in order; the host never
 * waits). Counts kernels, compiles and dispatches into the backend's counters.
 */
export class KernelCache {
  readonly async: boolean;
  readonly hostMode: boolean;
  /** The first error of an asynchronous launch (it also rejects every read that depends on it). */
  asyncError: unknown = null;
  /** Record host time per kernel (see {@link msByKernel}). */
  profile = false;
  /** Launches of something that is not a gpu.js kernel (the WGSL matmul), for the per-kernel counts. */
  customCalls = 0;
  private readonly gpu: GpuJsInstance;
  private readonly cache = new Map<string, Entry>();
  private readonly kernelClass: unknown;

  constructor(
    gpujs: GpuJsModule,
    readonly mode: GpujsMode,
    private readonly loopMaxIterations: number,
    private readonly counters: Counters,
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

  /** A built gpu.js kernel of this mode (WGSL results are read back through its staging buffers). */
  anyKernel(): unknown {
    for (const e of this.cache.values()) if (e.checked) return e.kernel.kernel;
    throw new BackendError('gpujs: no kernel has run yet');
  }

  /** Launches `spec` over `size` outputs: the result, or in webgpu a Promise of it. */
  dispatch(
    spec: KernelSpec,
    args: readonly KernelArg[],
    scalars: readonly number[],
    size: number,
  ): KernelArg {
    const e = this.entry(spec);
    if (!this.async) return this.call(e, args as DeviceValue[], scalars, size);
    if (e.built && !args.some((a) => a instanceof Promise)) {
      return this.watch(this.call(e, args as DeviceValue[], scalars, size) as Promise<DeviceValue>);
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
    return this.watch(launched);
  }

  /** Records the first error of an asynchronous launch (and keeps it from going unhandled). */
  watch(p: Promise<DeviceValue>): Promise<DeviceValue> {
    p.catch((err) => {
      this.asyncError ??= err;
    });
    return p;
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
      this.counters.kernels++;
      if (this.mode !== 'webasm') this.counters.compiles++;
    }
    return e;
  }

  private call(
    e: Entry,
    values: readonly DeviceValue[],
    scalars: readonly number[],
    size: number,
  ): KernelArg {
    if (e.outSize !== size) {
      e.kernel.setOutput([size]);
      e.outSize = size;
    }
    const cache = e.kernel.kernel._moduleCache;
    const before = cache?.size ?? 0;
    const t0 = this.profile ? performance.now() : 0;
    const result = e.kernel(...values, ...scalars) as KernelArg;
    if (this.profile) e.ms += performance.now() - t0;
    this.counters.dispatches++;
    e.calls++;
    if (!e.checked) {
      e.checked = true;
      this.checkClass(e);
    }
    if (cache !== undefined && cache.size > before) this.counters.compiles++;
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
