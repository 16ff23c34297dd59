// The release rehearsal, end to end: `pnpm release:local` run as a user runs it, then its report.
// It waits for events only (a line printed, the process's exit); the timeouts bound a hang and hold
// on a machine ten times slower than the times measured alone, written beside them.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { workspacePackages } from '@dendrite/scripts/workspace';
import { afterAll, describe, expect, it } from 'vitest';

const toolDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const repoRoot = resolve(toolDir, '../..');
const script = join(toolDir, 'src', 'release-local.mjs');
const children = new Set();
const tmp = mkdtempSync(join(tmpdir(), 'dendrite-release-test-'));

/** Starts the script in its own process group; `exited` resolves with its code and output. */
function start(args) {
  const child = spawn(process.execPath, [script, ...args], {
    cwd: repoRoot,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  let output = '';
  const listeners = new Set();
  const onData = (d) => {
    output += d;
    for (const fn of listeners) fn(output);
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const exited = new Promise((res) =>
    child.on('close', (code, signal) => {
      children.delete(child);
      res({ code, signal, output });
    }),
  );
  /** Resolves when the output matches (or rejects when the process exits first). */
  const waitFor = (re) =>
    new Promise((res, rej) => {
      const check = (out) => {
        const m = re.exec(out);
        if (m) {
          listeners.delete(check);
          res(m);
        }
      };
      listeners.add(check);
      check(output);
      exited.then(({ code }) => rej(new Error(`exited ${code} before ${re}:\n${output.slice(-3000)}`)));
    });
  return { child, exited, waitFor };
}

/** Whether something answers on the registry's URL (a refused connection is `false`). */
async function answers(url) {
  try {
    const res = await fetch(new URL('-/ping', url), { signal: AbortSignal.timeout(20_000) });
    return res.ok;
  } catch {
    return false;
  }
}

afterAll(async () => {
  // A test that failed or timed out must not leave the rehearsal running: SIGTERM lets it stop its
  // registry and remove its folder; SIGKILL of the group is the last resort.
  await Promise.all(
    [...children].map(
      (child) =>
        new Promise((res) => {
          child.once('close', res);
          try {
            process.kill(child.pid, 'SIGTERM');
          } catch {}
          setTimeout(() => {
            try {
              process.kill(-child.pid, 'SIGKILL');
            } catch {}
          }, 20_000).unref();
        }),
    ),
  );
  rmSync(tmp, { recursive: true, force: true });
}, 60_000);

describe('pnpm release:local', () => {
  it('stops the registry and removes its folder on SIGTERM', async () => {
    const run = start(['--serve']);
    const [, url] = await run.waitFor(/serving (http:\/\/127\.0\.0\.1:\d+\/) until Ctrl-C \(ready\)/);
    const [, storage] = await run.waitFor(/\(storage (\S+)\)/);
    const work = dirname(storage);
    expect(existsSync(work)).toBe(true);
    expect(await answers(url)).toBe(true);
    process.kill(run.child.pid, 'SIGTERM');
    const { code } = await run.exited;
    expect(code).toBe(143);
    expect(existsSync(work)).toBe(false);
    expect(await answers(url)).toBe(false);
  }, 120_000); // ~4 s alone

  it('versions, publishes to a local registry, installs by name and runs the README examples', async () => {
    const changesetsBefore = readdirSync(join(repoRoot, '.changeset')).sort();
    const versionsBefore = new Map(workspacePackages(repoRoot).map((p) => [p.name, p.manifest.version]));
    const npmrcBefore = existsSync(join(repoRoot, '.npmrc'));
    const reportFile = join(tmp, 'report.json');

    const run = start(['--report', reportFile]);
    const { code, output } = await run.exited;
    const report = existsSync(reportFile) ? JSON.parse(readFileSync(reportFile, 'utf8')) : undefined;
    expect(report, output.slice(-5000)).toBeDefined();
    console.log(
      `release:local ${report.seconds} s: ${report.steps.map((s) => `${s.name.split(':')[0]} ${s.seconds} s`).join(', ')}`,
    );
    expect(report.problems, output.slice(-5000)).toEqual([]);
    expect(code).toBe(0);

    // Every public package, at the version its changesets call for; nothing private.
    const publicNames = workspacePackages(repoRoot)
      .filter((p) => p.manifest.private !== true)
      .map((p) => p.name)
      .sort();
    expect(report.packages.map((p) => p.name).sort()).toEqual(publicNames);
    for (const p of report.packages) {
      const want = report.expected.find((e) => e.name === p.name)?.to;
      if (want) expect(p.version, p.name).toBe(want);
    }
    // Each package was installed alone, and the three of the root README together.
    expect(report.projects.filter((p) => p.ok).map((p) => p.project)).toContain('trio');
    expect(report.projects.every((p) => p.ok)).toBe(true);
    expect(report.projects.length).toBe(publicNames.length + 1);
    // A README example ran for every package.
    for (const name of publicNames)
      expect(
        report.readme.some((r) => r.package === name && r.kind === 'program' && r.ok),
        name,
      ).toBe(true);

    // The registry is gone and the working tree untouched.
    expect(report.cleanedUp).toBe(true);
    expect(existsSync(report.work)).toBe(false);
    expect(await answers(report.registry)).toBe(false);
    for (const f of changesetsBefore) expect(existsSync(join(repoRoot, '.changeset', f)), f).toBe(true);
    // (Only what `changeset version` would touch: others may add packages meanwhile.)
    for (const p of workspacePackages(repoRoot))
      if (versionsBefore.has(p.name)) expect(p.manifest.version, p.name).toBe(versionsBefore.get(p.name));
    expect(existsSync(join(repoRoot, '.npmrc'))).toBe(npmrcBefore);
  }, 1_800_000); // ~80 s alone with the packages in turbo's cache (as in CI), ~3 min with 5 of 8 rebuilt
});
