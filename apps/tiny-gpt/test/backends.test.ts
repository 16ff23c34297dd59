import { disableThreads, wasmBackend, wasmFeatures } from '@dendrite/backend-wasm';
import { cpuBackend } from '@dendrite/tensor';
import { afterAll, describe, expect, it } from 'vitest';
import { backendLabel, resolveBackend } from '../src/backends.js';

describe('--backend wasm', () => {
  afterAll(() => disableThreads());

  it('runs the relaxed-SIMD kernels (turned on before they start, on Node 20 too) with worker threads', async () => {
    const backend = await resolveBackend('wasm');
    expect(backend).toBe(wasmBackend);
    expect(wasmFeatures()).toEqual({ sharedMemory: true, relaxedSimd: true });
    expect(backendLabel(backend)).toMatch(/^wasm \(relaxed SIMD, (\d+ worker threads?|no worker threads)\)$/);
    expect(await resolveBackend('auto')).toBe(wasmBackend);
  });

  it('labels other backends by name', () => {
    expect(backendLabel(cpuBackend)).toBe('cpu');
  });
});
