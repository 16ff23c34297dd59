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

/** Counters of one backend instance; see `GpujsBackend.stats`. */
export interface GpujsStats extends RunnerStats {
  /** Storage handles allocated and not yet freed by the tensor core. */
  liveHandles: number;
  /** The most handles alive at once so far. */
  peakLiveHandles: number;
}

/**
 * The counters one backend instance keeps: the kernel cache and the runner add to the
 * {@link RunnerStats} fields, the backend counts the handles it gives the tensor core.
 */
export class Counters implements RunnerStats {
  kernels = 0;
  compiles = 0;
  dispatches = 0;
  uploads = 0;
  reads = 0;
  deviceArrays = 0;
  private live = 0;
  private peakLive = 0;

  /** A handle handed to the tensor core (it will `free` it once). */
  handOut<H>(h: H): H {
    this.live++;
    if (this.live > this.peakLive) this.peakLive = this.live;
    return h;
  }

  /** A handle the tensor core freed. */
  takeBack(): void {
    this.live--;
  }

  /** A snapshot: compare two to count what a piece of work cost. */
  snapshot(): GpujsStats {
    return {
      kernels: this.kernels,
      compiles: this.compiles,
      dispatches: this.dispatches,
      uploads: this.uploads,
      reads: this.reads,
      deviceArrays: this.deviceArrays,
      liveHandles: this.live,
      peakLiveHandles: this.peakLive,
    };
  }
}
