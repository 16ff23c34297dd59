import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { main } from '../src/cli.js';

/** The built CLI, as a user runs it. */
export const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

/** Heavy CLI tests: enough for a machine ten times slower than a busy laptop. */
export const SLOW = 600_000;

export interface CliRun {
  code: number;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI in a child process (as a user would) and waits for it to exit. */
export function runBuiltCli(
  args: readonly string[],
  options: { cwd?: string; env?: Record<string, string> } = {},
): Promise<CliRun> {
  const child = startBuiltCli(args, options);
  return finished(child);
}

/** Starts the built CLI; stdout and stderr are collected on `child.output`. */
export function startBuiltCli(
  args: readonly string[],
  options: { cwd?: string; env?: Record<string, string> } = {},
): ChildProcess & { output: { stdout: string; stderr: string } } {
  if (!existsSync(CLI)) throw new Error(`build the app first (pnpm build): the test runs ${CLI}`);
  const child = spawn(process.execPath, [CLI, ...args], {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  }) as ChildProcess & { output: { stdout: string; stderr: string } };
  child.output = { stdout: '', stderr: '' };
  child.stdout?.on('data', (d) => {
    child.output.stdout += String(d);
  });
  child.stderr?.on('data', (d) => {
    child.output.stderr += String(d);
  });
  return child;
}

/** Resolves when the child has exited and its output is complete. */
export function finished(child: ReturnType<typeof startBuiltCli>): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) =>
      resolve({ code: code ?? -1, signal, stdout: child.output.stdout, stderr: child.output.stderr }),
    );
  });
}

/** Resolves when the child's stderr or stdout contains `text` (an event, never a time). */
export function waitForOutput(child: ReturnType<typeof startBuiltCli>, text: string | RegExp): Promise<void> {
  const seen = () => {
    const all = child.output.stdout + child.output.stderr;
    return typeof text === 'string' ? all.includes(text) : text.test(all);
  };
  return new Promise((resolve, reject) => {
    if (seen()) return resolve();
    const check = () => {
      if (seen()) {
        cleanup();
        resolve();
      }
    };
    const onExit = (code: number | null) => {
      cleanup();
      if (seen()) resolve();
      else
        reject(
          new Error(
            `exited (${code}) before printing ${String(text)}:\n${child.output.stdout}\n${child.output.stderr}`,
          ),
        );
    };
    const cleanup = () => {
      child.stdout?.off('data', check);
      child.stderr?.off('data', check);
      child.off('close', onExit);
    };
    child.stdout?.on('data', check);
    child.stderr?.on('data', check);
    child.once('close', onExit);
  });
}

/** Kills a child with SIGKILL and waits until it is gone. */
export async function kill(child: ReturnType<typeof startBuiltCli>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = finished(child);
  child.kill('SIGKILL');
  await gone;
}

/** A user error: the given exit code (2 by default) and exactly one line on stderr, no stack trace. */
export function expectUserError(r: { code: number; stderr: string }, pattern: RegExp, code = 2): void {
  expect(r.stderr.trim().split('\n'), r.stderr).toHaveLength(1);
  expect(r.stderr).toMatch(/^tiny-gpt: error: /);
  expect(r.stderr).toMatch(pattern);
  expect(r.stderr).not.toMatch(/\n\s+at /);
  expect(r.code, r.stderr).toBe(code);
}

export function tempDir(prefix = 'tiny-gpt-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** A scratch folder with a small config and the path of a run folder in it (not created). */
export function scratchRun(overrides: Record<string, unknown> = {}): {
  dir: string;
  out: string;
  config: string;
} {
  const dir = tempDir();
  return { dir, out: join(dir, 'run'), config: smallConfig(dir, overrides) };
}

/** A small model config file, so tests train in a second. */
export function smallConfig(dir: string, overrides: Record<string, unknown> = {}): string {
  const path = join(dir, 'small.json');
  writeFileSync(
    path,
    JSON.stringify({ blockSize: 16, nLayer: 1, nHead: 2, nEmbd: 16, dropout: 0, bias: true, ...overrides }),
  );
  return path;
}

/** Runs the CLI in-process; returns its exit code and what it wrote. */
export async function runCli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out = process.stdout.write.bind(process.stdout);
  const err = process.stderr.write.bind(process.stderr);
  const log = console.log;
  process.stdout.write = ((chunk: string) => {
    stdout += chunk;
    return true;
  }) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string) => {
    stderr += chunk;
    return true;
  }) as typeof process.stderr.write;
  console.log = (...parts: unknown[]) => {
    stdout += `${parts.join(' ')}\n`;
  };
  const prevCode = process.exitCode;
  process.exitCode = 0;
  try {
    await main(['node', 'cli.js', ...args]);
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
    console.log = log;
  }
  const code = Number(process.exitCode ?? 0);
  process.exitCode = prevCode;
  return { code, stdout, stderr };
}

/** `train` arguments for a small, quick run on the CPU backend; `overrides` replace or add flags. */
export function trainArgs(
  out: string,
  config: string,
  overrides: Record<string, string | true> = {},
): string[] {
  const flags: Record<string, string | true> = {
    config,
    iters: '4',
    'eval-interval': '2',
    'eval-iters': '1',
    batch: '2',
    out,
    'sample-tokens': '0',
    backend: 'cpu',
    ...overrides,
  };
  return ['train', ...Object.entries(flags).flatMap(([k, v]) => (v === true ? [`--${k}`] : [`--${k}`, v]))];
}
