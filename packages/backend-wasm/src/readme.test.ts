import { matmul, randn, setBackend } from '@dendrite/tensor';
import { expect, it } from 'vitest';
import { disableThreads, enableThreads, wasmBackend, wasmFeatures, wasmSupport } from './index.js';

// The example from README.md.
it('the README example runs', async () => {
  expect(wasmSupport()).toEqual({ supported: true, reason: null });
  expect(wasmFeatures().sharedMemory).toBe(true); // Node always has SharedArrayBuffer
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
