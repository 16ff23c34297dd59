import { BackendError } from '@dendrite/tensor';
import { type Kernels, kernels } from './runtime.js';
import { canBlock, coreCount, isNode, type KernelWorker, spawnWorkers } from './workers.js';

/**
 * Worker threads for the matrix product: Node's worker_threads, or Web Workers where the calling
 * thread may block (a browser's worker on a cross-origin-isolated page). Each worker instantiates
 * the same kernel module on the same shared linear memory. A job (the rows of a product, a batch of
 * small products, the elements of an element-wise kernel) is cut into chunks that every thread —
 * the calling one too — claims from a shared counter until none is left, so a worker that wakes
 * late or runs slower simply takes fewer; then the caller waits until every worker that joined
 * the job reports done, so ops stay synchronous. Which thread computes a chunk never changes its values: results are
 * bit-identical to one thread. Workers spin briefly on the control block before they sleep, since
 * a sleeping thread can take a millisecond to run again (measured: see README, *Threads*).
 *
 * Control block (Int32): [0] generation, [1] shutdown, [2] workers done, [3] a worker's kernel
 * threw (the blocked caller cannot receive an error event), [4] the next unclaimed unit of the
 * job, [5] how long a worker spins before it sleeps (µs), [6] the workers that joined the job
 * (the top bit set once the caller closed it: a worker that wakes after that skips the job, and
 * the caller waits only for those that joined), [7] a delay before workers join (µs; tests
 * only), [8] a count of the backend's ops (while it changes, spinning workers keep spinning),
 * [SLOTS + SLOT·id …] the job of worker id: kind (0 idle, 1 rows of one product, 2 products
 * of a batch, 3 units of a kernel from {@link PARALLEL_KERNELS} called as the shared argument
 * template says), the units in all, the units per chunk, then the kernel's arguments (byte offsets
 * and sizes; the thread's own scratch). The argument template (Float64, shared by the workers:
 * every integer and float argument exactly) holds, per argument of a kind-3 call, its value, what
 * it grows by per unit of the chunk's start (a pointer's bytes per unit), and whether it is the
 * chunk's unit count instead.
 */
const SLOTS = 12;
const SLOT = 16;
/** Control-block indices (see above). */
const NEXT = 4;
const SPIN = 5;
const JOINED = 6;
const DELAY = 7;
const OPS = 8;
/** Set in JOINED once the caller closed the job to late workers. */
const CLOSED = 0x40000000;

/**
 * Kernels that split over the threads by units (elements, rows, panels) through {@link splitCall}:
 * f(args…), some arguments pointers that advance with the unit, one the chunk's unit count.
 */
export const PARALLEL_KERNELS = [
  'geluF32',
  'geluTanhF32',
  'geluBackwardF32',
  'geluTanhBackwardF32',
  'expF32',
  'addF32',
  'subF32',
  'mulF32',
  'divF32',
  'addScalarF32',
  'mulScalarF32',
  'addRowF32',
  'mulRowF32',
  'softmaxRowsF32',
  'softmaxBackwardRowsF32',
  'layerNormF32',
  'layerNormBackwardF32',
  'layerNormGradSumsF32',
  'adamF32',
  'packBPanels',
  'sumRowsF32',
] as const;
export type ParallelKernel = (typeof PARALLEL_KERNELS)[number];

/** Element-wise kernels on fewer elements than this stay on one thread. */
export const PARALLEL_MIN_ELEMENTS = 1 << 15;

interface Pool {
  workers: KernelWorker[];
  control: Int32Array;
  /** The argument template of a kind-3 job: value, growth per unit, is-count, per argument. */
  args: Float64Array;
  dead: string | null;
}

/** Arguments a kind-3 job may have (adamF32 has 16). */
const MAX_ARGS = 20;

/** Options of {@link enableThreads}. */
export interface ThreadOptions {
  /**
   * Milliseconds a thread spins before it sleeps in `Atomics.wait`: a worker waiting for the
   * next job, counted from the backend's last op (so workers stay awake while the backend is
   * busy, as through a training loop, and sleep this long after it goes idle), and the calling
   * thread waiting for the workers to finish a job. Default 2; 0 sleeps at once. Waking a sleeping
   * thread costs from 0.1 ms to over a millisecond on a loaded or virtual machine, more than many
   * jobs take; the price of spinning is a busy core while the backend works.
   */
  spinMs?: number;
}

/** The default of {@link ThreadOptions.spinMs}. */
export const DEFAULT_SPIN_MS = 2;

