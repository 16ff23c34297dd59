import { KERNELS_WASM_BASE64 } from './kernels.generated.js';

/** The exported functions of the compiled kernels (see assembly/gemm.ts). */
export interface KernelExports {
  packB(b: number, rowStride: number, colStride: number, k: number, n: number, out: number): void;
  gemmPacked(a: number, lda: number, packed: number, c: number, m: number, n: number, k: number): void;
}

/** An instantiated kernel module and the linear memory it works in. */
export interface Kernels {
  readonly exports: KernelExports;
  readonly memory: WebAssembly.Memory;
  /** Makes sure at least `bytes` of memory exist; returns a fresh Float32Array view of all of it. */
  reserve(bytes: number): Float32Array;
}

const PAGE = 65536;

function decodeBase64(b64: string): Uint8Array<ArrayBuffer> {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
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
    const bytes = decodeBase64(KERNELS_WASM_BASE64);
    const memory = new WebAssembly.Memory({ initial: 16, maximum: 65536 });
    const module = new WebAssembly.Module(bytes);
    const instance = new WebAssembly.Instance(module, {
      env: {
        memory,
        abort() {
          throw new Error('backend-wasm: a kernel aborted');
        },
      },
    });
    let view = new Float32Array(memory.buffer);
    cached = {
      exports: instance.exports as unknown as KernelExports,
      memory,
      reserve(bytes: number): Float32Array {
        const have = memory.buffer.byteLength;
        if (bytes > have) memory.grow(Math.ceil((bytes - have) / PAGE));
        if (view.buffer !== memory.buffer) view = new Float32Array(memory.buffer);
        return view;
      },
    };
  } catch (err) {
    failure = (err as Error).message;
    cached = null;
  }
  return cached;
}

/** Whether this JavaScript engine runs the SIMD kernels (and if not, why). */
export function wasmSupport(): { supported: boolean; reason: string | null } {
  const k = kernels();
  return { supported: k !== null, reason: k ? null : failure };
}
