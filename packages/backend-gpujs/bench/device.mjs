#!/usr/bin/env node
// The real-GPU bench of @dendrite/backend-gpujs: one file (bundled by bench/bundle-device.mjs into
// .device/bench.mjs with everything but Dawn's binary inside), one run, every figure issue 16 asks:
//   1. matmul N×N float32, 10 products chained on the device, GFLOPS — the gpu.js kernel
//      (wgslMatmulMinSize: Infinity) and the tiled WGSL kernel (webgpu only) — against cuBLAS;
//   2. a GPT training step (forward, backward, clipGradNorm, AdamW, a read of the loss), tiny-gpt's
//      rig (`builtInRig`): nanoGPT's baby config and shakespeare_char, ms/iteration, tokens/s,
//      dispatches/uploads per step, and what tiny-gpt's `countStep` counts for the same config (a
//      batch whose activations would pass this backend's 2²⁴ elements per tensor runs as
//      micro-batches with accumulated gradients: bench/batching.mjs).
// Prints markdown tables; `--json <file>` writes the same figures. Options:
//   --mode webgpu (default) | webasm | cpu · --quick (small sizes, 2 iterations: the test's run)
//   --data <file> (default: tinyshakespeare.txt beside the bundle, else
//   ../shared/data/tinyshakespeare.txt, else a generated text of the same 65 characters) · --sizes 1024,2048 · --iters <n> · --dawn <flag,flag> (default
//   backend=vulkan) · --json <file> · --micro-batches <k> (instead of the fewest that fit)
import '@dendrite/autograd';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { clipGradNorm } from '@dendrite/optim';
import { cpuBackend, Generator, keep, matmul, randn, setBackend, tidy } from '@dendrite/tensor';
import { countStep } from '../../../apps/tiny-gpt/src/step-counts.ts';
import { builtInRig } from '../../../apps/tiny-gpt/src/training-rig.ts';
import { gpujsBackend } from '../src/index.ts';
import { installNodeWebGPU } from '../src/node-webgpu.ts';
import { microBatches } from './batching.ts';
import { GOALS, goalLines, markdownTable } from './report.mjs';
import { SHAKESPEARE_CHARS, syntheticText } from './synthetic-text.mjs';

const { values: opts } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: {
    mode: { type: 'string', default: 'webgpu' },
    quick: { type: 'boolean', default: false },
    data: { type: 'string' },
    sizes: { type: 'string' },
    iters: { type: 'string' },
    dawn: { type: 'string', default: 'backend=vulkan' },
    json: { type: 'string' },
    'micro-batches': { type: 'string' },
  },
});
const MODES = ['webgpu', 'webasm', 'cpu'];
if (!MODES.includes(opts.mode))
  throw new Error(`--mode must be one of ${MODES.join(', ')}, got '${opts.mode}'`);
const quick = opts.quick;
const sizes = (opts.sizes ?? (quick ? '64,128' : '1024,2048,4096')).split(',').map(Number);
if (sizes.some((n) => !Number.isInteger(n) || n < 1))
  throw new Error(`--sizes: positive integers, got '${opts.sizes}'`);
const CHAIN = 10; // products per timed chain

// ── set-up ──────────────────────────────────────────────────────────────────────────────────────
let adapter;
if (opts.mode === 'webgpu') {
  const gpu = await installNodeWebGPU({ flags: opts.dawn.split(',').filter(Boolean) });
  if (!gpu.adapter) throw new Error(`--mode webgpu: no WebGPU adapter answers (Dawn flags: ${opts.dawn})`);
  adapter = gpu.description;
}
const gpujs = await gpujsBackend({ mode: opts.mode, name: 'gpujs:device-bench' });
const gpujsMatmulOnly = await gpujsBackend({
  mode: opts.mode,
  name: 'gpujs:device-bench:no-wgsl',
  wgslMatmulMinSize: Number.POSITIVE_INFINITY,
});
// The corpus: --data, else the copy bundle-device.mjs put beside the bundle, else ../shared/data.
const dataPath =
  opts.data ??
  [new URL('./tinyshakespeare.txt', import.meta.url).pathname, '../shared/data/tinyshakespeare.txt'].find(
    existsSync,
  );
const text = dataPath ? readFileSync(dataPath, 'utf8') : syntheticText(200_000, 1);
const corpus = dataPath
  ? dataPath
  : `generated text of tiny Shakespeare's ${SHAKESPEARE_CHARS.length} characters`;
