import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../src/cli.js';

export function tempDir(prefix = 'tiny-gpt-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
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
