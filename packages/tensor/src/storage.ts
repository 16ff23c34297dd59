import type { Backend, Handle } from './backend.js';
import type { DType } from './dtype.js';

/**
 * One backend allocation, shared by every tensor that views it. Views retain it; when the last
 * view is disposed the handle is freed. Backends whose memory the JS garbage collector does not
 * reclaim (GPU buffers) also get a FinalizationRegistry safety net for tensors never disposed.
 */
export class Storage {
  private refs = 0;
  private released = false;
  /** Shared with the finalizer so that an explicit free is not repeated by it. */
  private readonly token: { freed: boolean };

  /**
   * @param owned false for a handle lent by a caller (a fused kernel's default runs tensor ops on
   *   its input views): released without freeing, never counted, never finalized.
   */
  constructor(
    readonly backend: Backend,
    readonly handle: Handle,
    readonly dtype: DType,
    readonly size: number,
    private readonly owned = true,
  ) {
    this.token = { freed: !owned };
    if (!owned) return;
    if (!backend.gcManaged) finalizer.register(this, { backend, handle, token: this.token }, this);
    liveStorages++;
  }

  retain(): void {
    this.refs++;
  }

  release(): void {
    if (this.released) return;
    if (--this.refs <= 0) {
      this.released = true;
      if (!this.owned) return;
      this.token.freed = true;
      liveStorages--;
      if (!this.backend.gcManaged) finalizer.unregister(this);
      this.backend.free(this.handle);
    }
  }

  /**
   * Hands the handle to the caller instead of freeing it (a fused kernel's default returns the
   * handle of the tensor it computed). Only for an owned storage with this one view left.
   */
  take(): Handle {
    if (!this.owned || this.released || this.refs !== 1) {
      throw new Error('Storage.take: the handle is borrowed, released or shared');
    }
    this.released = true;
    this.token.freed = true;
    liveStorages--;
    if (!this.backend.gcManaged) finalizer.unregister(this);
    return this.handle;
  }

  /** Whether {@link Storage.take} may hand this storage's handle over. */
  get takeable(): boolean {
    return this.owned && !this.released && this.refs === 1;
  }

  get isReleased(): boolean {
    return this.released;
  }
}

let liveStorages = 0;

const finalizer = new FinalizationRegistry<{ backend: Backend; handle: Handle; token: { freed: boolean } }>(
  (held) => {
    if (!held.token.freed) {
      held.token.freed = true;
      liveStorages--;
      held.backend.free(held.handle);
    }
  },
);

/** Number of backend allocations not yet freed (all backends). Useful to check a loop's memory is flat. */
export function liveStorageCount(): number {
  return liveStorages;
}
