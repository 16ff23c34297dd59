/**
 * `@dendrite/backend-gpujs/node-webgpu`: WebGPU for Node through the npm `webgpu` package (Dawn).
 *
 * gpu.js looks for `navigator.gpu`, which Node does not have. {@link installNodeWebGPU} creates it
 * from `webgpu` — an optional peer dependency: install it yourself (`npm i webgpu`) when you want
 * WebGPU in Node; nothing else in Dendrite needs it. On Linux use a version whose binary loads
 * with your glibc (Debian 12: 0.3.3 or later; the 0.2.9 that gpu.js pins needs glibc 2.38).
 */

/** Options of {@link installNodeWebGPU}. */
export interface NodeWebGPUOptions {
  /**
   * Dawn toggles passed to `create()`, e.g. `['backend=vulkan']` or `['adapter=llvmpipe']`.
   * Default: none (Dawn picks).
   */
  flags?: readonly string[];
  /** Replace an existing `navigator.gpu` (default false: keep a browser's or an earlier install's). */
  force?: boolean;
}

/** What {@link installNodeWebGPU} did. */
export interface NodeWebGPUResult {
  /** Whether `navigator.gpu` was created now (false: it already existed). */
  readonly installed: boolean;
  /** Whether an adapter answers `requestAdapter()`: gpu.js's webgpu mode can run. */
  readonly adapter: boolean;
  /** The adapter's vendor, architecture and description, when there is one. */
  readonly description?: string;
}

interface WebGPUPackage {
  create(flags: string[]): { requestAdapter(): Promise<unknown> };
  globals: Record<string, unknown>;
}

/**
 * Installs `navigator.gpu` (and the WebGPU globals such as `GPUBufferUsage`) from the npm `webgpu`
 * package, then asks for an adapter. Throws an `Error` explaining how to install `webgpu` when it
 * is missing or its native binary does not load.
 *
 * @example
 * import { installNodeWebGPU } from '@dendrite/backend-gpujs/node-webgpu';
 * const { adapter } = await installNodeWebGPU();
 * setBackend(await gpujsBackend({ mode: adapter ? 'webgpu' : 'webasm' }));
 */
export async function installNodeWebGPU(options: NodeWebGPUOptions = {}): Promise<NodeWebGPUResult> {
  const g = globalThis as { navigator?: { gpu?: unknown } };
  let installed = false;
  if (options.force || !g.navigator?.gpu) {
    let pkg: WebGPUPackage;
    try {
      const specifier = 'webgpu';
      pkg = (await import(/* @vite-ignore */ specifier)) as WebGPUPackage;
    } catch (err) {
      throw new Error(
        `installNodeWebGPU: the optional package 'webgpu' (Dawn for Node) is not installed or its binary does not load here (${(err as Error).message}); install it with 'npm i webgpu'`,
      );
    }
    Object.assign(globalThis, pkg.globals);
    const gpu = pkg.create([...(options.flags ?? [])]);
    if (g.navigator) Object.defineProperty(g.navigator, 'gpu', { value: gpu, configurable: true });
    else
      Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
    installed = true;
  }
  const adapter = (await (g.navigator!.gpu as { requestAdapter(): Promise<unknown> }).requestAdapter()) as {
    info?: { vendor?: string; architecture?: string; description?: string };
  } | null;
  if (!adapter) return { installed, adapter: false };
  const info = adapter.info ?? {};
  const description = [info.vendor, info.architecture, info.description].filter(Boolean).join(' ');
  return { installed, adapter: true, ...(description ? { description } : {}) };
}
