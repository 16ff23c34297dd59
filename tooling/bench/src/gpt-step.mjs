#!/usr/bin/env node
// The baby GPT's training step on the wasm backend, and the PyTorch anchor it is measured against,
// in one run: `tiny-gpt bench --backends wasm` (ms/iteration, tokens/s, validation loss, and where
// a step's time goes), then — where `/usr/bin/python3 -c 'import torch'` works — the same model
// and loop in PyTorch (baby_gpt_torch.py) on 2 threads with OMP_WAIT_POLICY=PASSIVE and
// OpenBLAS left to its native kernels (OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset for that
// command only). Report only: nothing here is a test or asserts a speed.
// `node tooling/bench/src/gpt-step.mjs [--quick] [--iters 100] [--pairs N] [--data FILE] [--no-torch]`
// (--pairs N: N back-to-back runs of both, the first printed in full, and the median ratio.)
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { repoRoot } from '@dendrite/scripts/workspace';

const here = dirname(fileURLToPath(import.meta.url));
const { values: opts } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: {
    quick: { type: 'boolean', default: false },
    iters: { type: 'string' },
    data: { type: 'string' },
    'no-torch': { type: 'boolean', default: false },
    pairs: { type: 'string' },
  },
});
const iters = Number(opts.iters ?? (opts.quick ? 20 : 100));
/** Back-to-back runs of both, each pair a ratio (--pairs, default 1). */
const pairCount = Math.max(1, Math.floor(Number(opts.pairs ?? 1)) || 1);
// tiny Shakespeare: --data, $DENDRITE_SHAKESPEARE, or ../shared/data beside (or two levels above) the checkout.
const shared = [
  opts.data,
  process.env.DENDRITE_SHAKESPEARE,
  join(repoRoot, '..', 'shared', 'data', 'tinyshakespeare.txt'),
  join(repoRoot, '..', '..', 'shared', 'data', 'tinyshakespeare.txt'),
].find((p) => typeof p === 'string' && existsSync(p));
const load = () =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');

console.log(`# baby GPT training step: wasm backend and the PyTorch anchor (load average ${load()})\n`);
const cli = join(repoRoot, 'apps', 'tiny-gpt', 'dist', 'cli.js');
const python = '/usr/bin/python3';

/** tiny-gpt bench on the wasm backend: its output, and the mean ms/iteration it printed. */
function runWasm() {
  const args = [cli, 'bench', '--backends', 'wasm', '--iters', String(iters)];
  if (shared) args.push('--data', shared);
  const run = spawnSync(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
  if (run.status !== 0) process.exitCode = 1;
  const out = run.stdout ?? '';
  return { out, ms: Number(/^mean: ([\d.]+) ms\/iteration/m.exec(out)?.[1] ?? Number.NaN) };
}

/** The same model and loop in PyTorch: its output, the mean ms/iteration, and its exit status. */
function runTorch() {
  const env = { ...process.env, OMP_WAIT_POLICY: 'PASSIVE' };
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  const torchIters = String(opts.quick ? 10 : iters);
  const run = spawnSync(python, [join(here, 'baby_gpt_torch.py'), shared, torchIters, '2'], {
    stdio: ['ignore', 'pipe', 'inherit'],
    encoding: 'utf8',
    env,
  });
  const out = run.stdout ?? '';
  return {
    out,
    status: run.status,
    ms: Number(/: ([\d.]+) ms\/iteration mean/.exec(out)?.[1] ?? Number.NaN),
  };
}

const built = existsSync(cli);
const torchSkip = opts['no-torch']
  ? '(skipped: --no-torch)'
  : !shared
    ? '(skipped: the anchor trains on tiny Shakespeare, ../shared/data/tinyshakespeare.txt, not found)'
    : spawnSync(python, ['-c', 'import torch'], { stdio: 'ignore' }).status !== 0
      ? `(skipped: ${python} cannot import torch — install Debian's python3-torch and libopenblas0-pthread)`
      : null;
/** [wasm ms, PyTorch ms] of each pair run back to back. */
const pairs = [];
for (let i = 0; i < pairCount; i++) {
  const first = i === 0;
  if (pairCount > 1) console.log(`${first ? '' : '\n'}### pair ${i + 1} of ${pairCount}\n`);
  let wasmMs = Number.NaN;
  if (!built) console.log(`(tiny-gpt is not built: ${cli} is missing; run \`pnpm build\` first)`);
  else {
    const w = runWasm();
    wasmMs = w.ms;
    process.stdout.write(first ? w.out : `wasm: ${w.ms} ms/iteration mean over ${iters} iterations\n`);
  }
  if (first) console.log(`\n## PyTorch anchor (load average ${load()})\n`);
  if (torchSkip) {
    if (first) console.log(torchSkip);
    continue;
  }
  const t = runTorch();
  process.stdout.write(first ? t.out : `PyTorch: ${t.ms} ms/iteration mean\n`);
  if (t.status !== 0) console.log(`(the PyTorch anchor failed: exit ${t.status})`);
  else if (Number.isFinite(wasmMs) && Number.isFinite(t.ms)) {
    pairs.push([wasmMs, t.ms]);
    console.log(
      `\nwasm at ${(t.ms / wasmMs).toFixed(2)}× PyTorch's tokens/s (${wasmMs} against ${t.ms} ms/iteration, mean; the issue's goal: ≥ 0.75×)`,
    );
  } else if (/\/blas\/libblas\.so/.test(t.out))
    console.log(
      "(PyTorch ran on the reference BLAS, not the anchor the issue means: install Debian's libopenblas0-pthread)",
    );
}
if (pairs.length > 1) {
  // The machine's speed drifts between minutes: a ratio from one back-to-back pair is steadier
  // than either figure, and the median of several pairs steadier still.
  const ratios = pairs.map(([w, t]) => t / w).sort((a, b) => a - b);
  const mid = ratios.length >> 1;
  const median = ratios.length % 2 ? ratios[mid] : (ratios[mid - 1] + ratios[mid]) / 2;
  console.log(`\n| pair | wasm ms/iteration | PyTorch ms/iteration | ratio |\n| --- | ---: | ---: | ---: |`);
  pairs.forEach(([w, t], i) => console.log(`| ${i + 1} | ${w} | ${t} | ${(t / w).toFixed(2)}× |`));
  console.log(
    `\nwasm at ${median.toFixed(2)}× PyTorch's tokens/s, the median of ${pairs.length} back-to-back pairs (${ratios[0].toFixed(2)}–${ratios.at(-1).toFixed(2)}×; the issue's goal: ≥ 0.75×)`,
  );
}
console.log(`\n(load average at the end: ${load()})`);
