// Child processes and clean-up for the release rehearsal.
//
// Every child runs in its own process group (`detached`), so stopping it also stops what it started
// (turbo → tsup → esbuild, npm → node-gyp…). Ctrl-C in a terminal therefore reaches only this
// script, which stops the children itself, then runs the clean-up steps (stop the registry, remove
// the work folder) and exits 130 (SIGINT) / 143 (SIGTERM). A plain `exit` still kills the groups and
// removes the folders synchronously, so nothing outlives the script but what SIGKILL leaves.
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';

/** Process groups of running children. */
const groups = new Set();
/** Clean-up steps, run last-registered first. */
const cleanups = [];
/** Folders removed synchronously on exit, whatever happened. */
const folders = new Set();
let cleaning;

/**
 * Runs a command; never throws for a non-zero exit. Output is collected (and echoed when `echo`).
 * `hangMs` only bounds a hang: the group gets SIGTERM, then SIGKILL 5 s later, and the result says so.
 * @param {string} cmd
 * @param {string[]} args
 * @param {{ cwd?: string, env?: NodeJS.ProcessEnv, hangMs?: number, echo?: boolean }} [options]
 * @returns {Promise<{ code: number, signal: string | null, stdout: string, stderr: string, ms: number, hung: boolean }>}
 */
export function run(cmd, args, { cwd, env, hangMs = 600_000, echo = false } = {}) {
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let hung = false;
    const cap = (s) => (s.length > 4_000_000 ? s.slice(-4_000_000) : s);
    child.stdout.on('data', (d) => {
      stdout = cap(stdout + d);
      if (echo) process.stdout.write(d);
    });
    child.stderr.on('data', (d) => {
      stderr = cap(stderr + d);
      if (echo) process.stderr.write(d);
    });
    if (child.pid) groups.add(child.pid);
    let killTimer;
    const hangTimer = setTimeout(() => {
      hung = true;
      killGroup(child.pid, 'SIGTERM');
      killTimer = setTimeout(() => killGroup(child.pid, 'SIGKILL'), 5_000);
    }, hangMs);
    const done = (code, signal) => {
      clearTimeout(hangTimer);
      clearTimeout(killTimer);
      groups.delete(child.pid);
      resolve({ code: code ?? 1, signal, stdout, stderr, ms: performance.now() - started, hung });
    };
    child.on('error', (e) => {
      stderr += String(e?.message ?? e);
      done(127, null);
    });
    child.on('close', done);
  });
}

function killGroup(pid, signal) {
  if (!pid) return;
  try {
    process.kill(-pid, signal);
  } catch {}
}

/** Registers an async clean-up step (stop a server…); they run once, newest first. */
export function onCleanup(fn) {
  cleanups.push(fn);
}

/** Registers a folder to remove at the end, however the script ends. */
export function removeAtExit(dir) {
  folders.add(dir);
}

/** Forgets a folder registered with `removeAtExit` (kept for inspection). */
export function keepFolder(dir) {
  folders.delete(dir);
}

/** Stops every child group, runs the clean-up steps, removes the folders. Idempotent. */
export function cleanup() {
  cleaning ??= (async () => {
    for (const pid of groups) killGroup(pid, 'SIGTERM');
    for (const fn of cleanups.reverse()) {
      try {
        await fn();
      } catch (e) {
        console.error(`clean-up: ${e?.message ?? e}`);
      }
    }
    for (const pid of groups) killGroup(pid, 'SIGKILL');
    for (const dir of folders) rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
    folders.clear();
  })();
  return cleaning;
}

/** Ctrl-C, SIGTERM and SIGHUP clean up, then exit 128 + signal number; `exit` cleans what it can. */
export function installSignalHandlers() {
  const codes = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 };
  for (const [signal, code] of Object.entries(codes)) {
    process.on(signal, () => {
      console.error(`\nrelease:local: ${signal}, cleaning up`);
      cleanup().finally(() => process.exit(code));
    });
  }
  process.on('exit', () => {
    for (const pid of groups) killGroup(pid, 'SIGKILL');
    for (const dir of folders) rmSync(dir, { recursive: true, force: true });
  });
}

export { mapLimit } from '@dendrite/scripts/map-limit';

/** Indents a block of text for a report line. */
export const indent = (text, pad = '      ') =>
  String(text)
    .trimEnd()
    .split('\n')
    .map((l) => pad + l)
    .join('\n');

/** The last `n` lines of a command's output, for an error message. */
export const tail = (r, n = 25) =>
  `${r.stdout}\n${r.stderr}`.trim().split('\n').slice(-n).join('\n') + (r.hung ? '\n(stopped: it hung)' : '');
