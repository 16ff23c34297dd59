// A GPT on a device that reads only asynchronously (WebGPU is one) trains, generates and exports
// through async reads, and gives the CPU's numbers and tokens.
import { type Backend, cpuBackend, Generator, getBackend, setBackend, tensor } from '@dendrite/tensor';
import { createAsyncOnlyBackend } from '@dendrite/tensor/backend';
import { generate } from '@dendrite/tokenizer';
import { describe, expect, it } from 'vitest';
import { exportGPT } from './interop.js';
import { GPT } from './model.js';

const device = createAsyncOnlyBackend({ name: 'async-device' });
const small = { vocabSize: 11, blockSize: 8, nLayer: 2, nHead: 2, nEmbd: 8, dropout: 0, bias: true };

function gptOn(backend: Backend): GPT {
  return new GPT(small, { generator: new Generator(4), backend });
}

/** Runs `fn` with `backend` current (generate feeds its ids on the current backend). */
async function current<T>(backend: Backend, fn: () => Promise<T>): Promise<T> {
  const previous = getBackend();
  setBackend(backend);
  try {
    return await fn();
  } finally {
    setBackend(previous);
  }
}

async function tokens(model: GPT, useCache: boolean): Promise<number[]> {
  const out: number[] = [];
  for await (const id of generate(model, [1, 2, 3], { maxTokens: 10, seed: 9, useCache })) out.push(id);
  return out;
}

describe('GPT on an async-only backend', () => {
  it("computes the CPU's loss and gradients", async () => {
    const ids = [
      [1, 2, 3, 4],
      [5, 6, 7, 8],
    ];
    const targets = [
      [2, 3, 4, 5],
      [6, 7, 8, 9],
    ];
    const run = (backend: Backend) => {
      const model = gptOn(backend);
      const { loss } = model.forward(
        tensor(ids, { dtype: 'int32', backend }),
        tensor(targets, { dtype: 'int32', backend }),
      );
      loss!.backward();
      return { model, loss: loss! };
    };
    const onDevice = run(device);
    const onCpu = run(cpuBackend);
    expect(await onDevice.loss.item()).toBe(onCpu.loss.itemSync());
    const grad = onDevice.model.lm_head.weight.grad!;
    expect(grad.backend).toBe(device);
    expect(await grad.data()).toEqual(onCpu.model.lm_head.weight.grad!.dataSync());
  });

  for (const useCache of [true, false]) {
    it(`generates the CPU's tokens (${useCache ? 'with' : 'without'} the KV cache)`, async () => {
      const onDevice = await current(device, () => tokens(gptOn(device), useCache));
      expect(onDevice).toHaveLength(10);
      expect(onDevice).toEqual(await current(cpuBackend, () => tokens(gptOn(cpuBackend), useCache)));
      // the current backend need not be the model's: generate's ids are copied onto it
      expect(await current(cpuBackend, () => tokens(gptOn(device), useCache))).toEqual(onDevice);
    });
  }

  it("exports the CPU model's files", async () => {
    for (const format of ['nanogpt', 'hf-gpt2'] as const) {
      const onDevice = await exportGPT(gptOn(device), format);
      const onCpu = await exportGPT(gptOn(cpuBackend), format);
      expect(onDevice).toEqual(onCpu);
    }
  });
});
