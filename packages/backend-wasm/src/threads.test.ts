import { BackendError, cpuBackend, Generator, matmul, randn } from '@dendrite/tensor';
import { afterAll, describe, expect, it } from 'vitest';
import { wasmBackend } from './backend.js';
import { type Kernels, kernels } from './runtime.js';
import {
  delayWorkersForTests,
  disableThreads,
  elementwiseParallel,
  enableThreads,
  jobStats,
  threadCount,
} from './threads.js';

describe('worker threads for the matrix product', () => {
  afterAll(() => disableThreads());

  it('starting workers leaves tensors already in linear memory intact', async () => {
    // Each worker instantiates the module, which rewrites the module's static data: the
    // allocator must never have placed a tensor there.
    const first = Array.from({ length: 64 }, (_, i) =>
      randn([64], { generator: new Generator(i), backend: wasmBackend }),
    );
    const before = first.map((t) => Array.from(t.dataSync()));
    await enableThreads(2);
    first.forEach((t, i) => expect(Array.from(t.dataSync())).toEqual(before[i]));
    await disableThreads();
  });

  it('starts workers and gives exactly the single-threaded result', async () => {
    const g = new Generator(9);
    const a = randn([2, 3, 70, 96], { generator: g, backend: wasmBackend });
    const b = randn([96, 130], { generator: g, backend: wasmBackend });
    const w = randn([130, 96], { generator: g, backend: wasmBackend });
    const single = [matmul(a, b).dataSync(), matmul(a, w.mT).dataSync()];
    expect(threadCount()).toBe(0);
    expect(await enableThreads(2)).toBe(2);
    expect(threadCount()).toBe(2);
    const threaded = [matmul(a, b).dataSync(), matmul(a, w.mT).dataSync()];
    expect(Array.from(threaded[0])).toEqual(Array.from(single[0]));
    expect(Array.from(threaded[1])).toEqual(Array.from(single[1]));
    // and it still agrees with the TypeScript reference
    const ref = matmul(a.to(cpuBackend), b.to(cpuBackend)).dataSync();
    let worst = 0;
    for (let i = 0; i < ref.length; i++)
      worst = Math.max(worst, Math.abs(ref[i] - threaded[0][i]) / (1 + Math.abs(ref[i])));
    expect(worst).toBeLessThan(1e-5);
  });

  it('splits a batch of small products (attention heads) over the threads, with strided operands', async () => {
    await enableThreads(2);
    const g = new Generator(4);
    const q = randn([6, 64, 4, 32], { generator: g, backend: wasmBackend }).transpose(1, 2); // [6, 4, 64, 32]
    const kT = randn([6, 64, 4, 32], { generator: g, backend: wasmBackend }).permute(0, 2, 3, 1); // [6, 4, 32, 64]
    const att = randn([6, 4, 64, 64], { generator: g, backend: wasmBackend });
    const products = () => [
      matmul(q, kT).dataSync(), // Bᵀ read through strides
      matmul(att.mT, q).dataSync(), // Aᵀ read in place through its strides
      matmul(att, q).dataSync(),
    ];
    const threaded = products();
    await disableThreads();
    const single = products();
    const cpu = [
      matmul(q.to(cpuBackend), kT.to(cpuBackend)),
      matmul(att.to(cpuBackend).mT, q.to(cpuBackend)),
    ];
    for (let i = 0; i < 3; i++) expect(Array.from(threaded[i])).toEqual(Array.from(single[i]));
    for (let i = 0; i < 2; i++) {
      const ref = cpu[i].dataSync();
      let worst = 0;
      for (let j = 0; j < ref.length; j++)
        worst = Math.max(worst, Math.abs(ref[j] - threaded[i][j]) / (1 + Math.abs(ref[j])));
      expect(worst).toBeLessThan(1e-5);
    }
  });

  it('splits element-wise kernels (GELU and its gradient, exp) over the threads, bit for bit', async () => {
    const g = new Generator(6);
    const x = randn([40_001], { generator: g, backend: wasmBackend }); // not a multiple of 4
    const dy = randn([40_001], { generator: g, backend: wasmBackend });
    const geluGrad = wasmBackend.geluBackward as NonNullable<typeof wasmBackend.geluBackward>;
    const view = (t: typeof x) => t.backendView('test');
    const run = () => [
      x.gelu().dataSync(),
      x.gelu({ approximate: 'tanh' }).dataSync(),
      x.exp().dataSync(),
      (geluGrad(view(x), view(dy), 'none') as { data: Float32Array }).data.slice(),
      (geluGrad(view(x), view(dy), 'tanh') as { data: Float32Array }).data.slice(),
    ];
    await enableThreads(2);
    const threaded = run();
    await disableThreads();
    const single = run();
    const cpu = x.to(cpuBackend).gelu().dataSync();
    for (let i = 0; i < single.length; i++) expect(Array.from(threaded[i])).toEqual(Array.from(single[i]));
    let worst = 0;
    for (let i = 0; i < cpu.length; i++) worst = Math.max(worst, Math.abs(cpu[i] - threaded[0][i]));
    expect(worst).toBeLessThan(1e-5);
  });

  it('splits every row and element-wise kernel and the packing of B over the threads, bit for bit', async () => {
    const g = new Generator(21);
    const r = (shape: number[]) => randn(shape, { generator: g, backend: wasmBackend });
    const x = r([8, 4, 48, 48]); // causal rows in blocks of 48 queries: chunks must not cut a block
    const y = r([8, 4, 48, 48]);
    const h = r([300, 130]);
    const w = r([130]);
    const b = r([130]);
    const wide = r([130, 1029]); // B of a product: many chunks of 8-column panels, the last one partial
    const wideT = r([1029, 130]); // … and a transposed B (x·Wᵀ)
    const view = (t: typeof x) => t.backendView('test');
    const bytes = (t: { dataSync(): ArrayLike<number> }) =>
      Buffer.from(Float32Array.from(t.dataSync()).buffer);
    const handle = (hd: unknown) =>
      Buffer.from(Float32Array.from((hd as { data: Float32Array }).data).buffer);
    const be = wasmBackend as Required<typeof wasmBackend>;
    const adam = () =>
      be
        .adamUpdate(view(h), view(h.mul(0.1)), view(h.mul(0.01)), view(h.mul(h)), null, {
          lr: 1e-3,
          beta1: 0.9,
          beta2: 0.99,
          eps: 1e-8,
          weightDecay: 0.1,
          step: 3,
          decoupled: true,
          maximize: false,
          amsgrad: false,
        })
        .filter((o) => o !== null)
        .map(handle);
    const h2 = h.mul(2);
    const h3 = h.add(3);
    const ops: [string, () => Buffer[]][] = [
      ['causalSoftmax', () => [bytes(x.causalSoftmax(0.125))]],
      ['softmax', () => [bytes(x.softmax(-1))]],
      ['logSoftmax', () => [bytes(x.logSoftmax(-1))]],
      ['softmaxBackward', () => [handle(be.softmaxBackward(view(y), view(x), 3, false))]],
      ['layerNorm', () => [bytes(h.layerNorm([130], w, b))]],
      ['add', () => [bytes(h.add(h))]],
      ['sub', () => [bytes(h.sub(h2))]],
      ['mul', () => [bytes(h.mul(h))]],
      ['div', () => [bytes(h.div(h3))]],
      ['add scalar', () => [bytes(h.add(0.5))]],
      ['mul scalar', () => [bytes(h.mul(0.5))]],
      ['mul row', () => [bytes(h.mul(w))]],
      ['add row', () => [bytes(h.add(b))]],
      ['matmul (B packed by panels)', () => [bytes(matmul(h, wide))]],
      ['matmul (Bᵀ packed by panels)', () => [bytes(matmul(h, wideT.mT))]],
      ['adamUpdate', adam],
      ['sum of rows', () => [bytes(wide.sum(1))]],
      [
        'layerNormBackward (dx by rows, dw and db by columns)',
        () =>
          be
            .layerNormBackward(view(h), view(w), view(h2), 1e-5, true)
            .filter((o) => o !== null)
            .map(handle),
      ],
    ];
    await disableThreads();
    const single = ops.map(([, op]) => op());
    await enableThreads(2);
    ops.forEach(([name, op], i) => {
      const before = jobStats.jobs;
      const threaded = op();
      expect([name, jobStats.jobs > before]).toEqual([name, true]); // it was split
      threaded.forEach((t, j) => expect([name, j, t.equals(single[i][j])]).toEqual([name, j, true]));
    });
    await disableThreads();
  });

  it('reports a kernel that fails in a worker, turns threads off, and starts again cleanly', async () => {
    await enableThreads(2);
    const k = kernels() as Kernels;
    const beyond = k.memory.buffer.byteLength + (1 << 20); // every thread's chunk is out of bounds
    expect(() => elementwiseParallel(k, 'expF32', [beyond, beyond], 1 << 16)).toThrow(
      /a kernel failed in a worker thread/,
    );
    expect(threadCount()).toBe(0);
    expect(await enableThreads(2)).toBe(2);
    const x = randn([300, 300], { backend: wasmBackend, generator: new Generator(3) });
    const y = matmul(x, x).dataSync();
    const ref = matmul(x.to(cpuBackend), x.to(cpuBackend)).dataSync();
    expect(Math.max(...y.map((v, i) => Math.abs(v - ref[i]) / (1 + Math.abs(ref[i]))))).toBeLessThan(1e-4); // the suite's matmul tolerance
  });

  it('gives the single-threaded bits however the chunks fall, with workers that sleep, spin or wake late', async () => {
    // Chunks go to whichever thread claims them first, and the caller finishes a job alone when a
    // worker wakes too late to join it: repeat products, batches and GELUs, with workers that
    // sleep between jobs (spinMs 0), that spin, and that wait 50 ms before joining (so the caller
    // finishes most jobs alone and they join a later job, or skip a closed one).
    const g = new Generator(12);
    const a = randn([196, 72], { generator: g, backend: wasmBackend });
    const w = randn([136, 72], { generator: g, backend: wasmBackend });
    const q = randn([8, 4, 64, 32], { generator: g, backend: wasmBackend });
    const x = randn([50_003], { generator: g, backend: wasmBackend });
    const run = () =>
      [matmul(a, w.mT), matmul(q, q.mT), x.gelu()].map((t) =>
        Buffer.from(Float32Array.from(t.dataSync()).buffer),
      );
    await disableThreads();
    const single = run();
    for (const [spinMs, lateMs, rounds] of [
      [0, 0, 40],
      [2, 0, 40],
      [0, 50, 12],
    ]) {
      await enableThreads(2, { spinMs });
      delayWorkersForTests(lateMs);
      const missed = jobStats.missed;
      for (let i = 0; i < rounds; i++) {
        const threaded = run();
        // byte for byte (toEqual on arrays this long would dominate the test's time)
        for (let j = 0; j < single.length; j++) expect(threaded[j].equals(single[j])).toBe(true);
      }
      if (lateMs > 0) expect(jobStats.missed).toBeGreaterThan(missed);
      await disableThreads();
    }
  });

  it('rejects a spin time that is not a finite number ≥ 0, naming it', async () => {
    await expect(enableThreads(1, { spinMs: -1 })).rejects.toThrow(
      /options\.spinMs must be a finite number ≥ 0, got -1/,
    );
    await expect(enableThreads(1, { spinMs: Number.NaN })).rejects.toThrow(BackendError);
    expect(threadCount()).toBe(0);
  });

  it('stops them again; products keep working on one thread', async () => {
    await disableThreads();
    expect(threadCount()).toBe(0);
    const x = randn([64, 64], { backend: wasmBackend, generator: new Generator(1) });
    expect(matmul(x, x).shape).toEqual([64, 64]);
  });
});
