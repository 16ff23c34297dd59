#!/usr/bin/env node
// `pnpm bench` for @dendrite/backend-gpujs (also run by tooling/bench): every gpu.js mode available
// here beside the CPU backend, in the same run, on the built packages (dist/):
//   1. matmul N×N float32: GFLOPS of one call including upload and readback, and of a chain of 10
//      products that stay on the device (one readback at the end);
//   2. elementwise over 1,000,000 elements: one `gelu` with readback, and 10 chained `add`s on the
//      device (one fused kernel on gpu.js), M elements/s;
//   3. a GPT training step (forward, backward, clipping, AdamW): ms per step, kernel launches
//      (dispatches) per step, compiles after two warm-up steps, and the most-launched kernels;
//   4. tiny-gpt's presets (its `measureStep`, from apps/tiny-gpt/dist): launches and uploads per
//      compiled step of tiny, baby and shakespeare-char in every mode, and ms per step of tiny and
//      baby beside the CPU and WebAssembly backends.
// webgpu runs when an adapter answers (installNodeWebGPU; e.g. Mesa's lavapipe with VK_ICD_FILENAMES).
// Options: --quick (small sizes) · --sizes 128,256 · --modes webasm,cpu · --steps 3
import '@dendrite/autograd';
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';
import { GPT } from '@dendrite/gpt';
import { AdamW, clipGradNorm } from '@dendrite/optim';
import { cpuBackend, Generator, keep, matmul, randint, randn, tidy, withBackend } from '@dendrite/tensor';
import { gpujsBackend } from '../dist/index.js';
import { installNodeWebGPU } from '../dist/node-webgpu.js';
import { markdownTable } from './report.mjs';

/** tiny-gpt's library and the WebAssembly backend it depends on (a bench may reach past this package). */
const tinyGptDir = new URL('../../../apps/tiny-gpt/', import.meta.url);
const tinyGpt = await import(new URL('dist/index.js', tinyGptDir).href).catch(() => null);
const wasm = await import(
  createRequire(new URL('package.json', tinyGptDir)).resolve('@dendrite/backend-wasm')
)
  .then((m) => m.default ?? m) // resolved through `require`: the CommonJS facade
  .catch(() => null);

const { values: opts } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: {
    quick: { type: 'boolean', default: false },
    sizes: { type: 'string' },
    modes: { type: 'string' },
    steps: { type: 'string' },
  },
});
const sizes = opts.sizes ? opts.sizes.split(',').map(Number) : opts.quick ? [128] : [128, 256, 512];
const steps = Number(opts.steps ?? (opts.quick ? 2 : 3));

async function backends() {
  const out = [{ label: 'CPU backend', backend: cpuBackend }];
  const wanted = opts.modes ? opts.modes.split(',') : null;
  const gpu = await installNodeWebGPU().catch(() => ({ adapter: false }));
  for (const mode of ['webgpu', 'webasm', 'cpu']) {
    if (wanted && !wanted.includes(mode)) continue;
    if (mode === 'webgpu' && !gpu.adapter) continue;
    const backend = await gpujsBackend({ mode, name: `gpujs:${mode}:bench` });
    const adapter = backend.info().adapter;
    out.push({ label: `gpujs ${mode}${adapter ? ` (${adapter})` : ''}`, backend, gpujs: backend });
  }
  return out;
}

/** Median seconds of `fn` (async) over a few runs after one warm-up; stops early past a time budget. */
async function time(fn, { runs = 5, budgetMs = 4000 } = {}) {
  await fn();
  const times = [];
  const start = performance.now();
  while (times.length < runs && (times.length < 2 || performance.now() - start < budgetMs)) {
    const t0 = performance.now();
    await fn();
    times.push((performance.now() - t0) / 1000);
  }
  times.sort((a, b) => a - b);
  return times[times.length >> 1];
}

const f = (x, d = 3) => (x >= 100 ? x.toFixed(0) : x.toPrecision(d));
function table(header, rows) {
  console.log(markdownTable(header, rows));
}

const list = await backends();
console.log(
  `date: ${new Date().toISOString()}; Node ${process.version}; ${list.map((b) => b.label).join(', ')}\n`,
);

// ── 1. matmul ─────────────────────────────────────────────────────────────────────────────────────
console.log(
  '## matmul, N×N float32 (GFLOPS: single call with upload + readback / chain of 10 on the device)\n',
);
const mmRows = [];
for (const N of sizes) {
  const g = new Generator(N);
  const a = randn([N, N], { generator: g, backend: cpuBackend });
  const b = randn([N, N], { generator: g, backend: cpuBackend, std: 1 / Math.sqrt(N) });
  const row = [String(N)];
  for (const { backend } of list) {
    const flops = 2 * N ** 3;
    const single = await time(async () => {
      const [x, y] = [a.to(backend), b.to(backend)];
      const c = matmul(x, y);
      await c.data();
      c.dispose();
      if (x !== a) x.dispose();
      if (y !== b) y.dispose();
    });
    const [x, y] = [a.to(backend), b.to(backend)];
    await x.data();
    await y.data();
    const chain = await time(async () => {
      const c = tidy(() => {
        let t = x;
        for (let i = 0; i < 10; i++) t = matmul(t, y);
        return t;
      });
      await c.data();
      c.dispose();
    });
    if (x !== a) x.dispose();
    if (y !== b) y.dispose();
    row.push(`${f(flops / single / 1e9)} / ${f((10 * flops) / chain / 1e9)}`);
  }
  mmRows.push(row);
}
table(['N', ...list.map((b) => b.label)], mmRows);

