import {
  KERNELS_RELAXED_WASM_BASE64,
  KERNELS_SHARED_RELAXED_WASM_BASE64,
  KERNELS_SHARED_WASM_BASE64,
  KERNELS_WASM_BASE64,
} from '../generated/kernels.js';
import { LinearHeap } from './heap.js';
import type { SimdKernelExports } from './simd-exports.js';
import { unflagRelaxedSimd } from './workers.js';

/** The exported functions of the compiled kernels (see assembly/). */
export interface KernelExports extends SimdKernelExports {
  packB(b: number, rowStride: number, colStride: number, k: number, n: number, out: number): void;
  /** Panels [from, from + count) of what packB writes. */
  packBPanels(
    b: number,
    rowStride: number,
    colStride: number,
    k: number,
    n: number,
    out: number,
    from: number,
    count: number,
  ): void;
  gemmPacked(
    a: number,
    rowStride: number,
    colStride: number,
    packed: number,
    c: number,
    m: number,
    n: number,
    k: number,
    /** K·16 bytes for a packed block of 4 rows of A. */
    scratch: number,
  ): void;
  /** First byte after the module's static data (which every instantiation rewrites). */
  heapBase(): number;
  gemmBatch(
    table: number,
    from: number,
    to: number,
    ars: number,
    acs: number,
    brs: number,
    bcs: number,
    m: number,
    n: number,
    k: number,
    scratch: number,
  ): void;
  copyStrided(
    src: number,
    rs: number,
    cs: number,
    rows: number,
    cols: number,
    dst: number,
    dstRowStride: number,
  ): void;
}

/** The instantiated kernel module, the linear memory it works in, and that memory's allocator. */
export interface Kernels {
  readonly exports: KernelExports;
  readonly memory: WebAssembly.Memory;
  /**
   * Whether the memory is shared: worker threads can run kernels on it, and it can grow without
   * detaching the typed arrays that view it (a plain memory cannot, so it never grows).
   */
  readonly shared: boolean;
  /** Whether this is the relaxed-SIMD build (fused multiply-add in the matrix product). */
  readonly relaxed: boolean;
  /** The module's bytes (workers instantiate the same module on the same memory). */
  readonly bytes: Uint8Array<ArrayBuffer>;
  readonly heap: LinearHeap;
}

const PAGE = 65536;
/** Pages a shared memory may grow to (1 GiB, the maximum the shared build declares). */
export const MAX_PAGES = 16384;
/** Size of a plain (unshared) memory: fixed, because growing would detach every tensor's view. */
export const PLAIN_PAGES = 2048;

export function decodeBase64(b64: string): Uint8Array<ArrayBuffer> {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/**
 * The module to run: the relaxed-SIMD build where the engine validates it (Chrome 114+, Node 22+),
 * else the baseline SIMD build. Both compute the same products; the relaxed one rounds each
 * multiply-add once (results agree to float32 rounding, well inside the conformance tolerances).
 */
function moduleBytes(shared: boolean): { bytes: Uint8Array<ArrayBuffer>; relaxed: boolean } {
  const relaxed = decodeBase64(shared ? KERNELS_SHARED_RELAXED_WASM_BASE64 : KERNELS_RELAXED_WASM_BASE64);
  if (WebAssembly.validate(relaxed)) return { bytes: relaxed, relaxed: true };
  return { bytes: decodeBase64(shared ? KERNELS_SHARED_WASM_BASE64 : KERNELS_WASM_BASE64), relaxed: false };
}

function instantiate(shared: boolean): Kernels {
  const { bytes, relaxed } = moduleBytes(shared);
  const memory = shared
    ? new WebAssembly.Memory({ initial: 256, maximum: MAX_PAGES, shared: true })
    : new WebAssembly.Memory({ initial: PLAIN_PAGES, maximum: PLAIN_PAGES });
  const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), {
    env: {
      memory,
      abort() {
        throw new Error('backend-wasm: a kernel aborted');
      },
    },
  });
  const exports = instance.exports as unknown as KernelExports;
  const heap = new LinearHeap(
    // Above the module's static data (each worker's instantiation rewrites it), and never at
    // address 0: a zero pointer means "absent" to the kernels.
    Math.max(64, exports.heapBase()),
    () => memory.buffer.byteLength,
    (need) => {
      if (!shared) return false;
      const have = memory.buffer.byteLength;
      // Grow by at least half again, so a growing model does not grow the memory op by op.
      const want = Math.max(need - have, have >> 1);
      const pages = Math.min(Math.ceil(want / PAGE), MAX_PAGES - have / PAGE);
      if (have + pages * PAGE < need) return false;
      try {
        memory.grow(pages);
        return true;
      } catch {
        return false;
      }
    },
  );
  return { exports, memory, shared, relaxed, bytes, heap };
}

