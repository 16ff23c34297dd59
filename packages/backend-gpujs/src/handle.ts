import { BackendError, type TypedArray } from '@dendrite/tensor';
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

/**
 * Storage on the device. `current` is the value itself, or in webgpu (where every launch is a
 * Promise) the Promise of it until it settles, then the value: later launches reading a settled
 * slot need not wait.
 */
export interface DeviceSlot {
  current: DeviceValue | Promise<DeviceValue>;
  /** webgpu: launches that read this storage and may not have been dispatched yet. */
  readonly uses: Promise<unknown>[];
}

/** A new device slot for a kernel's result, or for the Promise of it (replaced by the value once it settles). */
export function deviceSlot(current: DeviceValue | Promise<DeviceValue>): DeviceSlot {
  const slot: DeviceSlot = { current, uses: [] };
  if (current instanceof Promise) {
    current.then(
      (value) => {
        slot.current = value;
      },
      () => {},
    );
  }
  return slot;
}

/**
 * The states of a handle's storage. Which one it is in decides how a kernel reads it, whether a
 * read needs the device, and what freeing it releases:
 *
 * - `host`: exact values from the host (`upload`, and empty results). A kernel reading it uploads
 *   them once (`device` is set then); reads and index checks keep using `values`.
 * - `constant`: every element equal (`fill`). Kernels take it as a number; when one needs it as an
 *   array it is filled on the device once (`device`).
 * - `lazy`: an element-wise expression not computed yet (see `fusion.ts`): computed by one fused
 *   kernel when something needs its values, or never, if it is freed first.
 * - `device`: a kernel's result, living only on the device (buffer, texture or plain array).
 * - `freed`: released; a freed handle must never reach a kernel again.
 *
 * ```text
 * host ──(first kernel read)──▶ host + device ─┐
 * constant ─(needed as array)─▶ constant + device ─┤
 * lazy ──(materialised)──▶ device ─────────────────┼──(last owner lets go)──▶ freed
 * lazy ─────────────────────────────────────────────┘
 * ```
 */
export type HandleState =
  | { readonly kind: 'host'; readonly values: TypedArray; readonly device: DeviceSlot | null }
  | { readonly kind: 'constant'; readonly value: number; readonly device: DeviceSlot | null }
  | { readonly kind: 'lazy'; readonly expr: LazyExpr }
  | { readonly kind: 'device'; readonly device: DeviceSlot }
  | { readonly kind: 'freed' };

let nextId = 1;

/**
 * One allocation of the backend: an immutable array of `size` float32 values (int32 and bool are
 * stored as float32 values too, converted on read). The tensor core owns the lifetime: it calls
 * `free` exactly once when the last view of the storage goes. The storage itself moves through the
 * states of {@link HandleState}, only by the transitions below.
 */
/**
 * The most elements one tensor of this backend may hold: 2²⁴. Kernels compute indices in float32
 * (gpu.js has no integer arithmetic on most targets), which counts exactly only up to 2²⁴; past it
 * results are silently wrong (measured on lavapipe: an add over 25,165,824 elements got its last
 * element wrong). A storage larger than this is refused when it is made.
 */
export const MAX_TENSOR_ELEMENTS = 2 ** 24;

export class GpuHandle {
  /** Process-unique, for debugging and for keys of fused-kernel leaves. */
  readonly id = nextId++;
  /**
   * Owners: 1 for the tensor core until it frees the handle, plus 1 per lazy expression reading
   * it. The storage is released when the count reaches 0.
   */
  refs = 1;
  /** Whether the tensor core still holds it (it calls `free` exactly once). */
  owned = true;
  #state: HandleState;

  private constructor(
    /** Number of elements. */
    readonly size: number,
    state: HandleState,
  ) {
    if (size > MAX_TENSOR_ELEMENTS) {
      throw new BackendError(
        `gpujs: a tensor of ${size.toLocaleString('en-US')} elements is past this backend's limit of ` +
          `${MAX_TENSOR_ELEMENTS.toLocaleString('en-US')} (2²⁴: kernels index in float32, exact only ` +
          'up to there); split the work, e.g. a batch into micro-batches with accumulated gradients',
      );
    }
    this.#state = state;
  }

  /** Values known on the host (an upload, or an empty result). */
  static host(values: TypedArray): GpuHandle {
    return new GpuHandle(values.length, { kind: 'host', values, device: null });
  }

  /** `size` elements all equal to `value` (a fill). */
  static constant(size: number, value: number): GpuHandle {
    return new GpuHandle(size, { kind: 'constant', value, device: null });
  }

  /** An element-wise expression, computed when needed. */
  static lazy(size: number, expr: LazyExpr): GpuHandle {
    return new GpuHandle(size, { kind: 'lazy', expr });
  }

  /** A kernel's result on the device. */
  static device(size: number, slot: DeviceSlot): GpuHandle {
    return new GpuHandle(size, { kind: 'device', device: slot });
  }

  /** The storage's current state. */
  get state(): HandleState {
    return this.#state;
  }

  /** Whether the values are known on the host without a device read. */
  get hostKnown(): boolean {
    return this.#state.kind === 'host' || this.#state.kind === 'constant';
  }

  /** The expression of a lazy handle, else null. */
  get lazy(): LazyExpr | null {
    return this.#state.kind === 'lazy' ? this.#state.expr : null;
  }

  /** The device storage, once there is one. */
  get device(): DeviceSlot | null {
    const s = this.#state;
    return s.kind === 'freed' || s.kind === 'lazy' ? null : s.device;
  }

  /** Element `i` when known on the host (index checks, scalar operands), else `undefined`. */
  hostAt(i: number): number | undefined {
    const s = this.#state;
    if (s.kind === 'constant') return s.value;
    if (s.kind === 'host') return s.values[i];
    return undefined;
  }

  /**
   * Gives the storage its device copy: host values uploaded, a constant filled, or a lazy
   * expression computed. Host-known values stay known.
   */
  placeOnDevice(slot: DeviceSlot): void {
    const s = this.#state;
    if (s.kind === 'host' || s.kind === 'constant') {
      if (s.device !== null) throw this.invalid('placed on the device twice');
      this.#state = { ...s, device: slot };
    } else if (s.kind === 'lazy') this.#state = { kind: 'device', device: slot };
    else throw this.invalid(`placed on the device while ${s.kind}`);
  }

  /** Marks the storage released; returns the state it was in (what the caller must release). */
  markFreed(): HandleState {
    const s = this.#state;
    this.#state = { kind: 'freed' };
    return s;
  }

  /** The error for a use the state machine does not allow (a bug in the backend, not the caller). */
  invalid(what: string): BackendError {
    return new BackendError(`gpujs: storage #${this.id} ${what}`);
  }
}
