import { KERNELS_SHARED_WASM_BASE64, KERNELS_WASM_BASE64 } from './kernels.generated.js';

/** The exported functions of the compiled kernels (see assembly/gemm.ts). */
export interface KernelExports {
  packB(b: number, rowStride: number, colStride: number, k: number, n: number, out: number): void;
  gemmPacked(a: number, lda: number, packed: number, c: number, m: number, n: number, k: number): void;
}

/** An instantiated kernel module and the linear memory it works in. */
export interface Kernels {
  readonly exports: KernelExports;
  readonly memory: WebAssembly.Memory;
  /** Whether the memory is shared (worker threads can run kernels on it). */
  readonly shared: boolean;
  /** The module's bytes (workers instantiate the same module on the same memory). */
  readonly bytes: Uint8Array<ArrayBuffer>;
  /** Makes sure at least `bytes` of memory exist; returns a fresh Float32Array view of all of it. */
  reserve(bytes: number): Float32Array;
}

const PAGE = 65536;
/** Pages a shared memory may grow to (1 GiB); a shared memory needs a declared maximum. */
export const MAX_PAGES = 16384;

export function decodeBase64(b64: string): Uint8Array<ArrayBuffer> {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

function instantiate(shared: boolean): Kernels {
  const bytes = decodeBase64(shared ? KERNELS_SHARED_WASM_BASE64 : KERNELS_WASM_BASE64);
  const memory = new WebAssembly.Memory({ initial: 16, maximum: MAX_PAGES, shared });
  const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), {
    env: {
      memory,
      abort() {
        throw new Error('backend-wasm: a kernel aborted');
      },
    },
  });
  let view = new Float32Array(memory.buffer);
  return {
    exports: instance.exports as unknown as KernelExports,
    memory,
    shared,
    bytes,
    reserve(size: number): Float32Array {
      const have = memory.buffer.byteLength;
      if (size > have) memory.grow(Math.ceil((size - have) / PAGE));
      if (view.buffer !== memory.buffer || view.length * 4 !== memory.buffer.byteLength) {
        view = new Float32Array(memory.buffer);
      }
      return view;
    },
  };
}

let cached: Kernels | null | undefined;
let failure: string | null = null;

/**
 * The kernels, instantiated on first use (synchronously: the module is about 2 KB, under the
 * browsers' limit for main-thread compilation). Null where WebAssembly SIMD is unavailable.
 */
export function kernels(): Kernels | null {
  if (cached !== undefined) return cached;
  try {
    cached = instantiate(false);
  } catch (err) {
    failure = (err as Error).message;
    cached = null;
  }
  return cached;
}

/**
 * Switches to the shared-memory build of the kernels (for worker threads). The memory only holds
 * scratch operands between calls, so nothing is lost. Returns null where shared memory is unavailable.
 */
export function sharedKernels(): Kernels | null {
  if (cached?.shared) return cached;
  if (kernels() === null) return null;
  try {
    cached = instantiate(true);
    return cached;
  } catch {
    return null;
  }
}

/** Back to the plain build (after worker threads are stopped). */
export function plainKernels(): void {
  if (cached?.shared) cached = instantiate(false);
}

/** Whether this JavaScript engine runs the SIMD kernels (and if not, why). */
export function wasmSupport(): { supported: boolean; reason: string | null } {
  const k = kernels();
  return { supported: k !== null, reason: k ? null : failure };
}
