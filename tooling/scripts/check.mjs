#!/usr/bin/env node
// The whole check, as `pnpm ci` (and `pnpm check`) runs it:
//   1. turbo run build lint typecheck test   every workspace package, in dependency order, cached;
//                                            --continue so one failure does not hide the others
//   2. biome check .                         the repo-wide lint (root files and tooling included)
//   3. pnpm run check:packages               pack + publint + attw + npm-install/import of packages/*
//   4. the totals line (tooling/scripts/test-summary.mjs): `N passed, N failed`
// Every step runs even when an earlier one failed, so the totals say what ran; the exit code is
// non-zero when any step or test failed.
//
// Turbo runs at most as many tasks at once as the machine has cores (at least 2), not its default
// of 10: on a 2-core machine ten builds, typechecks and test runs at once (each vitest run with its
// own worker, Chromium, lavapipe) only multiply whatever load the machine already has, and every
// test's wall time with it; the total work is the same either way. DENDRITE_CONCURRENCY overrides
// the bound (a number, or a percentage of the cores, as turbo reads it). TURBO_FORCE=true in the
// environment bypasses turbo's cache (turbo reads it itself; `pnpm ci:under-load` sets it).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { cleanReports, STEPS_FILE, summarize, totalsLine } from './test-summary.mjs';
import { pnpmCommand, repoRoot } from './workspace.mjs';

const pnpm = pnpmCommand();
const { DENDRITE_CONCURRENCY, ...inherited } = process.env; // read here, kept out of turbo's task hashes
const concurrency = DENDRITE_CONCURRENCY || String(Math.max(2, availableParallelism()));
const env = { ...inherited, TURBO_TELEMETRY_DISABLED: '1', DO_NOT_TRACK: '1' };

/** Runs one step with inherited output; returns its exit code. */
function step(title, cmd, args) {
  console.log(`\n━━ ${title}: ${[cmd, ...args].join(' ')}`);
  const r = spawnSync(cmd, args, { cwd: repoRoot, stdio: 'inherit', env });
  if (r.error) console.error(r.error.message);
  return r.status ?? 1;
}

/** The newest turbo run summary written after `since`, as `{ 'pkg#task': { ok } }`. */
function turboTasks(since) {
  const dir = join(repoRoot, '.turbo', 'runs');
  if (!existsSync(dir)) return {};
  const newest = readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => ({ f: join(dir, f), t: statSync(join(dir, f)).mtimeMs }))
    .filter((x) => x.t >= since)
    .sort((a, b) => b.t - a.t)[0];
  if (!newest) return {};
  try {
    const summary = JSON.parse(readFileSync(newest.f, 'utf8'));
    rmSync(newest.f, { force: true }); // read once; do not let .turbo/runs grow with every check
    return Object.fromEntries(
      (summary.tasks ?? []).map((t) => [
        t.taskId,
        { ok: t.execution?.exitCode === 0, ran: t.execution !== undefined, cache: t.cache?.status },
      ]),
    );
  } catch {
    return {};
  }
}

cleanReports();
const started = Date.now() - 1000;
const steps = [];

const turboCode = step('build, lint, typecheck, test', pnpm[0], [
  ...pnpm.slice(1),
  'exec',
  'turbo',
  'run',
  'build',
  'lint',
  'typecheck',
  'test',
  '--continue=dependencies-successful',
  `--concurrency=${concurrency}`,
  '--summarize',
]);
const tasks = turboTasks(started);
const failedTasks = Object.entries(tasks)
  .filter(([, t]) => !t.ok)
  .map(([id, t]) => (t.ran ? id : `${id} (not run)`));
steps.push({
  name: 'turbo run build lint typecheck test',
  ok: turboCode === 0,
  detail: turboCode === 0 ? '' : failedTasks.join(', ') || `exit ${turboCode}`,
});

const biomeCode = step('repo-wide lint', pnpm[0], [...pnpm.slice(1), 'exec', 'biome', 'check', '.']);
steps.push({
  name: 'biome check .',
  ok: biomeCode === 0,
  detail: biomeCode === 0 ? '' : `exit ${biomeCode}`,
});

const packCode = step('package check', pnpm[0], [...pnpm.slice(1), 'run', 'check:packages']);
steps.push({ name: 'package check', ok: packCode === 0, detail: packCode === 0 ? '' : `exit ${packCode}` });

mkdirSync(join(repoRoot, '.reports'), { recursive: true });
writeFileSync(join(repoRoot, STEPS_FILE), `${JSON.stringify({ steps, tasks }, null, 2)}\n`);

const s = summarize();
console.log('\n━━ summary');
for (const line of s.lines) console.log(line);
console.log(totalsLine(s));
process.exit(steps.every((x) => x.ok) && s.failed === 0 ? 0 : 1);