const report = {
  date: new Date().toISOString(),
  node: process.version,
  mode: opts.mode,
  adapter: adapter ?? null,
  quick,
  corpus,
  goals: GOALS,
  matmul: [],
  gpt: [],
};
console.log(`# gpu.js backend on ${opts.mode}${adapter ? ` (${adapter})` : ''}${quick ? ', --quick' : ''}\n`);
console.log(`${report.date}; Node ${process.version}; corpus: ${corpus}\n`);

/** Seconds of `fn` (async): the median of `runs` runs after one warm-up (then `warmed()` is called). */
async function time(fn, runs, warmed = () => {}) {
  await fn();
  warmed();
  const times = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    times.push((performance.now() - t0) / 1000);
  }
  times.sort((a, b) => a - b);
  return times[times.length >> 1];
}

// ── 1. matmul ───────────────────────────────────────────────────────────────────────────────────
const kernels = [{ kernel: 'gpu.js kernel', backend: gpujsMatmulOnly }];
if (opts.mode === 'webgpu') kernels.push({ kernel: 'tiled WGSL', backend: gpujs });
for (const N of sizes) {
  const g = new Generator(N);
  const a = randn([N, N], { generator: g, backend: cpuBackend });
  const b = randn([N, N], { generator: g, backend: cpuBackend, std: 1 / Math.sqrt(N) });
  for (const { kernel, backend } of kernels) {
    const [x, y] = [a.to(backend), b.to(backend)];
    await x.data();
    await y.data();
    let before = 0;
    const runs = quick ? 2 : 3;
    // c = x·y¹⁰, 10 products on the device; one element read back ends the chain
    const seconds = await time(
      async () => {
        const corner = tidy(() => {
          let t = x;
          for (let i = 0; i < CHAIN; i++) t = matmul(t, y);
          return keep(t.narrow(0, 0, 1).narrow(1, 0, 1).add(0));
        });
        await corner.data();
        corner.dispose();
      },
      runs,
      () => {
        before = backend.stats().dispatches;
      },
    );
    const gflops = (CHAIN * 2 * N ** 3) / seconds / 1e9;
    report.matmul.push({
      N,
      kernel,
      gflops,
      msPerProduct: (seconds * 1000) / CHAIN,
      dispatchesPerChain: (backend.stats().dispatches - before) / runs,
      cublasGflops: GOALS.cublasGflops[N] ?? null,
    });
    x.dispose();
    y.dispose();
  }
}
console.log(`## matmul, N×N float32, ${CHAIN} products chained on the device\n`);
console.log(
  markdownTable(
    ['N', 'kernel', 'GFLOPS', 'ms / product', 'of cuBLAS fp32'],
    report.matmul.map((r) => [
      String(r.N),
      r.kernel,
      r.gflops.toFixed(1),
      r.msPerProduct.toFixed(3),
      r.cublasGflops ? `${((100 * r.gflops) / r.cublasGflops).toFixed(1)} %` : '–',
    ]),
  ),
);

if (opts.json) writeFileSync(opts.json, `${JSON.stringify(report, null, 2)}\n`);

