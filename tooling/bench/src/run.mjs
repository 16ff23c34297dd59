#!/usr/bin/env node
// `pnpm bench`: @dendrite/tensor's CPU backend against naive JS loops measured in the same run
// (matmul GFLOPS, elementwise throughput), small models on the wasm backend against the CPU backend
// (small-models.mjs), as markdown tables; then every `bench` script found in
// packages/*/package.json and apps/*/package.json, each after building its package.
//
// Options: --quick (small sizes, for a smoke run) · --sizes 128,256 · --elements 1000000
//          --no-models (skip the small models) · --no-discover (only these tables)
//          --write (put the tables in tooling/bench/README.md)
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { pnpmCommand, repoRoot, workspacePackages } from '@dendrite/scripts/workspace';
import { add, exp, gelu, getBackend, matmul, mul, tensor } from '@dendrite/tensor';
import { naiveAdd, naiveExp, naiveGelu, naiveGeluTanh, naiveMatmul, naiveMul } from './baselines.mjs';
import { fmt, measure, randomArray, table } from './measure.mjs';
import { smallModels } from './small-models.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const { values: opts } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--'), // `pnpm bench -- --quick` passes the `--` on
  options: {
    quick: { type: 'boolean', default: false },
    sizes: { type: 'string' },
    elements: { type: 'string' },
    'no-models': { type: 'boolean', default: false },
    'no-discover': { type: 'boolean', default: false },
    write: { type: 'boolean', default: false },
  },
});
const writeTarget = opts.write ? resolve(here, '..', 'README.md') : undefined;
const sizes = (opts.sizes ?? (opts.quick ? '64,128' : '128,256,512,1024')).split(',').map(Number);
const elements = Number(opts.elements ?? (opts.quick ? 100_000 : 1_000_000));
const timing = opts.quick ? { warmup: 1, samples: 3, maxMs: 300 } : { warmup: 2, samples: 9, maxMs: 2500 };

const cpu = os.cpus();
const machine = `${cpu[0]?.model.trim() ?? 'unknown CPU'}, ${cpu.length} cores, Node ${process.version}, ${os.platform()} ${os.arch()}`;
const date = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
const out = [];
const print = (line = '') => {
  console.log(line);
  out.push(line);
};

print('# @dendrite/tensor benchmarks');
print();
print(`- date: ${date}`);
print(`- machine: ${machine}`);
print(`- backend: ${getBackend().name}; float32; median of timed samples after warm-up`);
print();

// ── matmul ──────────────────────────────────────────────────────────────────────────────────────
print('## matmul: C = A·B, N×N float32');
print();
const matRows = [];
for (const n of sizes) {
  const A = randomArray(n * n, 1);
  const B = randomArray(n * n, 2);
  const a = tensor(A, { shape: [n, n] });
  const b = tensor(B, { shape: [n, n] });
  const flops = 2 * n * n * n;
  const big = n >= 512 ? { warmup: 1, samples: Math.min(timing.samples, 5) } : {};
  const tCpu = measure(() => matmul(a, b).dispose(), { ...timing, ...big });
  const tNaive = measure(() => naiveMatmul(A, B, n), { ...timing, ...big });
  // Same answer? (outside the timings)
  const got = matmul(a, b);
  const want = naiveMatmul(A, B, n);
  const data = got.dataSync();
  let maxDiff = 0;
  for (let i = 0; i < want.length; i++) maxDiff = Math.max(maxDiff, Math.abs(data[i] - want[i]));
  got.dispose();
  a.dispose();
  b.dispose();
  matRows.push([
    String(n),
    fmt(tCpu * 1e3),
    fmt(flops / tCpu / 1e9),
    fmt(tNaive * 1e3),
    fmt(flops / tNaive / 1e9),
    `${fmt(tNaive / tCpu, 2)}×`,
    maxDiff.toExponential(1),
  ]);
}
print(
  table(
    [
      'N',
      'CPU backend ms',
      'CPU backend GFLOPS',
      'naive JS (i-k-j) ms',
      'naive JS GFLOPS',
      'speed-up',
      'max abs diff',
    ],
    matRows,
  ),
);
print();

