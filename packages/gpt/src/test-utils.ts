/** Helpers the interop tests share (not part of the package's exports). */
import { noGrad } from '@dendrite/autograd';
import { Generator, randint } from '@dendrite/tensor';
import type { GPTConfig } from './config.js';
import type { GPT } from './model.js';

/** A GPT small enough to build in milliseconds, with every kind of weight. */
export const SMALL: GPTConfig = {
  vocabSize: 11,
  blockSize: 8,
  nLayer: 2,
  nHead: 2,
  nEmbd: 8,
  dropout: 0,
  bias: true,
};

/** Each state-dict tensor's bytes, by name: equal exactly when the weights are bit for bit the same. */
export async function bits(model: GPT): Promise<Record<string, Uint8Array>> {
  const out: Record<string, Uint8Array> = {};
  for (const [name, t] of Object.entries(model.stateDict())) {
    const d = await t.data();
    out[name] = new Uint8Array(d.buffer.slice(d.byteOffset, d.byteOffset + d.byteLength));
  }
  return out;
}

/** The model's logits (in eval mode) for two fixed, seeded windows of ids. */
export async function logitsOf(model: GPT): Promise<Float32Array> {
  model.eval();
  const ids = randint(0, model.config.vocabSize, [2, model.config.blockSize], {
    generator: new Generator(7),
  });
  return (await noGrad(() => model.forward(ids).logits).data()) as Float32Array;
}