// ── 2. GPT training steps ─────────────────────────────────────────────────────────────────────────
// --quick keeps each model's depth, heads and dropout, so it launches the same kernels as many
// times (launch counts depend on neither the batch, the context nor the width), and shrinks the
// batch, the context and the width (8 per head).
const GPTS = [
  { name: 'baby GPT', preset: 'baby', batch: 12, iters: 20, quickWidth: 32, reference: 'pytorchBabyMs' },
  {
    name: 'shakespeare_char',
    preset: 'shakespeare-char',
    batch: 64,
    iters: 10,
    quickWidth: 48,
    reference: 'pytorchShakespeareMs',
  },
];
/** Trains one GPT row: ms/iteration, tokens/s, dispatches per step, and countStep's figures. */
async function gptRow(spec) {
  const batch = quick ? 2 : spec.batch;
  const overrides = quick ? { blockSize: 16, nEmbd: spec.quickWidth } : {};
  const iters = Number(opts.iters ?? (quick ? 2 : spec.iters));
  const { data, model, opt, rng } = builtInRig(spec.preset, overrides, text);
  const config = model.config;
  const k = opts['micro-batches'] ? Number(opts['micro-batches']) : microBatches(config, batch);
  if (!Number.isInteger(k) || k < 1 || batch % k !== 0) {
    throw new Error(`--micro-batches must divide the batch (${batch}), got '${opts['micro-batches']}'`);
  }
  const micro = batch / k;
  // one iteration: k forward/backward passes (gradients accumulate), clipping, AdamW, the loss read
  const step = async () => {
    const loss = tidy(() => {
      let total = null;
      for (let i = 0; i < k; i++) {
        const { x, y } = data.batch('train', micro, rng);
        const l = model.forward(x, y).loss;
        (k === 1 ? l : l.div(k)).backward();
        total = total === null ? l.detach() : total.add(l.detach());
      }
      clipGradNorm(model.parameters(), 1);
      opt.step();
      opt.zeroGrad();
      return k === 1 ? total : total.div(k);
    });
    const value = await loss.item();
    loss.dispose();
    return value;
  };
  await step();
  await step(); // the second step compiles the optimizer's kernels (their inputs stop being constants)
  const start = gpujs.stats();
  const t0 = performance.now();
  let loss = 0;
  for (let i = 0; i < iters; i++) loss = await step();
  const ms = (performance.now() - t0) / iters;
  const end = gpujs.stats();
  const params = model.numParameters();
  opt.dispose();
  for (const p of model.parameters()) p.dispose();
  // tiny-gpt's count of the same config at the micro-batch (countStep's own default is dropout 0)
  const counted = await countStep({
    backend: gpujs,
    preset: spec.preset,
    batch: micro,
    overrides: { ...overrides, dropout: config.dropout },
    text,
  });
  return {
    name: spec.name,
    preset: spec.preset,
    params,
    batch,
    microBatches: k,
    blockSize: config.blockSize,
    nLayer: config.nLayer,
    nHead: config.nHead,
    nEmbd: config.nEmbd,
    dropout: config.dropout,
    vocabSize: config.vocabSize,
    iters,
    msPerIter: ms,
    tokensPerSec: (batch * config.blockSize * 1000) / ms,
    loss,
    dispatchesPerStep: (end.dispatches - start.dispatches) / iters,
    uploadsPerStep: (end.uploads - start.uploads) / iters,
    compilesAfterWarmup: end.compiles - start.compiles,
    countStep: counted,
    pytorchMs: quick ? null : GOALS[spec.reference],
  };
}

setBackend(gpujs);
for (const spec of GPTS) {
  try {
    report.gpt.push(await gptRow(spec));
  } catch (err) {
    // one run on a scarce GPU: keep every other figure, and say what failed
    console.log(`${spec.name} failed: ${err.stack ?? err}\n`);
    report.gpt.push({ name: spec.name, preset: spec.preset, error: String(err.message ?? err) });
  }
  if (opts.json) writeFileSync(opts.json, `${JSON.stringify(report, null, 2)}\n`);
}
console.log('## GPT training step (forward, backward, clipGradNorm, AdamW, loss read)\n');
console.log(
  markdownTable(
    [
      'model',
      'params',
      'batch × context',
      'ms / iteration',
      'tokens / s',
      'dispatches / step',
      'uploads / step',
      'countStep',
      'PyTorch eager fp32',
    ],
    report.gpt
      .filter((r) => r.error === undefined)
      .map((r) => [
        `${r.name} (${r.nLayer} layers, ${r.nHead} heads, width ${r.nEmbd}, dropout ${r.dropout})`,
        `${(r.params / 1e6).toFixed(2)} M`,
        `${r.batch} × ${r.blockSize}${r.microBatches > 1 ? ` (${r.microBatches} × ${r.batch / r.microBatches})` : ''}`,
        r.msPerIter.toFixed(1),
        r.tokensPerSec.toFixed(0),
        String(r.dispatchesPerStep),
        String(r.uploadsPerStep),
        `${r.countStep.dispatches} / ${r.countStep.uploads}`,
        r.pytorchMs ? `${r.pytorchMs} ms` : '–',
      ]),
  ),
);
report.verdicts = goalLines(report);
console.log(`## Goals\n\n${report.verdicts.map((l) => `- ${l}`).join('\n')}\n`);
if (opts.json) writeFileSync(opts.json, `${JSON.stringify(report, null, 2)}\n`);
gpujs.dispose();
gpujsMatmulOnly.dispose();
process.exit(0);