let cached: Kernels | null | undefined;
let failure: string | null = null;

/**
 * Lets the backend run its relaxed-SIMD build — the matrix product with one fused multiply-add
 * where the baseline build has a multiply and an add: 20–35% faster products, a baby GPT's
 * training step about 15% faster — on an engine that has relaxed SIMD behind a flag: Node 20 and
 * 21, where this sets V8's `--experimental-wasm-relaxed-simd` (process-wide; it only lets
 * WebAssembly modules compiled afterwards use the relaxed instructions). Node 22+ and Chrome 114+
 * run the relaxed build anyway; browsers cannot set the flag. Call it before the backend's first
 * op (and before {@link enableThreads}): kernels already running stay as they are. Returns
 * whether the kernels run the relaxed build — `wasmFeatures().relaxedSimd` once they start.
 *
 * Results agree with the baseline build to float32 rounding (each multiply-add rounds once), well
 * inside the conformance tolerances; threads stay bit-identical to one thread. Opt-in because it
 * changes an engine flag of the whole process: an application decides that, not a library
 * (`tiny-gpt` does it for `--backend wasm`).
 *
 * @example
 * import { enableRelaxedSimd, wasmBackend } from '@dendrite/backend-wasm';
 * enableRelaxedSimd(); // first, on Node 20
 */
export function enableRelaxedSimd(): boolean {
  if (cached !== undefined) return cached?.relaxed ?? false;
  const probe = decodeBase64(KERNELS_RELAXED_WASM_BASE64);
  if (WebAssembly.validate(probe)) return true;
  return unflagRelaxedSimd() && WebAssembly.validate(probe);
}

/**
 * The kernels, instantiated on first use (synchronously: the module is a few KB, under the
 * browsers' limit for main-thread compilation) on a shared memory where the engine allows one
 * (Node; browsers on cross-origin-isolated pages), else on a fixed-size plain memory. Null where
 * WebAssembly SIMD is unavailable.
 */
export function kernels(): Kernels | null {
  if (cached !== undefined) return cached;
  const canShare = typeof SharedArrayBuffer !== 'undefined';
  try {
    cached = instantiate(canShare);
  } catch (err) {
    if (canShare) {
      try {
        cached = instantiate(false);
        return cached;
      } catch {
        // report the first failure below
      }
    }
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

/**
 * What the kernels run with here: a shared linear memory (growable without detaching views, and
 * what worker threads need) and relaxed SIMD (fused multiply-add in the matrix product). Both
 * false where WebAssembly SIMD is unavailable.
 */
export function wasmFeatures(): { sharedMemory: boolean; relaxedSimd: boolean } {
  const k = kernels();
  return { sharedMemory: k?.shared ?? false, relaxedSimd: k?.relaxed ?? false };
}

/**
 * The backend's linear memory now (like `tf.memory()`): bytes held by tensors and scratch (live
 * tensors, and dropped ones until the sweep moves them out: reclaim.ts), the allocator's
 * high-water mark, and the memory's size. All 0 where the kernels do not run.
 */
export function wasmMemory(): { bytesInUse: number; highWater: number; memoryBytes: number } {
  const k = kernels();
  if (!k) return { bytesInUse: 0, highWater: 0, memoryBytes: 0 };
  return {
    bytesInUse: k.heap.bytesInUse,
    highWater: k.heap.highWater,
    memoryBytes: k.memory.buffer.byteLength,
  };
}
