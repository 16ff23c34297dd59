import { BackendError } from '@dendrite/tensor';
import { compile } from './fusion.js';
import { type DeviceSlot, type DeviceValue, deviceSlot, GpuHandle } from './handle.js';
import { FILL, type KernelArg, type KernelCache, UPLOAD } from './kernel-cache.js';
import type { KernelSpec } from './kernels/spec.js';
import type { Counters } from './stats.js';

const noop = () => {};

/**
 * Runs kernels on handles and moves storage through its states (see `HandleState`): host values
 * and constants go to the device the first time a kernel reads them, lazy expressions become one
 * fused kernel when needed, kernel results become device storage, and storage is released when its
 * last owner lets go (in webgpu, only after every queued launch that reads it).
 */
export class KernelRunner {
  constructor(
    /** The compiled kernels this runner launches. */
    readonly kernels: KernelCache,
    private readonly counters: Counters,
  ) {}

  /** Whether kernel calls return Promises (webgpu): reads are then asynchronous only. */
  get async(): boolean {
    return this.kernels.async;
  }

  /** Launches `spec` over `size` output elements; returns the new handle. */
  run(spec: KernelSpec, inputs: readonly GpuHandle[], scalars: readonly number[], size: number): GpuHandle {
    if (size === 0) return GpuHandle.host(new Float32Array(0));
    return GpuHandle.device(size, this.launch(spec, inputs, scalars, size));
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
    const args = inputs.map((h) => this.device(h));
    this.counters.deviceArrays++;
    const go = (values: DeviceValue[]) => {
      this.counters.dispatches++;
      this.kernels.customCalls++;
      return launch(values);
    };
    if (!args.some((a) => a instanceof Promise))
      return GpuHandle.device(size, deviceSlot(go(args as DeviceValue[])));
    const result = this.kernels.watch(Promise.all(args).then(go));
    return GpuHandle.device(size, this.readBy(inputs, result));
  }

  /** Computes a lazy handle's expression (one fused kernel) into its own storage. */
  materialize(h: GpuHandle): void {
    const expr = h.lazy;
    if (expr === null) return;
    const { spec, inputs, scalars } = compile(expr, this.kernels.mode === 'cpu');
    h.placeOnDevice(this.launch(spec, inputs, scalars, h.size));
    for (const leaf of expr.handles) this.release(leaf);
  }

  /** Adds an owner to a handle (a lazy expression that reads it). */
  retain(h: GpuHandle): void {
    h.refs++;
  }

  /** Removes an owner; the storage goes when the last one does (a lazy handle's leaves with it). */
  release(h: GpuHandle): void {
    if (--h.refs > 0) return;
    const was = h.markFreed();
    if (was.kind === 'lazy') for (const leaf of was.expr.handles) this.release(leaf);
    else if (was.kind !== 'freed' && was.device !== null) this.releaseDevice(was.device);
  }

  /** The handle's device storage (a Promise of it in webgpu), placing it there on first use. */
  device(h: GpuHandle): KernelArg {
    const s = h.state;
    if (s.kind === 'freed') throw h.invalid('was used after it was freed');
    if (s.kind === 'lazy') this.materialize(h);
    const placed = h.device;
    if (placed !== null) return placed.current;
    if (h.size === 0) return new Float32Array(1); // never read: outputs of empty inputs are empty
    if (s.kind !== 'host' && s.kind !== 'constant') throw h.invalid(`has no storage while ${s.kind}`);
    this.counters.uploads++;
    this.counters.deviceArrays++;
    let v: KernelArg;
    if (this.kernels.hostMode) {
      v = s.kind === 'constant' ? new Float32Array(h.size).fill(s.value) : toFloat32(s.values);
    } else {
      v =
        s.kind === 'constant'
          ? this.kernels.dispatch(FILL, [], [s.value], h.size)
          : this.kernels.dispatch(UPLOAD, [toFloat32(s.values)], [], h.size);
    }
    h.placeOnDevice(deviceSlot(v));
    return v;
  }

  /** Values of a handle as float32, read from the device when needed. */
  async read(h: GpuHandle): Promise<ArrayLike<number>> {
    const known = this.hostValues(h);
    if (known !== null) return known;
    this.counters.reads++;
    const current = this.stored(h).current;
    const v = current instanceof Promise ? await current : current;
    if (v instanceof Float32Array) return v;
    return (await v.toArray()) as Float32Array;
  }

  /** Synchronous read: every mode but webgpu. */
  readSync(h: GpuHandle): ArrayLike<number> {
    const known = this.hostValues(h);
    if (known !== null) return known;
    if (this.kernels.async) {
      throw new BackendError(
        `gpujs (${this.kernels.mode}): values can only be read asynchronously; use 'await t.data()'`,
      );
    }
    this.counters.reads++;
    const v = this.stored(h).current as DeviceValue;
    if (v instanceof Float32Array) return v;
    return v.toArray() as Float32Array;
  }

  /** The handle's values when the host knows them (computing a lazy one first), else null. */
  private hostValues(h: GpuHandle): ArrayLike<number> | null {
    if (h.lazy !== null) this.materialize(h);
    const s = h.state;
    if (s.kind === 'host') return s.values;
    if (s.kind === 'constant') return new Float32Array(h.size).fill(s.value);
    return null;
  }

  /** The device storage of a handle that only the device holds. */
  private stored(h: GpuHandle): DeviceSlot {
    const slot = h.device;
    if (slot === null) throw h.invalid('was read after it was freed');
    return slot;
  }

  /** Launches `spec` with `size` outputs; returns the device storage of its result. */
  private launch(spec: KernelSpec, inputs: readonly GpuHandle[], scalars: readonly number[], size: number) {
    const args = inputs.map((h) => this.device(h));
    const result = this.kernels.dispatch(spec, args, scalars, size);
    this.counters.deviceArrays++;
    return result instanceof Promise ? this.readBy(inputs, result) : deviceSlot(result);
  }

  /**
   * The storage of a result that arrives asynchronously (webgpu); each input is marked as in use
   * until it does, so that freeing an input waits for the launches that read it.
   */
  private readBy(inputs: readonly GpuHandle[], result: Promise<DeviceValue>): DeviceSlot {
    const slot = deviceSlot(result);
    for (const h of inputs) {
      const uses = h.device?.uses;
      if (uses === undefined) continue; // an empty input: nothing to release later
      uses.push(result);
      const done = () => {
        const i = uses.indexOf(result);
        if (i >= 0) uses.splice(i, 1);
      };
      result.then(done, done);
    }
    return slot;
  }

  /** Releases device storage (after every launch that reads it, in webgpu). */
  private releaseDevice(slot: DeviceSlot): void {
    this.counters.deviceArrays--;
    if (this.kernels.hostMode) return; // plain Float32Arrays: the garbage collector reclaims them
    const current = slot.current;
    if (!this.kernels.async) {
      if (!(current instanceof Float32Array) && !(current instanceof Promise)) current.delete();
      return;
    }
    const target = current instanceof Promise ? current : Promise.resolve(current);
    const release = () =>
      target.then((v) => {
        if (!(v instanceof Float32Array)) v.delete();
      }, noop);
    if (slot.uses.length === 0) release();
    else Promise.allSettled([target, ...slot.uses]).then(release);
    slot.uses.length = 0;
  }
}

function toFloat32(values: ArrayLike<number>): Float32Array {
  return values instanceof Float32Array ? values : Float32Array.from(values);
}
