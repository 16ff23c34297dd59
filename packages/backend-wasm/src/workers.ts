/**
 * Kernel workers on both platforms: Node's `worker_threads` and the browser's Web Workers, each
 * running the same plain-JavaScript loop (no imports, so it can be eval'd or loaded from a Blob):
 * instantiate the kernel module on the shared linear memory, report ready, then wait on the
 * control block for jobs (see threads.ts for its layout).
 *
 * How a worker is started differs per platform and lives in two modules that the package's
 * `imports` map picks by condition: `#workers` is workers.node.ts under the `node` condition (Node,
 * and bundlers building for it) and workers.browser.ts elsewhere. So a browser bundle never sees
 * `node:worker_threads` (no warnings, no shims), and Node never sees Blob URLs.
 */
import { platform } from '#workers';

/** What a worker is started with. */
export interface WorkerInit {
  bytes: Uint8Array<ArrayBuffer>;
  memory: WebAssembly.Memory;
  control: SharedArrayBuffer;
  /** The argument template of kind-3 jobs (Float64: value, growth per unit, is-count). */
  args: SharedArrayBuffer;
  id: number;
  /** Int32 index of the first job slot, and the slot size. */
  slots: number;
  slot: number;
  /** Exports a job of kind 3 may name by index (pointer and count arguments only). */
  table: readonly string[];
}

/** A started worker. */
export interface KernelWorker {
  /** Settles once the worker instantiated the module (rejects if it failed to). */
  readonly ready: Promise<void>;
  /** Calls `onDead(reason)` if the worker fails or exits later. */
  watch(onDead: (reason: string) => void): void;
  /** Lets the process exit while the worker waits (Node; a no-op in browsers). */
  unref(): void;
  terminate(): Promise<unknown>;
}

/**
 * What each platform's module provides (`#workers`: workers.node.ts or workers.browser.ts).
 * `loop` is {@link LOOP}'s source: it defines `serve(init, ready)`.
 */
export interface WorkerPlatform {
  readonly name: 'node' | 'browser';
  /** The number of logical cores (Node: `availableParallelism`; browsers: `hardwareConcurrency`). */
  coreCount(): number;
  /** Starts `count` workers running `loop`, worker `id` given `{ ...init, id }`. */
  spawn(count: number, init: Omit<WorkerInit, 'id'>, loop: string): KernelWorker[];
  /**
   * Turns on the engine's relaxed SIMD where a flag gates it (Node 20–21: V8's
   * `--experimental-wasm-relaxed-simd`, process-wide); false where nothing can be done (browsers).
   */
  unflagRelaxedSimd(): boolean;
}

/** The worker's loop, given `init` (a WorkerInit) and `ready()`. */
const LOOP = `
function serve(init, ready) {
  const { bytes, memory, control, args, id, slots, slot, table } = init;
  const t = new Float64Array(args);
  const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), {
    env: { memory, abort() { throw new Error('backend-wasm worker: a kernel aborted'); } },
  });
  const { gemmPacked, gemmBatch } = instance.exports;
  const fns = table.map((name) => instance.exports[name]);
  const c = new Int32Array(control);
  const j = slots + id * slot;
  ready();
  let seen = 0;
  for (;;) {
    // Spin on the generation, then sleep: a thread woken from Atomics.wait can take a
    // millisecond to run again (a virtual CPU the host descheduled), longer than most jobs.
    // Each op of the backend bumps [8]: spin until [5] µs pass without one, so the workers stay
    // awake while the backend is busy (a training step) and sleep soon after it goes idle.
    let gen = Atomics.load(c, 0);
    if (gen === seen && c[5] > 0) {
      let beat = Atomics.load(c, 8);
      let until = performance.now() + c[5] / 1000;
      while ((gen = Atomics.load(c, 0)) === seen) {
        const now = performance.now();
        const ops = Atomics.load(c, 8);
        if (ops !== beat) {
          beat = ops;
          until = now + c[5] / 1000;
        } else if (now >= until) break;
      }
    }
    if (gen === seen) {
      Atomics.wait(c, 0, seen);
      gen = Atomics.load(c, 0);
    }
    seen = gen;
    if (Atomics.load(c, 1) === 1) break;
    if (c[7] > 0) Atomics.wait(c, 7, c[7], c[7] / 1000); // tests: join [7] µs late
    // Join the job, unless the caller already finished it alone and closed it ([6]'s top bit).
    if (Atomics.add(c, 6, 1) & 0x40000000) continue;
    try {
      // Claim chunks [from, from + chunk) of [0, total) until none is left.
      const kind = c[j], total = c[j + 1], chunk = c[j + 2];
      for (let from = Atomics.add(c, 4, chunk); kind !== 0 && from < total; from = Atomics.add(c, 4, chunk)) {
        const n = Math.min(chunk, total - from);
        if (kind === 1) gemmPacked(c[j + 3] + from * c[j + 4] * 4, c[j + 4], c[j + 5], c[j + 6], c[j + 7] + from * c[j + 8] * 4, n, c[j + 8], c[j + 9], c[j + 10]);
        else if (kind === 2) gemmBatch(c[j + 3], from, from + n, c[j + 4], c[j + 5], c[j + 6], c[j + 7], c[j + 8], c[j + 9], c[j + 10], c[j + 11]);
        else if (kind === 3) {
          const a = [];
          for (let i = 0; i < c[j + 4]; i++) a.push(t[3 * i + 2] ? n : t[3 * i] + from * t[3 * i + 1]);
          fns[c[j + 3]](...a);
        }
      }
    } catch {
      Atomics.store(c, 3, 1); // the caller is blocked and cannot see an error event: flag it
    }
    Atomics.add(c, 2, 1);
    Atomics.notify(c, 2);
  }
}
`;

/** Whether this is Node (worker_threads) rather than a browser (Web Workers). */
export function isNode(): boolean {
  return platform.name === 'node';
}

/**
 * Whether this thread may block on `Atomics.wait` (every Node thread, a browser's workers; not a
 * browser's main thread) — the product waits for its workers that way, so ops stay synchronous.
 */
export function canBlock(): boolean {
  if (typeof SharedArrayBuffer === 'undefined') return false;
  try {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0);
    return true;
  } catch {
    return false;
  }
}

/** The number of logical cores (Node: `availableParallelism`; browsers: `hardwareConcurrency`). */
/** See {@link WorkerPlatform.unflagRelaxedSimd}. */
export function unflagRelaxedSimd(): boolean {
  return platform.unflagRelaxedSimd();
}

export async function coreCount(): Promise<number> {
  return platform.coreCount();
}

/** Starts `count` kernel workers (Node worker threads or Web Workers). */
export async function spawnWorkers(count: number, init: Omit<WorkerInit, 'id'>): Promise<KernelWorker[]> {
  return platform.spawn(count, init, LOOP);
}