// ── elementwise ─────────────────────────────────────────────────────────────────────────────────
print(`## elementwise: ${elements.toLocaleString('en-US')} float32 elements`);
print();
const X = randomArray(elements, 3);
const Y = randomArray(elements, 4);
const x = tensor(X);
const y = tensor(Y);
const ops = [
  ['add', () => add(x, y), () => naiveAdd(X, Y)],
  ['mul', () => mul(x, y), () => naiveMul(X, Y)],
  ['exp', () => exp(x), () => naiveExp(X)],
  ['gelu (erf)', () => gelu(x), () => naiveGelu(X)],
  ['gelu (tanh)', () => gelu(x, { approximate: 'tanh' }), () => naiveGeluTanh(X)],
];
const ewRows = [];
for (const [name, op, naive] of ops) {
  const tCpu = measure(() => op().dispose(), timing);
  const tNaive = measure(naive, timing);
  const got = op();
  const data = got.dataSync();
  got.dispose();
  const want = naive();
  let maxDiff = 0;
  for (let i = 0; i < want.length; i++) maxDiff = Math.max(maxDiff, Math.abs(data[i] - want[i]));
  ewRows.push([
    name,
    fmt(tCpu * 1e3),
    fmt(elements / tCpu / 1e6),
    fmt(tNaive * 1e3),
    fmt(elements / tNaive / 1e6),
    `${fmt(tNaive / tCpu, 2)}×`,
    maxDiff.toExponential(1),
  ]);
}
x.dispose();
y.dispose();
print(
  table(
    [
      'op',
      'CPU backend ms',
      'CPU backend M elem/s',
      'naive JS ms',
      'naive JS M elem/s',
      'speed-up',
      'max abs diff',
    ],
    ewRows,
  ),
);
print();
print(
  'speed-up = naive time / CPU backend time (above 1 means the backend is faster). The naive exact GELU uses the ' +
    'Abramowitz–Stegun erf (1.5e-7); for float32 the backend uses an erf accurate to 3e-7, for float64 a float64-accurate one.',
);

// ── small models: wasm against cpu ──────────────────────────────────────────────────────────────
if (!opts['no-models']) {
  print();
  await smallModels({ print, quick: opts.quick, table, fmt });
}

if (writeTarget) {
  const readme = readFileSync(writeTarget, 'utf8');
  const start = '<!-- bench:results:start -->';
  const end = '<!-- bench:results:end -->';
  const i = readme.indexOf(start);
  const j = readme.indexOf(end);
  if (i < 0 || j < i) throw new Error(`${writeTarget}: markers ${start} … ${end} not found`);
  const body = out.slice(2).join('\n').replace(/^## /gm, '### ').trim();
  writeFileSync(writeTarget, `${readme.slice(0, i + start.length)}\n\n${body}\n\n${readme.slice(j)}`);
  console.log(`\n(wrote the tables to ${relative(process.cwd(), writeTarget)})`);
}

// ── every other package's own `bench` script ────────────────────────────────────────────────────
if (!opts['no-discover']) {
  const benches = workspacePackages(repoRoot).filter(
    (p) =>
      /^(packages|apps)\//.test(relative(repoRoot, p.dir)) && typeof p.manifest.scripts?.bench === 'string',
  );
  const pnpm = pnpmCommand(repoRoot);
  const failed = [];
  for (const p of benches) {
    const where = relative(repoRoot, p.dir);
    console.log(`\n# ${p.name} (${where}: ${p.manifest.scripts.bench})\n`);
    const build = spawnSync(
      pnpm[0],
      [
        ...pnpm.slice(1),
        'exec',
        'turbo',
        'run',
        'build',
        `--filter=${p.name}...`,
        '--output-logs=errors-only',
      ],
      {
        cwd: repoRoot,
        stdio: ['ignore', 'inherit', 'inherit'],
        env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1' },
      },
    );
    if (build.status !== 0) {
      console.log(`(build of ${p.name} failed; its bench was not run)`);
      failed.push(p.name);
      continue;
    }
    const run = spawnSync(pnpm[0], [...pnpm.slice(1), 'run', 'bench'], { cwd: p.dir, stdio: 'inherit' });
    if (run.status !== 0) failed.push(p.name);
  }
  if (benches.length === 0) console.log('\n(no other package has a bench script yet)');
  if (failed.length) {
    console.log(`\nbench scripts that failed: ${failed.join(', ')}`);
    process.exitCode = 1;
  }
}
