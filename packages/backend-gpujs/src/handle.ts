import type { TypedArray } from '@dendrite/tensor';
import type { LazyExpr } from './fusion.js';

/**
 * What gpu.js hands back from a pipeline kernel: a plain `Float32Array` in `cpu`/`webasm` modes, a
 * GL `Texture` in `headlessgl`/`webgl`/`webgl2`, a GPU buffer result in `webgpu`. Everything the
 * backend needs from it is reading it back and deleting it.
 */
export type DeviceValue =
  | Float32Array
  | {
      toArray(): unknown;
      delete(): void;
    };

let nextId = 1;

/**
 * One allocation of the backend: an immutable array of `size` float32 values (int32 and bool are
 * stored as float32 values too, converted on read). The tensor core owns the lifetime: it calls
 * `free` exactly once when the last view of the storage goes.
 *
 * A handle is one of:
 * - **device**: `value` (synchronous modes) or `pending` (webgpu, where every kernel call is a
 *   Promise) — the result of a kernel, living on the device;
 * - **host**: `host`, values uploaded from the host and not yet needed on the device. They move to
 *   the device the first time a kernel reads them (`value`/`pending` are set then, `host` is kept
 *   for exact reads and index checks);
 * - **constant**: `constant`, every element equal (from `fill`): a kernel reads it as a scalar
 *   argument, and it is only materialised when a kernel needs it as an array;
 * - **lazy**: `lazy`, an element-wise expression computed (as one fused kernel) when needed.
 */
export class GpuHandle {
  /** Process-unique, for debugging. */
  readonly id = nextId++;
  /** The device storage once it exists (synchronous modes, or a settled webgpu result). */
  value: DeviceValue | null = null;
  /** The device storage while a webgpu kernel is in flight. */
  pending: Promise<DeviceValue> | null = null;
  /** Exact host values (from `upload`), in the tensor's own typed array. */
  host: TypedArray | null = null;
  /** Every element's value (from `fill`). */
  constant: number | null = null;
  /** webgpu: kernels that read this handle and may not have been dispatched yet. */
  uses: Promise<unknown>[] = [];
  /** An element-wise expression not computed yet (see `fusion.ts`); null once materialised. */
  lazy: LazyExpr | null = null;
  /**
   * Owners: 1 for the tensor core until it frees the handle, plus 1 per lazy expression reading
   * it. The storage is released when the count reaches 0.
   */
  refs = 1;
  /** Whether the tensor core still holds it (it calls `free` exactly once). */
  owned = true;
  /** Set when the storage is released; a released handle must never reach a kernel again. */
  freed = false;

  constructor(
    /** Number of elements. */
    readonly size: number,
  ) {}

  /** Whether the values are known on the host without a device read. */
  get hostKnown(): boolean {
    return this.host !== null || this.constant !== null;
  }

  /** Whether the handle holds (or will hold) device storage. */
  get onDevice(): boolean {
    return this.value !== null || this.pending !== null;
  }

  /** Element `i` when known on the host (index checks, scalar operands), else `undefined`. */
  hostAt(i: number): number | undefined {
    if (this.constant !== null) return this.constant;
    if (this.host !== null) return this.host[i];
    return undefined;
  }
}
