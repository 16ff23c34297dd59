#!/usr/bin/env node
// The baby GPT's training step on the wasm backend, and the PyTorch anchor it is measured against,
// in one run: `tiny-gpt bench --backends wasm` (ms/iteration, tokens/s, validation loss, and where
// a step's time goes), then — where `/usr/bin/python3 -c 'import torch'` works — the same model
// and loop in PyTorch (baby_gpt_torch.py) on 2 threads with OMP_WAIT_POLICY=PASSIVE and
// OpenBLAS left to its native kernels (OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset for that
// command only). Report only: nothing here is a test or asserts a speed.
// `node tooling/bench/src/gpt-step.mjs [--quick] [--iters 100] [--data FILE] [--no-torch]`
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
  },
});
const iters = Number(opts.iters ?? (opts.quick ? 20 : 100));
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
/** The wasm backend's mean ms/iteration, as tiny-gpt bench printed it. */
let wasmMs = Number.NaN;
if (!existsSync(cli)) {
  console.log(`(tiny-gpt is not built: ${cli} is missing; run \`pnpm build\` first)`);
} else {
  const args = [cli, 'bench', '--backends', 'wasm', '--iters', String(iters)];
  if (shared) args.push('--data', shared);
  const run = spawnSync(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
  process.stdout.write(run.stdout ?? '');
  if (run.status !== 0) process.exitCode = 1;
  wasmMs = Number(/^mean: ([\d.]+) ms\/iteration/m.exec(run.stdout ?? '')?.[1] ?? Number.NaN);
}

console.log(`\n## PyTorch anchor (load average ${load()})\n`);
const python = '/usr/bin/python3';
if (opts['no-torch']) console.log('(skipped: --no-torch)');
else if (!shared)
  console.log(
    '(skipped: the anchor trains on tiny Shakespeare, ../shared/data/tinyshakespeare.txt, not found)',
  );
else if (spawnSync(python, ['-c', 'import torch'], { stdio: 'ignore' }).status !== 0)
  console.log(
    `(skipped: ${python} cannot import torch — install Debian's python3-torch and libopenblas0-pthread)`,
  );
else {
  const env = { ...process.env, OMP_WAIT_POLICY: 'PASSIVE' };
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  const torchIters = String(opts.quick ? 10 : iters);
  const run = spawnSync(python, [join(here, 'baby_gpt_torch.py'), shared, torchIters, '2'], {
    stdio: ['ignore', 'pipe', 'inherit'],
    encoding: 'utf8',
    env,
  });
  process.stdout.write(run.stdout ?? '');
  const torchMs = Number(/: ([\d.]+) ms\/iteration mean/.exec(run.stdout ?? '')?.[1] ?? Number.NaN);
  if (run.status !== 0) console.log(`(the PyTorch anchor failed: exit ${run.status})`);
  else if (Number.isFinite(wasmMs) && Number.isFinite(torchMs))
    console.log(
      `\nwasm at ${(torchMs / wasmMs).toFixed(2)}× PyTorch's tokens/s (${wasmMs} against ${torchMs} ms/iteration, mean; the issue's goal: ≥ 0.75×)`,
    );
  else if (/\/blas\/libblas\.so/.test(run.stdout ?? ''))
    console.log(
      "(PyTorch ran on the reference BLAS, not the anchor the issue means: install Debian's libopenblas0-pthread)",
    );
}
console.log(`\n(load average at the end: ${load()})`);