/** Chunks a job is cut into per thread: a late or slowed thread leaves its share to the others. */
const CHUNKS_PER_THREAD = 8;

let pool: Pool | null = null;

/** Products with fewer multiply-adds than this stay on one thread (the hand-off costs ~0.1 ms). */
export const PARALLEL_MIN_MACS = 1 << 18;

/** Number of worker threads now running (0: single-threaded). */
export function threadCount(): number {
  return pool && !pool.dead ? pool.workers.length : 0;
}

/**
 * Starts `count` worker threads for the matrix products (default: one fewer than the cores, so
 * with the calling thread every core works) and returns how many run. Needs shared memory and a
 * thread that may block: Node, or a Web Worker on a cross-origin-isolated page. Elsewhere (a
 * browser's main thread, a page without COOP/COEP headers) it returns 0 and products stay
 * single-threaded; {@link threadSupport} says why. Workers do not keep a Node process alive.
 */
export async function enableThreads(count?: number, options: ThreadOptions = {}): Promise<number> {
  const spinMs = options.spinMs ?? DEFAULT_SPIN_MS;
  if (count !== undefined && (!Number.isInteger(count) || count < 0))
    throw new BackendError(`enableThreads: count must be an integer ≥ 0, got ${count}`);
  if (!Number.isFinite(spinMs) || spinMs < 0)
    throw new BackendError(`enableThreads: options.spinMs must be a finite number ≥ 0, got ${spinMs}`);
  if (pool && !pool.dead) {
    Atomics.store(pool.control, SPIN, Math.round(spinMs * 1000));
    return pool.workers.length;
  }
  if (pool) await disableThreads(); // a failed pool: stop its workers before starting new ones
  if (threadSupport().reason !== null) return 0;
  const n = count ?? Math.max(0, (await coreCount()) - 1);
  if (n === 0) return 0;
  const k = kernels() as Kernels;
  const control = new Int32Array(new SharedArrayBuffer(4 * (SLOTS + SLOT * n)));
  control[SPIN] = Math.round(spinMs * 1000);
  const args = new Float64Array(new SharedArrayBuffer(8 * 3 * MAX_ARGS));
  const workers = await spawnWorkers(n, {
    bytes: k.bytes,
    memory: k.memory,
    control: control.buffer as SharedArrayBuffer,
    args: args.buffer as SharedArrayBuffer,
    slots: SLOTS,
    slot: SLOT,
    table: PARALLEL_KERNELS,
  });
  const next: Pool = { workers, control, args, dead: null };
  try {
    await Promise.all(workers.map((w) => w.ready));
  } catch (err) {
    await Promise.all(workers.map((w) => w.terminate()));
    throw new BackendError(`enableThreads: a worker failed to start (${(err as Error).message})`);
  }
  for (const w of workers) {
    w.watch((reason) => {
      next.dead ??= reason;
    });
    // Only now: while starting, the workers are what keeps the process waiting for them.
    w.unref();
  }
  pool = next;
  return n;
}

/**
 * Whether {@link enableThreads} can start workers here, and if not, why (no SIMD kernels, no
 * shared memory — in browsers, a page that is not cross-origin isolated — or a thread that may
 * not block, like a browser's main thread).
 */
