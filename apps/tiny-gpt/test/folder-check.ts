/**
 * What a run folder is worth after a crash: either empty-and-reusable (no checkpoint; sample and
 * eval say so, a new train accepts it) or fully usable (sample, eval and --resume all work).
 * Anything else — usable by one command and not another, weights that do not fit — is a bug.
 */
import { cpSync, existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { builtInCorpus } from '../src/corpus.js';
import { runBuiltCli, tempDir } from './helpers.js';

export type FolderState = 'empty' | 'usable';

/** A small text to evaluate on. */
export function evalText(dir: string): string {
  const path = join(dir, 'held-out.txt');
  if (!existsSync(path)) writeFileSync(path, builtInCorpus().slice(0, 2000));
  return path;
}

/**
 * Checks the folder with the three commands (resume on a copy, so the folder is left as found)
 * and returns which of the two acceptable states it is in; fails the test for any other.
 */
export async function checkFolder(dir: string, scratch = tempDir()): Promise<FolderState> {
  const text = evalText(scratch);
  const sample = await runBuiltCli(['sample', '--ckpt', dir, '--tokens', '5']);
  const evaluation = await runBuiltCli(['eval', '--ckpt', dir, '--data', text]);
  const copy = join(scratch, `copy-${readdirSync(scratch).length}`);
  if (existsSync(dir)) cpSync(dir, copy, { recursive: true });
  const resume = await runBuiltCli([
    'train',
    '--resume',
    '--out',
    copy,
    '--stop-after',
    '1',
    '--iters',
    '1000000',
    '--lr', // a resume may change the schedule; a small one also keeps a diverged run's last good weights finite
    '1e-6',
    '--sample-tokens',
    '0',
    '--backend',
    'cpu',
  ]);
  const codes = [sample.code, evaluation.code, resume.code];
  const all = `sample: ${sample.stderr}\neval: ${evaluation.stderr}\nresume: ${resume.stderr}`;
  if (codes.every((c) => c === 0)) return 'usable';
  // Empty: every command says there is no checkpoint (or no folder), with a user error.
  expect(codes, all).toEqual([2, 2, 2]);
  for (const r of [sample, evaluation])
    expect(r.stderr, all).toMatch(/no checkpoint in .* yet|checkpoint folder not found/);
  expect(resume.stderr, all).toMatch(/nothing to resume in .*: it has no checkpoint yet|does not exist/);
  // …and a new run takes the folder without --overwrite.
  const fresh = await runBuiltCli([
    'train',
    '--out',
    copy,
    '--iters',
    '1',
    '--eval-iters',
    '1',
    '--batch',
    '2',
    '--sample-tokens',
    '0',
    '--backend',
    'cpu',
  ]);
  expect(fresh.code, fresh.stderr).toBe(0);
  return 'empty';
}
