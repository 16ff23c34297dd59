#!/usr/bin/env node
// Before/after of @dendrite/backend-wasm in one process: the package as it is at a git ref (`--base`,
// default HEAD~1) and as it is in this checkout, both bundled from source with their own kernels,
// run alternately so both see the same load — the baby GPT's products (one thread: CPU time; all
// threads: wall time) and whole training steps (CPU and wall time per step, and whether the two
// builds' losses agree to the bit). On a shared machine interleaved CPU time is the steadier figure.
// Report only. `node tooling/bench/src/wasm-ab.mjs [--base REF] [--steps 16] [--threads 1|2]`
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { GPT, presetConfig } from '@dendrite/gpt';
import { AdamW, clipGradNorm, decayGroups } from '@dendrite/optim';
import { repoRoot } from '@dendrite/scripts/workspace';
import { Generator, matmul, randn, setBackend, tidy } from '@dendrite/tensor';
import { CharTokenizer } from '@dendrite/tokenizer';
import { builtInCorpus, findShakespeare, loadText, TokenDataset } from 'tiny-gpt';

const { values: opts } = parseArgs({
  options: {
    base: { type: 'string', default: 'HEAD~1' },
    steps: { type: 'string', default: '16' },
    threads: { type: 'string', default: '1' },
    data: { type: 'string' },
  },
});
const pkg = join(repoRoot, 'packages', 'backend-wasm');
const cache = join(pkg, 'node_modules', '.cache', 'wasm-ab');
const base = join(cache, 'base');
rmSync(cache, { recursive: true, force: true });
mkdirSync(base, { recursive: true });
// The base ref's package, with this checkout's node_modules (same compiler, same tensor core).
execFileSync('sh', [
  '-c',
  `git -C "${repoRoot}" archive "${opts.base}" packages/backend-wasm | tar -x -C "${base}"`,
]);
const baseDir = join(base, 'packages', 'backend-wasm');
symlinkSync(join(pkg, 'node_modules'), join(baseDir, 'node_modules'));
execFileSync(process.execPath, [join(baseDir, 'scripts', 'build-wasm.mjs')], { stdio: 'ignore' });
const { build } = createRequire(join(pkg, 'package.json'))('esbuild');
const builds = [];
for (const [name, dir] of [
  [`base (${opts.base})`, baseDir],
  ['this checkout', pkg],
]) {
  const r = await build({
    entryPoints: [join(dir, 'src', 'index.ts')],
    absWorkingDir: dir,
    bundle: true,
    format: 'esm',
    platform: 'node',
    conditions: ['dendrite-source'],
    external: ['@dendrite/tensor', '@dendrite/tensor/backend'],
    write: false,
    logLevel: 'error',
  });
  // Beside this script, so that '@dendrite/tensor' resolves to the one copy the models use.
  const file = join(import.meta.dirname, '..', 'node_modules', '.cache', `wasm-ab-${builds.length}.mjs`);
  mkdirSync(join(file, '..'), { recursive: true });
  writeFileSync(file, r.outputFiles[0].text);
  builds.push({ name, m: await import(pathToFileURL(file).href) });
}
const threads = opts.threads === '2';
for (const b of builds) await (threads ? b.m.enableThreads() : b.m.disableThreads());
const clock = threads
  ? () => performance.now()
  : () => {
      const u = process.cpuUsage();
      return (u.user + u.system) / 1000;
    };
const med = (a) => [...a].sort((x, y) => x - y)[a.length >> 1];
console.log(
  `${cpus()[0]?.model ?? '?'} × ${cpus().length}, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}; ` +
    `${threads ? 'all threads, wall' : 'one thread, CPU'} time; load average ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}\n`,
);

// ── products ─────────────────────────────────────────────────────────────────────────────────────
const shapes = [
  ['attn qkv x·Wᵀ', 128, 384],
  ['mlp fc x·Wᵀ', 128, 512],
  ['mlp proj x·Wᵀ', 512, 128],
];
console.log(`| product (M = 768) | ${builds.map((b) => `${b.name} GFLOPS`).join(' | ')} | after / before |`);
console.log('| --- | --- | --- | --- |');
for (const [name, fin, fout] of shapes) {
  const ops = builds.map(({ m }) => {
    setBackend(m.wasmBackend);
    const x = randn([768, fin]);
    const w = randn([fout, fin]);
    const g = randn([768, fout]);
    return [
      [`${name} [768,${fin}]·[${fin},${fout}]`, () => matmul(x, w.mT).dispose(), 768 * fin * fout],
      [`g·W [768,${fout}]·[${fout},${fin}]`, () => matmul(g, w).dispose(), 768 * fin * fout],
      [`gᵀ·x [${fout},768]·[768,${fin}]`, () => matmul(g.mT, x).dispose(), 768 * fin * fout],
    ];
  });
  for (let v = 0; v < 3; v++) {
    const times = builds.map(() => []);
    for (let r = 0; r < 15; r++)
      builds.forEach((_, i) => {
        const t0 = clock();
        for (let k = 0; k < 3; k++) ops[i][v][1]();
        times[i].push((clock() - t0) / 3);
      });
    const gf = times.map((t) => (2 * ops[0][v][2]) / med(t) / 1e6);
    console.log(
      `| ${ops[0][v][0]} | ${gf.map((x) => x.toFixed(1)).join(' | ')} | ${(gf[1] / gf[0]).toFixed(2)}× |`,
    );
  }
}

// ── training steps ───────────────────────────────────────────────────────────────────────────────
const path = opts.data ?? findShakespeare();
const text = path ? (await loadText(path)).text : builtInCorpus();
const tok = CharTokenizer.fromCorpus(text);
const config = presetConfig('baby', tok.vocabSize);
const data = new TokenDataset(tok.encodeOrdinary(text), config.blockSize);
const rigs = builds.map(({ name, m }) => {
  setBackend(m.wasmBackend);
  const model = new GPT(config, { generator: new Generator(1337) });
  const opt = new AdamW(decayGroups(model.parameters(), 0.1), { lr: 1e-3, betas: [0.9, 0.99] });
  return { name, m, model, opt, rng: new Generator(1), times: [], losses: [] };
});
const steps = Number(opts.steps);
for (let s = 0; s < steps + 2; s++) {
  for (const r of s % 2 ? rigs : [...rigs].reverse()) {
    setBackend(r.m.wasmBackend);
    const t0 = clock();
    const loss = tidy(() => {
      const { x, y } = data.batch('train', 12, r.rng);
      const l = r.model.forward(x, y).loss;
      l.backward();
      clipGradNorm(r.model.parameters(), 1);
      r.opt.step();
      r.opt.zeroGrad();
      return l.detach();
    });
    const ms = clock() - t0;
    r.losses.push(loss.dataSync()[0]);
    loss.dispose();
    if (s >= 2) r.times.push(ms);
  }
}
console.log(`\nbaby GPT training step (${steps} steps each, alternating, after 2 of warm-up), ms/step:\n`);
console.log('| build | median | fastest |');
console.log('| --- | --- | --- |');
for (const r of rigs)
  console.log(`| ${r.name} | ${med(r.times).toFixed(1)} | ${Math.min(...r.times).toFixed(1)} |`);
const same = rigs[0].losses.every((x, i) => Object.is(x, rigs[1].losses[i]));
console.log(`\nlosses of the two builds ${same ? 'identical to the bit at every step' : 'DIFFER'}`);
console.log(
  `(load average at the end: ${loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')})`,
);
