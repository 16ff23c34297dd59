import { matmul, randn, setBackend } from '@dendrite/tensor';
import { expect, it } from 'vitest';
import {
  disableThreads,
  enableRelaxedSimd,
  enableThreads,
  wasmBackend,
  wasmFeatures,
  wasmSupport,
} from './index.js';

// The example from README.md.
it('the README example runs', async () => {
  enableRelaxedSimd(); // before the kernels start (this file's module instance starts them here)
  expect(wasmSupport()).toEqual({ supported: true, reason: null });
  expect(wasmFeatures()).toEqual({ sharedMemory: true, relaxedSimd: true }); // Node 20 too, after the call
  setBackend(wasmBackend);
  expect(await enableThreads()).toBeGreaterThanOrEqual(0);
  try {
    const y = matmul(randn([512, 512]), randn([512, 512]));
    expect(y.backend.name).toBe('wasm');
    expect(y.shape).toEqual([512, 512]);
  } finally {
    setBackend('cpu');
    await disableThreads();
  }
});
