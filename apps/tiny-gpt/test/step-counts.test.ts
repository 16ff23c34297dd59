import { gpujsBackend } from '@dendrite/backend-gpujs';
import { cpuBackend } from '@dendrite/tensor';
import { describe, expect, it } from 'vitest';
import { countStep, measureStep } from '../src/step-counts.js';

describe('countStep: what one compiled training step launches', () => {
  it('counts gpu.js launches, uploads and reads per step of a preset, the same every time', async () => {
    const backend = await gpujsBackend({ mode: 'cpu', name: 'gpujs:cpu:count-test' });
    const first = await countStep({ backend, preset: 'tiny', batch: 2 });
    const again = await countStep({ backend, preset: 'tiny', batch: 2, steps: 3 });
    expect(first).not.toBeNull();
    expect(again).toEqual(first);
    const { dispatches, uploads, reads } = first as NonNullable<typeof first>;
    expect(Number.isInteger(dispatches) && dispatches > 100).toBe(true);
    expect(Number.isInteger(uploads) && uploads > 0).toBe(true);
    expect(reads).toBe(1); // the loss, and nothing else comes back
  }, 300_000);

  it('takes config overrides and a training text: the counts follow the model, not the text', async () => {
    const backend = await gpujsBackend({ mode: 'cpu', name: 'gpujs:cpu:count-options-test' });
    const small = { blockSize: 16 };
    const builtIn = await countStep({ backend, preset: 'tiny', batch: 2, overrides: small });
    const text = 'To be, or not to be, that is the question. '.repeat(20);
    const onText = await countStep({ backend, preset: 'tiny', batch: 2, overrides: small, text });
    expect(onText).toEqual(builtIn); // another vocabulary, the same launches
    const dropout = await countStep({
      backend,
      preset: 'tiny',
      batch: 2,
      overrides: { ...small, dropout: 0.2 },
    });
    // countStep's own default is dropout 0; a dropout override draws (and uploads) masks
    expect(dropout!.uploads).toBeGreaterThan(builtIn!.uploads);
    expect(dropout!.dispatches).toBeGreaterThan(builtIn!.dispatches);
  }, 300_000);

  it('is null for a backend without counters', async () => {
    expect(await countStep({ backend: cpuBackend, preset: 'tiny', batch: 1, steps: 1 })).toBeNull();
  });

  it('measureStep: the time of a step on any backend, with the counts where the backend keeps them', async () => {
    const options = { preset: 'tiny', batch: 1, steps: 2, overrides: { blockSize: 8 } };
    const cpu = await measureStep({ backend: cpuBackend, ...options });
    expect(cpu.counts).toBeNull();
    expect(cpu.msPerStep).toBeGreaterThan(0);
    const backend = await gpujsBackend({ mode: 'cpu', name: 'gpujs:cpu:measure-test' });
    const gpu = await measureStep({ backend, ...options });
    expect(gpu.msPerStep).toBeGreaterThan(0);
    expect(gpu.counts).toEqual(await countStep({ backend, ...options }));
  }, 300_000);
});
