import type { GpujsMode, GpujsModeRequest } from './modes.js';

/** How out-of-range gather/scatter indices are caught (see the README, "Index errors"). */
export type IndexCheck = 'host' | 'always';

/** Options of `GpujsBackend` (through `gpujsBackend(options)`). */
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
