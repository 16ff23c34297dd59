// Saving and loading weights as safetensors, the format PyTorch and Hugging
// Face read.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GPT } from '@dendrite/gpt';
import { decodeSafetensors, serializeStateDict } from '@dendrite/nn';
import { loadSafetensors, loadWeights, saveWeights } from '@dendrite/nn/node';
import { Generator } from '@dendrite/tensor';

const config = {
  vocabSize: 20,
  blockSize: 16,
  nLayer: 1,
  nHead: 2,
  nEmbd: 16,
  dropout: 0,
  bias: true,
};
const model = new GPT(config, { generator: new Generator(1) });

// Node: write the state dict (nanoGPT's names) to a file, atomically, with
// string metadata.
const path = join(
  await mkdtemp(join(tmpdir(), 'dendrite-')),
  'model.safetensors',
);
await saveWeights(model, path, { step: '1200' });

// different initial weights, then the file's, in place
const restored = new GPT(config, { generator: new Generator(2) });
const { metadata } = await loadWeights(restored, path);
const { tensors } = await loadSafetensors(path); // the file's tensors, decoded
console.log(Object.keys(tensors).slice(0, 3), metadata.step);

const wte = 'transformer.wte.weight';
const same = (a: GPT, b: GPT) =>
  a.stateDict()[wte].sub(b.stateDict()[wte]).abs().max().itemSync() === 0
    ? 'identical'
    : 'different';
console.log('after loading:', same(model, restored));

// Browser (no file system): the same bytes, in memory.
const bytes = await serializeStateDict(model.stateDict());
const decoded = decodeSafetensors(bytes);
restored.loadStateDict(decoded); // takes the decoded file as it is
console.log(
  bytes.length,
  'bytes,',
  Object.keys(decoded.tensors).length,
  'tensors',
);
