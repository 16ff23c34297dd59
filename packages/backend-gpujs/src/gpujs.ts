/**
 * The slice of gpu.js 2.24 this backend uses, typed narrowly, and loaded lazily: importing
 * `@dendrite/backend-gpujs` costs nothing until a backend is created, and never touches a GPU.
 */

/** A compiled gpu.js kernel as `createKernel` returns it (the "run shortcut"). */
export interface GpuJsKernel {
  (...args: unknown[]): unknown;
  setOutput(output: number[]): unknown;
  /** The kernel that actually runs: replaced when gpu.js falls back (e.g. to its CPU kernel). */
  kernel: GpuJsInnerKernel;
  destroy(removeCanvasReferences?: boolean): void;
}

/** The backend-specific kernel behind a run shortcut. */
export interface GpuJsInnerKernel {
  constructor: { name: string };
  /** Why gpu.js degraded this kernel, when it did. */
  fallbackReason?: string | null;
  /** webasm only: compiled modules by size signature (an LRU of `moduleCacheLimit` entries). */
  _moduleCache?: Map<string, unknown>;
  moduleCacheLimit?: number;
}

/** A `GPU` instance. */
export interface GpuJsInstance {
  createKernel(source: string, settings: Record<string, unknown>): GpuJsKernel;
  destroy(): unknown;
}

/** The module's exports that this backend reads. */
export interface GpuJsModule {
  GPU: {
    new (settings: { mode: string }): GpuJsInstance;
    isWebGPUAvailable(): Promise<boolean>;
    readonly isWebGPUSupported: boolean;
    readonly isHeadlessGLSupported: boolean;
    readonly isWebGL2Supported: boolean;
    readonly isWebGLSupported: boolean;
    readonly isWebAssemblySupported: boolean;
  };
  /** Kernel classes, to tell which one gpu.js really runs (it can fall back silently). */
  [kernelClass: string]: unknown;
  WebGPUContext: { acquire(): Promise<{ adapter: GPUAdapterLike; device: unknown }> };
  /** gpu.js's webgpu pipeline result: the WGSL matmul wraps its output buffers in it. */
  WebGPUBufferResult: unknown;
}

/** What the backend reports about a WebGPU adapter. */
export interface GPUAdapterLike {
  readonly info?: { vendor?: string; architecture?: string; device?: string; description?: string };
}

let loading: Promise<GpuJsModule> | null = null;

/** Imports gpu.js once (a CommonJS package: its exports arrive as the default export under ESM). */
export function loadGpuJs(): Promise<GpuJsModule> {
  loading ??= import('gpu.js').then((m) => ((m as { default?: unknown }).default ?? m) as GpuJsModule);
  return loading;
}
