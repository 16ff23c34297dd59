import { cpuBackend, Generator, matmul, randn } from '@dendrite/tensor';
import { afterAll, describe, expect, it } from 'vitest';
import { wasmBackend } from './backend.js';
import { disableThreads, enableThreads, threadCount } from './threads.js';

describe('worker threads for the matrix product', () => {
  afterAll(() => disableThreads());

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

  it('stops them again; products keep working on one thread', async () => {
    await disableThreads();
    expect(threadCount()).toBe(0);
    const x = randn([64, 64], { backend: wasmBackend, generator: new Generator(1) });
    expect(matmul(x, x).shape).toEqual([64, 64]);
  });
});
