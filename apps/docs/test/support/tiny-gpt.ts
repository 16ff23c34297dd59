/** The built tiny-gpt CLI (apps/tiny-gpt/dist/cli.js), run as a user runs it: what reads the capstone's download. */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export const TINY_GPT_CLI = join(import.meta.dirname, '..', '..', '..', 'tiny-gpt', 'dist', 'cli.js');

/** Runs the built CLI; fails with its output when it exits non-zero. */
export function tinyGpt(args: string[]): string {
  if (!existsSync(TINY_GPT_CLI))
    throw new Error(`build tiny-gpt first (pnpm --filter tiny-gpt build): ${TINY_GPT_CLI}`);
  const r = spawnSync(process.execPath, [TINY_GPT_CLI, ...args], { encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0)
    throw new Error(`tiny-gpt ${args.join(' ')} exited ${r.status}: ${r.stderr}${r.stdout}`);
  return r.stdout;
}