// ── 2. elementwise ────────────────────────────────────────────────────────────────────────────────
const E = opts.quick ? 100_000 : 1_000_000;
console.log(
  `## elementwise over ${E.toLocaleString('en-US')} float32 elements (M elements/s): one \`gelu\` with its readback, and 10 chained \`add\`s on the device (fused into one kernel on gpu.js)\n`,
);
const one = ['gelu, one op + readback'];
const chained = ['add ×10, on the device'];
for (const { backend } of list) {
  const x = randn([E], { generator: new Generator(5), backend });
  await x.data();
  const s1 = await time(async () => {
    const y = x.gelu();
    await y.data();
    y.dispose();
  });
  const s10 = await time(async () => {
    const y = tidy(() => {
      let t = x;
      for (let i = 0; i < 10; i++) t = t.add(x);
      return t;
    });
    await y.data();
    y.dispose();
  });
  x.dispose();
  one.push(f(E / s1 / 1e6));
  chained.push(f((10 * E) / s10 / 1e6));
}
table(['op', ...list.map((b) => b.label)], [one, chained]);

// ── 3. a GPT training step ────────────────────────────────────────────────────────────────────────
const configs = [
  {
    name: 'micro (1 layer, 2 heads, width 16, context 16, batch 4)',
    batch: 4,
    config: { vocabSize: 32, blockSize: 16, nLayer: 1, nHead: 2, nEmbd: 16, dropout: 0, bias: true },
  },
  ...(opts.quick
    ? []
    : [
        {
          name: 'tiny preset (2 layers, 4 heads, width 64, context 64, batch 8)',
          batch: 8,
          config: { vocabSize: 65, blockSize: 64, nLayer: 2, nHead: 4, nEmbd: 64, dropout: 0, bias: true },
        },
      ]),
];
for (const { name, batch, config } of configs) {
  console.log(`## GPT training step: ${name}\n`);
  const rows = [];
  const top = [];
  for (const { label, backend, gpujs } of list) {
    const model = withBackend(backend, () => new GPT(config, { generator: new Generator(1) }));
    const opt = new AdamW(model.parameters(), { lr: 1e-3 });
    const data = new Generator(2);
    const step = async () => {
      const loss = tidy(() => {
        const x = randint(0, config.vocabSize, [batch, config.blockSize], { generator: data, backend });
        const y = randint(0, config.vocabSize, [batch, config.blockSize], { generator: data, backend });
        const out = model.forward(x, y);
        out.loss.backward();
        clipGradNorm(model.parameters(), 1);
        opt.step();
        opt.zeroGrad();
        return keep(out.loss.detach());
      });
      await loss.item();
      loss.dispose();
    };
    await step();
    await step(); // step 2 compiles the fused optimizer updates that read the AdamW state
    const before = gpujs?.stats();
    const calls = gpujs ? new Map(gpujs.dispatchesByKernel()) : null;
    const t0 = performance.now();
    for (let i = 0; i < steps; i++) await step();
    const ms = (performance.now() - t0) / steps;
    const after = gpujs?.stats();
    if (gpujs) {
      const perStep = (after.dispatches - before.dispatches) / steps;
      rows.push([
        label,
        f(ms),
        String(perStep),
        String(after.compiles - before.compiles),
        String(after.kernels),
      ]);
      const diff = [...gpujs.dispatchesByKernel()]
        .map(([k, n]) => [k, (n - (calls.get(k) ?? 0)) / steps])
        .filter(([, n]) => n > 0)
        .sort((p, q) => q[1] - p[1])
        .slice(0, 6);
      top.push(`${label}: ${diff.map(([k, n]) => `${k} ×${n}`).join(', ')}`);
    } else rows.push([label, f(ms), '–', '–', '–']);
    opt.dispose();
    for (const p of model.parameters()) p.dispose();
  }
  table(['backend', 'ms / step', 'dispatches / step', 'compiles after warm-up', 'kernels'], rows);
  console.log(`most launched per step — ${top.join('; ')}\n`);
}
// ── 4. tiny-gpt's presets ─────────────────────────────────────────────────────────────────────────
if (tinyGpt === null) {
  console.log("## tiny-gpt's presets: skipped (build apps/tiny-gpt first: its dist/ is missing)\n");
} else {
  const presetSteps = opts.quick ? 1 : steps;
  const withWasm = wasm ? [{ label: 'wasm backend', backend: wasm.wasmBackend }, ...list] : list;
  const presets = [
    { preset: 'tiny', batch: 8, timed: true },
    { preset: 'baby', batch: 12, timed: true },
    // counted at batch 1 (launches do not depend on the batch); its steps take seconds off a GPU
    { preset: 'shakespeare-char', batch: 1, timed: false },
  ];
  console.log(
    `## tiny-gpt's presets: launches / uploads per compiled training step (dropout 0; batch-independent) and ms per step (tiny at batch 8, baby at 12; ${presetSteps} step${presetSteps > 1 ? 's' : ''} after two warm-up steps)\n`,
  );
  const rows = [];
  for (const { preset, batch, timed } of presets) {
    const launches = [`${preset}: launches / uploads`];
    const times = [`${preset}: ms / step`];
    for (const { backend, gpujs } of withWasm) {
      if (!gpujs && !timed) {
        launches.push('–');
        continue;
      }
      const m = await tinyGpt.measureStep({ backend, preset, batch, steps: presetSteps });
      launches.push(m.counts ? `${m.counts.dispatches} / ${m.counts.uploads}` : '–');
      if (timed) times.push(f(m.msPerStep));
    }
    rows.push(launches);
    if (timed) rows.push(times);
  }
  table(['preset', ...withWasm.map((b) => b.label)], rows);
}

for (const { gpujs } of list) gpujs?.dispose();
process.exit(0);