export function threadSupport(): { supported: boolean; reason: string | null } {
  const k = kernels();
  let reason: string | null = null;
  if (!k) reason = 'WebAssembly SIMD is unavailable';
  else if (!k.shared)
    reason = 'linear memory is not shared (no SharedArrayBuffer: serve the page with COOP/COEP headers)';
  else if (!canBlock())
    reason = 'this thread may not block (a browser main thread): run the model in a Web Worker';
  else if (!isNode() && typeof Worker === 'undefined') reason = 'this environment has no Worker';
  return { supported: reason === null, reason };
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
 * C[rows, N] = A · packed B, A read through element strides (ars, acs), its rows claimed by the
 * calling thread and the workers in chunks of a multiple of 4 (the kernel's tile height).
 * Pointers are byte offsets in the shared memory; `blocks` holds {@link blockScratchBytes}(K) for
 * every thread (the calling thread's first).
 */
export function gemmParallel(
  k: Kernels,
  a: number,
  ars: number,
  acs: number,
  p: number,
  c: number,
  M: number,
  N: number,
  K: number,
  blocks: number,
): boolean {
  const pl = pool;
  if (!pl || pl.dead || !k.shared || M * N * K < PARALLEL_MIN_MACS || M < 8) return false;
  const own = (id: number) => blocks + id * blockScratchBytes(K);
  share(
    pl,
    M,
    chunkSize(M, 4, pl, 4),
    (id) => [1, a, ars, acs, p, c, N, K, own(id + 1)],
    (r0, r1) => k.exports.gemmPacked(a + r0 * ars * 4, ars, acs, p, c + r0 * N * 4, r1 - r0, N, K, own(0)),
  );
  return true;
}

/**
 * Units per chunk of a job of `total` units: about {@link CHUNKS_PER_THREAD} chunks per thread, a
 * multiple of `align`, at least `least`.
 */
function chunkSize(total: number, align: number, pl: Pool, least: number): number {
  const per = Math.ceil(total / ((pl.workers.length + 1) * CHUNKS_PER_THREAD) / align) * align;
  return Math.max(per, Math.ceil(least / align) * align);
}

/**
 * Posts a job of `total` units in chunks of `chunk` — to worker id its kind and arguments,
 * `job(id)`, after which the workers add the units in all and per chunk — wakes the workers,
 * claims chunks on this thread too, running `mine(from, to)` on each, and waits for the workers.
 */
function share(
  pl: Pool,
  total: number,
  chunk: number,
  job: (id: number) => number[],
  mine: (from: number, to: number) => void,
): void {
  const ctrl = pl.control;
  Atomics.store(ctrl, NEXT, 0);
  for (let id = 0; id < pl.workers.length; id++) {
    const [kind, ...args] = job(id);
    ctrl.set([kind, total, chunk, ...args], SLOTS + id * SLOT);
  }
  run(pl, () => {
    for (let from = Atomics.add(ctrl, NEXT, chunk); from < total; from = Atomics.add(ctrl, NEXT, chunk))
      mine(from, Math.min(total, from + chunk));
  });
}

/**
 * Jobs handed to the pool since the process started, and worker places in them left empty (a
 * worker that woke after the calling thread had finished the job alone). For tests and benches.
 */
export const jobStats = { jobs: 0, missed: 0 };

/**
 * Called as each op of the backend starts: workers spinning for a job keep spinning while ops
 * keep coming (a training step hands out a parallel job every millisecond or so, with stretches
 * of several milliseconds between some), and sleep once the backend has been idle for spinMs.
 */
export function opStarted(): void {
  if (pool) pool.control[OPS]++;
}

/** Tests only: workers wait `ms` after each wake-up before they try to join the job. */
export function delayWorkersForTests(ms: number): void {
  if (pool) Atomics.store(pool.control, DELAY, Math.round(ms * 1000));
}

/**
 * Starts the posted job, runs the calling thread's share, closes the job to workers that have not
 * joined it yet (with `all`, or after a failure here, waits for every worker instead), and waits
 * for those that did.
 */
function run(pl: Pool, mine: () => void, all = false): void {
  const ctrl = pl.control;
  Atomics.store(ctrl, 2, 0);
  Atomics.store(ctrl, JOINED, 0);
  Atomics.add(ctrl, 0, 1);
  Atomics.notify(ctrl, 0);
  // The workers run on whatever happens here: wait for them before reporting a failure, or a
  // late worker would count toward the next job.
  let failure: unknown = null;
  try {
    mine();
  } catch (err) {
    failure = err;
  }
  // A worker still asleep has nothing left to claim: only those that joined are waited for.
  const joined =
    all || failure !== null ? pl.workers.length : Atomics.or(ctrl, JOINED, CLOSED) & (CLOSED - 1);
  jobStats.jobs++;
  jobStats.missed += pl.workers.length - joined;
  // They are finishing their last chunks: spin for them, then sleep.
  const until = performance.now() + ctrl[SPIN] / 1000;
  while (Atomics.load(ctrl, 2) < joined && performance.now() < until);
  for (;;) {
    const done = Atomics.load(ctrl, 2);
    if (done >= joined) break;
    if (Atomics.wait(ctrl, 2, done, 5000) === 'timed-out' && pl.dead) {
      throw new BackendError(`backend-wasm: a worker thread failed (${pl.dead}); call disableThreads()`);
    }
  }
  if (Atomics.exchange(ctrl, 3, 0) !== 0) {
    pl.dead = 'a kernel failed in a worker thread';
    throw new BackendError(
      'backend-wasm: a kernel failed in a worker thread; threads are off until enableThreads() is called again',
    );
  }
  if (failure !== null) throw failure;
}

/**
 * One hand-off with nothing to compute: every worker is posted an empty job (kind 0), woken, and
 * waited for. What a parallel kernel pays on top of its work (bench/gpt-shapes.bench.mjs times
 * it). Returns false without workers.
 */
export function handOff(): boolean {
  const pl = pool;
  if (!pl || pl.dead) return false;
  for (let id = 0; id < pl.workers.length; id++) pl.control[SLOTS + id * SLOT] = 0;
  run(pl, () => {}, true);
  return true;
}

/** The scratch bytes one thread needs for a product: B[K, N] packed into 8-column panels, then a block of A. */
export function batchScratchBytes(N: number, K: number): number {
  return Math.ceil(N / 8) * 8 * K * 4 + blockScratchBytes(K);
}

/** The scratch bytes one thread's gemmPacked needs for a packed block of 4 rows of A. */
export function blockScratchBytes(K: number): number {
  return K * 16;
}

/**
 * Runs products [0, count) of a batch (see gemmBatch in assembly/gemm.ts) split into contiguous
 * ranges over the main thread and the workers; `scratch[t]` is thread t's scratch (main first).
 * Returns false (nothing done) when there are no workers or the batch is too small to share.
 */
export function gemmBatchParallel(
  k: Kernels,
  table: number,
  count: number,
  strides: readonly [number, number, number, number],
  M: number,
  N: number,
  K: number,
  scratch: readonly number[],
): boolean {
  const pl = pool;
  if (!pl || pl.dead || !k.shared || count < 2 || count * M * N * K < PARALLEL_MIN_MACS) return false;
  if (scratch.length < pl.workers.length + 1) return false;
  const [ars, acs, brs, bcs] = strides;
  share(
    pl,
    count,
    chunkSize(count, 1, pl, 1),
    (id) => [2, table, ars, acs, brs, bcs, M, N, K, scratch[id + 1]],
    (from, to) => k.exports.gemmBatch(table, from, to, ars, acs, brs, bcs, M, N, K, scratch[0]),
  );
  return true;
}

/** An argument of {@link splitCall}: a constant, a pointer that advances per unit, or the count. */
export type SplitArg = number | { at: number; perUnit: number } | 'count';

/**
 * Runs `name(args…)` over `total` units (elements, rows, panels — whatever the kernel's count
 * argument counts), split into chunks over the calling thread and the workers: chunk [from, to)
 * gets each pointer argument advanced by `from · perUnit` bytes and the count `to − from`.
 * Chunks start at multiples of `align` units (a causal softmax's rows: whole blocks of queries).
 * Each unit must be independent of the others, so the result is the one-thread result, bit for
 * bit. Chunks hold at least `minChunk` units (default a quarter of `least`). Without workers, or
 * below `least` units (the hand-off would cost more than it saves), it runs here in one call.
 */
export function splitCall(
  k: Kernels,
  name: ParallelKernel,
  total: number,
  args: readonly SplitArg[],
  {
    align = 1,
    least = PARALLEL_MIN_ELEMENTS,
    minChunk = Math.ceil(least / 4),
  }: { align?: number; least?: number; minChunk?: number } = {},
): void {
  const kernel = k.exports[name] as (...a: number[]) => void;
  const call = (from: number, to: number) =>
    kernel(
      ...args.map((a) => (typeof a === 'number' ? a : a === 'count' ? to - from : a.at + from * a.perUnit)),
    );
  const pl = pool;
  if (!pl || pl.dead || !k.shared || total < least || args.length > MAX_ARGS) {
    call(0, total);
    return;
  }
  const f = PARALLEL_KERNELS.indexOf(name);
  const t = pl.args;
  args.forEach((a, i) => {
    t[3 * i] = typeof a === 'number' ? a : a === 'count' ? 0 : a.at;
    t[3 * i + 1] = typeof a === 'object' ? a.perUnit : 0;
    t[3 * i + 2] = a === 'count' ? 1 : 0;
  });
  share(pl, total, chunkSize(total, align, pl, minChunk), () => [3, f, args.length], call);
}

/**
 * Runs the element-wise kernel `name` over `n` float32 elements — `pointers` are its arrays,
 * inputs first, output last — split over the threads when they are on (chunks of multiples of 4
 * elements), else here: {@link splitCall}.
 */
export function elementwiseParallel(
  k: Kernels,
  name: ParallelKernel,
  pointers: readonly number[],
  n: number,
): void {
  splitCall(k, name, n, [...pointers.map((at) => ({ at, perUnit: 4 })), 'count'], { align: 4 });
}
