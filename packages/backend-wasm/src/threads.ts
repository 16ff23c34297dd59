import { BackendError } from '@dendrite/tensor';
import { type Kernels, kernels } from './runtime.js';

/**
 * Worker threads for the matrix product (Node). Each worker instantiates the same kernel module
 * on the same shared linear memory; a product is split by rows of C, the main thread computes
 * its share, then blocks (Atomics.wait) until the workers report done. Ops stay synchronous.
 *
 * Control block (Int32): [0] generation, [1] shutdown, [2] workers done, [8 + 8·id …] the job of
 * worker id: a, lda, packed B, c (byte offsets), rows, n, k.
 */
const WORKER_SOURCE = `
const { workerData, parentPort } = require('node:worker_threads');
const { bytes, memory, control, id } = workerData;
const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), {
  env: { memory, abort() { throw new Error('backend-wasm worker: a kernel aborted'); } },
});
const gemm = instance.exports.gemmPacked;
const ctrl = new Int32Array(control);
parentPort.postMessage('ready');
let seen = 0;
for (;;) {
  Atomics.wait(ctrl, 0, seen);
  seen = Atomics.load(ctrl, 0);
  if (Atomics.load(ctrl, 1) === 1) break;
  const j = 8 + id * 8;
  if (ctrl[j + 4] > 0) gemm(ctrl[j], ctrl[j + 1], ctrl[j + 2], ctrl[j + 3], ctrl[j + 4], ctrl[j + 5], ctrl[j + 6]);
  Atomics.add(ctrl, 2, 1);
  Atomics.notify(ctrl, 2);
}
`;

interface Pool {
  workers: { terminate(): Promise<number> }[];
  control: Int32Array;
  dead: string | null;
}

let pool: Pool | null = null;

/** Products with fewer multiply-adds than this stay on one thread (the hand-off costs ~0.1 ms). */
export const PARALLEL_MIN_MACS = 1 << 18;

/** Number of worker threads now running (0: single-threaded). */
export function threadCount(): number {
  return pool && !pool.dead ? pool.workers.length : 0;
}

/**
 * Starts `count` worker threads for the matrix products (default: one fewer than the cores, so
 * with the main thread every core works). Node only; elsewhere (browsers' main thread cannot
 * block) it returns 0 and products stay single-threaded. Workers do not keep the process alive.
 */
export async function enableThreads(count?: number): Promise<number> {
  if (pool && !pool.dead) return pool.workers.length;
  const isNode = typeof process !== 'undefined' && typeof process.versions?.node === 'string';
  if (!isNode || typeof SharedArrayBuffer === 'undefined') return 0;
  const os = await import('node:os');
  const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  const n = count ?? Math.max(0, cores - 1);
  if (!Number.isInteger(n) || n < 0)
    throw new BackendError(`enableThreads: count must be an integer ≥ 0, got ${count}`);
  if (n === 0) return 0;
  const k = kernels();
  if (!k?.shared) return 0;
  const { Worker } = await import('node:worker_threads');
  const control = new Int32Array(new SharedArrayBuffer(4 * (8 + 8 * n)));
  const next: Pool = { workers: [], control, dead: null };
  const ready: Promise<void>[] = [];
  for (let id = 0; id < n; id++) {
    const w = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { bytes: k.bytes, memory: k.memory, control: control.buffer, id },
    });
    ready.push(
      new Promise<void>((resolve, reject) => {
        w.once('message', () => resolve());
        w.once('error', reject);
      }),
    );
    w.on('error', (err: Error) => {
      next.dead = err.message;
    });
    w.on('exit', () => {
      next.dead ??= 'a worker exited';
    });
    next.workers.push(w);
  }
  await Promise.all(ready);
  // Only now: while starting, the workers are what keeps the process waiting for them.
  for (const w of next.workers as unknown as { unref(): void }[]) w.unref();
  pool = next;
  return n;
}

/** Stops the worker threads; products run on the main thread again. */
export async function disableThreads(): Promise<void> {
  const p = pool;
  if (!p) return;
  pool = null;
  Atomics.store(p.control, 1, 1);
  Atomics.add(p.control, 0, 1);
  Atomics.notify(p.control, 0);
  await Promise.all(p.workers.map((w) => w.terminate()));
}

/**
 * C[rows, N] = A · packed B, rows split between the main thread and the workers in multiples of
 * 4 (the kernel's tile height). Pointers are byte offsets in the shared memory.
 */
export function gemmParallel(
  k: Kernels,
  a: number,
  lda: number,
  p: number,
  c: number,
  M: number,
  N: number,
  K: number,
): boolean {
  const pl = pool;
  if (!pl || pl.dead || !k.shared || M * N * K < PARALLEL_MIN_MACS || M < 8) return false;
  const parts = pl.workers.length + 1;
  const per = Math.ceil(M / parts / 4) * 4;
  const ctrl = pl.control;
  Atomics.store(ctrl, 2, 0);
  for (let id = 0; id < pl.workers.length; id++) {
    const r0 = Math.min(M, per * (id + 1));
    const r1 = Math.min(M, r0 + per);
    const j = 8 + id * 8;
    ctrl[j] = a + r0 * lda * 4;
    ctrl[j + 1] = lda;
    ctrl[j + 2] = p;
    ctrl[j + 3] = c + r0 * N * 4;
    ctrl[j + 4] = r1 - r0;
    ctrl[j + 5] = N;
    ctrl[j + 6] = K;
  }
  Atomics.add(ctrl, 0, 1);
  Atomics.notify(ctrl, 0);
  k.exports.gemmPacked(a, lda, p, c, Math.min(per, M), N, K);
  for (;;) {
    const done = Atomics.load(ctrl, 2);
    if (done >= pl.workers.length) break;
    if (Atomics.wait(ctrl, 2, done, 5000) === 'timed-out' && pl.dead) {
      throw new BackendError(`backend-wasm: a worker thread failed (${pl.dead}); call disableThreads()`);
    }
  }
  return true;
}
