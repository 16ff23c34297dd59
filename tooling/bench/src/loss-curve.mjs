#!/usr/bin/env node
// Training-curve fingerprint: trains the baby GPT (the `tiny-gpt bench` setup: seed 1337, AdamW
// lr 1e-3, batch 12, grad clip 1) for N iterations on one backend and prints every training loss
// as its exact float32 bits, then one SHA-256 over the losses and one over the final weights.
// Refactors that must not change behaviour compare these lines before and after:
//   node tooling/bench/src/loss-curve.mjs --backend wasm --iters 300
// Not a test and not timed: it only prints.
import { createHash } from 'node:crypto';
import { parseArgs } from 'node:util';
import { GPT, presetConfig } from '@dendrite/gpt';
import { AdamW, clipGradNorm, decayGroups } from '@dendrite/optim';
import { cpuBackend, Generator, setBackend, tidy } from '@dendrite/tensor';
import { CharTokenizer } from '@dendrite/tokenizer';
import { builtInCorpus, findShakespeare, loadText, TokenDataset } from 'tiny-gpt';

const { values } = parseArgs({
  options: {
    backend: { type: 'string', default: 'cpu' },
    iters: { type: 'string', default: '300' },
    data: { type: 'string' },
    quiet: { type: 'boolean', default: false },
  },
});
const iters = Number(values.iters);
if (!Number.isInteger(iters) || iters < 1)
  throw new Error(`--iters: expected a positive integer, got ${values.iters}`);
if (values.backend === 'wasm') {
  const { wasmBackend, disableThreads } = await import('@dendrite/backend-wasm');
  if (process.env.DENDRITE_WASM_THREADS === '0') disableThreads();
  setBackend(wasmBackend);
} else if (values.backend === 'cpu') setBackend(cpuBackend);
else throw new Error(`--backend: expected cpu or wasm, got ${values.backend}`);

const path = values.data ?? findShakespeare();
const text = path ? (await loadText(path)).text : builtInCorpus();
const tok = CharTokenizer.fromCorpus(text);
const config = presetConfig('baby', tok.vocabSize);
const data = new TokenDataset(tok.encodeOrdinary(text), config.blockSize);
const model = new GPT(config, { generator: new Generator(1337) });
const opt = new AdamW(decayGroups(model.parameters(), 0.1), { lr: 1e-3, betas: [0.9, 0.99] });
const rng = new Generator(1);
const losses = new Float32Array(iters);
for (let it = 0; it < iters; it++) {
  const loss = tidy(() => {
    const { x, y } = data.batch('train', 12, rng);
    const l = model.forward(x, y).loss;
    l.backward();
    clipGradNorm(model.parameters(), 1);
    opt.step();
    opt.zeroGrad();
    return l.detach();
  });
  losses[it] = await loss.item();
  loss.dispose();
  const bits = new Uint32Array(losses.buffer, it * 4, 1)[0].toString(16).padStart(8, '0');
  if (!values.quiet) console.log(`${it + 1} ${losses[it].toPrecision(9)} 0x${bits}`);
}
const weights = createHash('sha256');
for (const [name, p] of model.namedParameters()) {
  weights.update(name);
  const v = await p.data();
  weights.update(new Uint8Array(v.buffer, v.byteOffset, v.byteLength));
}
console.log(`backend ${values.backend}, ${iters} iterations on ${path ?? 'the built-in corpus'}`);
console.log(`final loss ${losses[iters - 1].toPrecision(9)}`);
console.log(`losses sha256 ${createHash('sha256').update(new Uint8Array(losses.buffer)).digest('hex')}`);
console.log(`weights sha256 ${weights.digest('hex')}`);
