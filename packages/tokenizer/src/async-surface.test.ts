// The LM head works on a device that reads only asynchronously (WebGPU is one): `sample`,
// `probabilities` and `generate` read with `await`; `sampleSync` refuses there by name.
import {
  type Backend,
  BackendError,
  cpuBackend,
  embedding,
  Generator,
  getBackend,
  setBackend,
  type Tensor,
  tensor,
} from '@dendrite/tensor';
import { createAsyncOnlyBackend } from '@dendrite/tensor/backend';
import { describe, expect, it } from 'vitest';
import { type CausalLM, generate } from './generate.js';
import { probabilities, type SampleOptions, sample, sampleSync } from './sampling.js';

const device = createAsyncOnlyBackend({ name: 'async-device' });

const LOGITS = [
  [2, -1, 0.5, 3, -2, 1],
  [0, 0, 1.5, -0.5, 2.5, -3],
];

const OPTIONS: SampleOptions[] = [
  {},
  { temperature: 0.7, topK: 3 },
  { topP: 0.8, minP: 0.05 },
  { greedy: true, repetitionPenalty: 1.3, previousIds: [[3], [4, 4]] },
  { frequencyPenalty: 0.5, presencePenalty: 0.2, previousIds: [[0, 3], [2]] },
];

describe('sampling on an async-only backend', () => {
  for (const options of OPTIONS) {
    it(`sample gives the CPU's tokens for ${JSON.stringify(options)}`, async () => {
      for (let seed = 0; seed < 8; seed++) {
        const onDevice = await sample(tensor(LOGITS, { backend: device }), {
          ...options,
          generator: new Generator(seed),
        });
        const onCpu = sampleSync(tensor(LOGITS), { ...options, generator: new Generator(seed) });
        expect(onDevice).toEqual(onCpu);
      }
    });
  }

  it('sampleSync refuses, naming the backend and sample, without drawing a random number', () => {
    const generator = new Generator(3);
    const state = generator.getState();
    const logits = tensor(LOGITS, { backend: device });
    expect(() => sampleSync(logits, { generator })).toThrow(BackendError);
    expect(() => sampleSync(logits, { generator })).toThrow(
      "sampleSync: backend 'async-device' cannot read synchronously; use 'await sample(logits, options)'",
    );
    expect(generator.getState()).toEqual(state);
  });

  it("probabilities stay on the device and equal the CPU's", async () => {
    const options = { temperature: 0.9, topK: 4 };
    const p = await probabilities(tensor(LOGITS, { backend: device }), options, [[1], []]);
    expect(p.backend).toBe(device);
    expect(await p.data()).toEqual((await probabilities(tensor(LOGITS), options, [[1], []])).dataSync());
  });
});

/** A bigram model made of tensor ops only (no host reads), so it runs on any backend. */
class TableLM implements CausalLM {
  readonly blockSize = 4;
  private readonly table: Tensor;
  constructor(backend: Backend) {
    const g = new Generator(11);
    const rows = Array.from({ length: 5 }, () => Array.from({ length: 5 }, () => 2 * g.nextNormal()));
    this.table = tensor(rows, { backend });
  }
  logits(ids: Tensor): Tensor {
    return embedding(ids, this.table); // [1, T] → [1, T, vocab]
  }
}

async function tokensOf(backend: Backend): Promise<number[]> {
  const previous = getBackend();
  setBackend(backend); // generate feeds its ids on the current backend
  try {
    const out: number[] = [];
    for await (const id of generate(new TableLM(backend), [0, 1], { maxTokens: 12, seed: 5, topK: 3 }))
      out.push(id);
    return out;
  } finally {
    setBackend(previous);
  }
}

describe('generate on an async-only backend', () => {
  it("yields the CPU's tokens", async () => {
    const onDevice = await tokensOf(device);
    expect(onDevice).toHaveLength(12);
    expect(onDevice).toEqual(await tokensOf(cpuBackend));
  });
});
