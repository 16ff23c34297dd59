// Bundled and run by gpt-shapes.bench.mjs (it reaches the thread pool's internals). The matrix
// products of the baby GPT's training step (M = batch·block = 768 rows, each Linear's forward
// x·Wᵀ and both backward products, dx = g·W and dW = gᵀ·x), square products N = 128…1024, and
// the worker pool's hand-off, on one thread and on all of them.
import { matmul, randn, setBackend, type Tensor } from '@dendrite/tensor';
import { wasmBackend } from '../src/backend.js';
import { enableRelaxedSimd, wasmFeatures } from '../src/runtime.js';
import { DEFAULT_SPIN_MS, disableThreads, enableThreads, handOff } from '../src/threads.js';

/**
 * The build the products run on: the relaxed-SIMD one (fused multiply-add) unless `baseline`, as
 * tiny-gpt runs (on Node 20 that takes enableRelaxedSimd(), before the kernels start). Returns it.
 */
export function chooseBuild(baseline: boolean): 'relaxed SIMD' | 'SIMD' {
  if (!baseline) enableRelaxedSimd();
  return wasmFeatures().relaxedSimd ? 'relaxed SIMD' : 'SIMD';
}

export interface Timing {
  /** Seconds per call: the median of the samples, and the fastest. */
  median: number;
  best: number;
}

/** Times `fn`: two warm-up calls, then samples for `minMs` (5 to 200 of them). */
function time(fn: () => void, minMs: number): Timing {
  fn();
  fn();
  const samples: number[] = [];
  const start = performance.now();
  while (samples.length < 5 || (performance.now() - start < minMs && samples.length < 200)) {
    const t0 = performance.now();
    fn();
    samples.push((performance.now() - t0) / 1000);
  }
  samples.sort((a, b) => a - b);
  return { median: samples[samples.length >> 1], best: samples[0] };
}

export interface Product {
  name: string;
  /** The product's [M, K]·[K, N]. */
  M: number;
  K: number;
  N: number;
  a: Tensor;
  b: Tensor;
}

/** Each Linear of the baby GPT (in → out) at M rows: x·Wᵀ, g·W and gᵀ·x. */
export function gptProducts(M: number, layers: [string, number, number][]): Product[] {
  setBackend(wasmBackend);
  const out: Product[] = [];
  for (const [name, fin, fout] of layers) {
    const x = randn([M, fin]);
    const w = randn([fout, fin]);
    const g = randn([M, fout]);
    out.push({ name: `${name} x·Wᵀ`, M, K: fin, N: fout, a: x, b: w.mT });
    out.push({ name: `${name} g·W`, M, K: fout, N: fin, a: g, b: w });
    out.push({ name: `${name} gᵀ·x`, M: fout, K: M, N: fin, a: g.mT, b: x });
  }
  return out;
}

export function squareProducts(sizes: number[]): Product[] {
  setBackend(wasmBackend);
  return sizes.map((n) => ({ name: `${n}³`, M: n, K: n, N: n, a: randn([n, n]), b: randn([n, n]) }));
}

/** GFLOPS of every product on one thread and on `threads` + 1, the two runs interleaved per shape. */
export async function timeProducts(
  products: Product[],
  minMs: number,
): Promise<{ threads: number; rows: { p: Product; one: Timing; all: Timing }[] }> {
  const threads = await enableThreads();
  const rows = [];
  for (const p of products) {
    await disableThreads();
    const one = time(() => matmul(p.a, p.b).dispose(), minMs);
    await enableThreads();
    const all = time(() => matmul(p.a, p.b).dispose(), minMs);
    rows.push({ p, one, all });
  }
  return { threads, rows };
}

/**
 * The pool's round trip with nothing to compute, in seconds (median and fastest of `n`), with
 * workers that spin for `spinMs` before they sleep (0: every job wakes a sleeping worker).
 */
export async function timeHandOff(n: number, spinMs = DEFAULT_SPIN_MS): Promise<Timing | null> {
  if ((await enableThreads(undefined, { spinMs })) === 0) return null;
  const t = time(() => {
    handOff();
  }, n);
  await enableThreads(undefined, { spinMs: DEFAULT_SPIN_MS });
  return t;
}
