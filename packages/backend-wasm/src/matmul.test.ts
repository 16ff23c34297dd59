import { cpuBackend, Generator, matmul, randn, tensor } from '@dendrite/tensor';
import { describe, expect, it } from 'vitest';
import { wasmBackend } from './backend.js';
import { wasmSupport } from './runtime.js';

const g = new Generator(42);

/** Naive reference in float64 for [M,K]·[K,N]. */
function naive(a: number[][], b: number[][]): number[][] {
  return a.map((row) => b[0].map((_, j) => row.reduce((s, x, k) => s + x * b[k][j], 0)));
}

function maxRelErr(x: ArrayLike<number>, y: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i] - y[i]) / (1 + Math.abs(y[i])));
  return m;
}

describe('the SIMD matrix product', () => {
  it('runs here (WebAssembly SIMD is available in Node 20)', () => {
    expect(wasmSupport()).toEqual({ supported: true, reason: null });
  });

  const shapes: [number[], number[]][] = [
    [
      [64, 64],
      [64, 64],
    ],
    [
      [37, 53],
      [53, 29],
    ], // ragged tiles (rows not a multiple of 4, cols not of 8)
    [
      [1, 300],
      [300, 7],
    ],
    [
      [130, 5],
      [5, 70],
    ],
    [
      [2, 3, 33, 40],
      [40, 17],
    ], // a shared weight: folded into one product
    [
      [2, 3, 33, 40],
      [2, 3, 40, 17],
    ], // per-batch weights
    [
      [4, 1, 20, 24],
      [3, 24, 36],
    ], // broadcast batch dims
  ];
  for (const [sa, sb] of shapes) {
    it(`[${sa}]·[${sb}] matches the CPU reference`, () => {
      const a = randn(sa, { generator: g });
      const b = randn(sb, { generator: g });
      const want = matmul(a, b).dataSync();
      const got = matmul(a.to(wasmBackend), b.to(wasmBackend));
      expect(got.backend.name).toBe('wasm');
      expect(got.shape).toEqual(matmul(a, b).shape);
      expect(maxRelErr(got.dataSync(), want)).toBeLessThan(1e-5);
    });
  }

  it('handles transposed and strided operands (x·Wᵀ, Aᵀ·B, slices)', () => {
    const x = randn([48, 32], { generator: g, backend: wasmBackend });
    const w = randn([40, 32], { generator: g, backend: wasmBackend });
    // each compared with the CPU backend on copies of the same operands
    const xa = x.to(cpuBackend);
    const wa = w.to(cpuBackend);
    expect(maxRelErr(x.matmul(w.mT).dataSync(), xa.matmul(wa.mT).dataSync())).toBeLessThan(1e-5);
    const r = randn([48, 24], { generator: g });
    expect(maxRelErr(x.mT.matmul(r.to(wasmBackend)).dataSync(), xa.mT.matmul(r).dataSync())).toBeLessThan(
      1e-5,
    );
    const s = randn([16, 36], { generator: g });
    expect(
      maxRelErr(
        x.slice(1, 0, 32, 2).matmul(s.to(wasmBackend)).dataSync(),
        xa.slice(1, 0, 32, 2).matmul(s).dataSync(),
      ),
    ).toBeLessThan(1e-5);
    expect(
      maxRelErr(x.matmul(w.mT.slice(1, 1, 40, 3)).dataSync(), xa.matmul(wa.mT.slice(1, 1, 40, 3)).dataSync()),
    ).toBeLessThan(1e-5);
  });

  it('reads ragged transposed operands in place (Wᵀ packed 4 k at a time, then a tail; Aᵀ unstaged)', () => {
    // K = 31 (the transposed packing's 4-wide blocks leave 3), N = 29 (a 5-wide last panel), M = 37.
    for (const [m, k, n] of [
      [37, 31, 29],
      [9, 4, 8],
      [5, 1, 16],
      [130, 67, 65],
    ]) {
      const x = randn([m, k], { generator: g });
      const w = randn([n, k], { generator: g });
      const xt = randn([k, m], { generator: g });
      const [xw, ww, xtw] = [x, w, xt].map((t) => t.to(wasmBackend));
      expect(maxRelErr(xw.matmul(ww.mT).dataSync(), x.matmul(w.mT).dataSync())).toBeLessThan(1e-5);
      expect(maxRelErr(xtw.mT.matmul(ww.mT).dataSync(), xt.mT.matmul(w.mT).dataSync())).toBeLessThan(1e-5);
      // a transposed weight whose rows are a slice of a wider matrix (row stride ≠ K)
      const wide = randn([n, k + 6], { generator: g });
      const ws = wide.slice(1, 3, k + 3);
      expect(
        maxRelErr(
          xw.matmul(wide.to(wasmBackend).slice(1, 3, k + 3).mT).dataSync(),
          x.matmul(ws.mT).dataSync(),
        ),
      ).toBeLessThan(1e-5);
    }
  });

  it('equals a hand-computed product', () => {
    const a = tensor(
      [
        [1, 2, 3],
        [4, 5, 6],
      ],
      { backend: wasmBackend },
    );
    const b = tensor(
      [
        [7, 8],
        [9, 10],
        [11, 12],
      ],
      { backend: wasmBackend },
    );
    // below the size threshold the CPU kernel runs; a larger copy exercises the SIMD path
    expect(a.matmul(b).toArraySync()).toEqual(
      naive(
        [
          [1, 2, 3],
          [4, 5, 6],
        ],
        [
          [7, 8],
          [9, 10],
          [11, 12],
        ],
      ),
    );
    const big = randn([32, 32], { generator: g, backend: wasmBackend });
    const eye = tensor(
      Array.from({ length: 32 }, (_, i) => Array.from({ length: 32 }, (_, j) => (i === j ? 1 : 0))),
      {
        backend: wasmBackend,
      },
    );
    expect(Array.from(big.matmul(eye).dataSync())).toEqual(Array.from(big.dataSync()));
  });

  it('float64 products stay exact on the reference kernel', () => {
    const a = randn([20, 30], { generator: g, dtype: 'float64', backend: wasmBackend });
    const b = randn([30, 10], { generator: g, dtype: 'float64', backend: wasmBackend });
    const got = a.matmul(b).toArraySync();
    expect(got).toEqual(a.to(cpuBackend).matmul(b.to(cpuBackend)).toArraySync());
  });
});
