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

  constructor(
    readonly backend: Backend,
    readonly handle: Handle,
    readonly dtype: DType,
    readonly size: number,
  ) {
    this.token = { freed: false };
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
      this.token.freed = true;
      liveStorages--;
      if (!this.backend.gcManaged) finalizer.unregister(this);
      this.backend.free(this.handle);
    }
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
