#!/usr/bin/env node
// `pnpm ci:under-load`: the README's test command (`pnpm run ci`) on a busy machine, the way a shared
// CI machine often is. It starts CPU-bound competitor processes (2 by default: a busy loop each),
// runs `pnpm run ci` with turbo's cache bypassed (TURBO_FORCE=true, so every build and test really
// runs), stops the competitors however the run ends (success, failure, Ctrl-C, SIGTERM; a competitor
// whose parent died stops itself), prints the load average it saw, and exits with the test command's
// status.
//
// Usage: node tooling/scripts/under-load.mjs [--competitors N]
import { spawn } from 'node:child_process';
import { availableParallelism, constants, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { pnpmCommand, repoRoot } from './workspace.mjs';

const { values } = parseArgs({ options: { competitors: { type: 'string', default: '2' } } });
const count = Number(values.competitors);
if (!Number.isInteger(count) || count < 0) {
  console.error(`under-load: --competitors takes a whole number, not '${values.competitors}'`);
  process.exit(2);
}

// A busy loop that checks every ~50 ms of work whether its parent still lives (reparented = dead),
// so no competitor outlives this script even when it is killed with SIGKILL.
const BUSY = `const parent = process.ppid;
for (;;) {
  for (let i = 0; i < 2e7; i++);
  if (process.ppid !== parent) process.exit(0);
}`;

const competitors = Array.from({ length: count }, () =>
  spawn(process.execPath, ['-e', BUSY], { stdio: 'ignore' }),
);
function stopCompetitors() {
  for (const c of competitors) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
}
process.on('exit', stopCompetitors);

const cores = availableParallelism();
const samples = [];
const sample = () => samples.push(loadavg()[0]);
const sampler = setInterval(sample, 5_000);
const started = Date.now();
console.log(
  `under-load: ${count} CPU-bound competitors on ${cores} cores; running \`pnpm run ci\` (TURBO_FORCE=true)`,
);

const pnpm = pnpmCommand();
const ci = spawn(pnpm[0], [...pnpm.slice(1), 'run', 'ci'], {
  cwd: repoRoot,
  stdio: 'inherit',
  env: { ...process.env, TURBO_FORCE: 'true' },
});

// Ctrl-C reaches the whole foreground process group (the check included); a signal sent to this
// process alone is passed on. Either way the competitors stop, and we exit once the check has.
let signalled;
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    signalled ??= signal;
    stopCompetitors();
    if (ci.exitCode === null && ci.signalCode === null) ci.kill(signal);
  });
}

ci.on('error', (err) => {
  console.error(`under-load: could not start pnpm: ${err.message}`);
  stopCompetitors();
  process.exit(1);
});

ci.on('close', (code, signal) => {
  clearInterval(sampler);
  sample();
  stopCompetitors();
  const mean = samples.reduce((a, b) => a + b, 0) / samples.length;
  const minutes = ((Date.now() - started) / 60_000).toFixed(1);
  console.log(
    `under-load: load average (1 min) seen over ${minutes} min on ${cores} cores: ` +
      `mean ${mean.toFixed(1)}, max ${Math.max(...samples).toFixed(1)} ` +
      `(${count} competitors; \`pnpm run ci\` exited ${signal ?? code})`,
  );
  const status = code ?? 128 + (constants.signals[signal] ?? 15);
  process.exit(signalled && status === 0 ? 1 : status);
});
