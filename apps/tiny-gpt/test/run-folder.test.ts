/**
 * Run folders are owned by one trainer at a time and never clobbered (built CLI, as a user runs it).
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FILES } from '../src/checkpoint.js';
import { UserError } from '../src/errors.js';
import { acquireLock } from '../src/run-folder.js';
import { checkFolder } from './folder-check.js';
import {
  expectUserError,
  finished,
  kill,
  runBuiltCli,
  SLOW,
  scratchRun,
  smallConfig,
  startBuiltCli,
  tempDir,
  trainArgs,
  waitForOutput,
} from './helpers.js';

/** A quick run; `extra` are flag/value pairs (a flag without a value: `true`). */
const quick = (out: string, config: string, ...extra: string[]) => {
  const overrides: Record<string, string | true> = {};
  for (let i = 0; i < extra.length; i++) {
    const name = extra[i].slice(2);
    if (extra[i + 1] === undefined || extra[i + 1].startsWith('--')) overrides[name] = true;
    else overrides[name] = extra[++i];
  }
  return trainArgs(out, config, overrides);
};

/** Every file of a folder with its bytes, to prove a command left it untouched. */
function snapshot(dir: string): Record<string, string> {
  return Object.fromEntries(
    readdirSync(dir)
      .sort()
      .map((f) => [f, readFileSync(join(dir, f)).toString('base64')]),
  );
}

describe('a folder that holds a run', () => {
  it(
    'is not touched by a new run without --resume or --overwrite, nor by a failed --overwrite',
    async () => {
      const { out, config } = scratchRun();
      expect((await runBuiltCli(quick(out, config))).code).toBe(0);
      const before = snapshot(out);

      expectUserError(
        await runBuiltCli(quick(out, smallConfig(tempDir(), { nEmbd: 32 }))),
        /run already holds a run \(checkpoint at iteration 4\): continue it with --resume, replace it with --overwrite, or choose another --out/,
      );
      // --overwrite with a size that cannot fit fails before the old run is touched
      expectUserError(
        await runBuiltCli(quick(out, config, '--overwrite', '--batch', '1000000000')),
        /this run cannot be allocated: .*batch 1000000000.*; lower --batch/,
      );
      // --overwrite of a run that diverges before its first checkpoint keeps the old run
      const diverged = await runBuiltCli(quick(out, config, '--overwrite', '--lr', '1e38', '--warmup', '0'));
      expect(diverged.code, diverged.stderr).toBe(3);
      expect(diverged.stderr).toMatch(
        /no checkpoint of this run was written, and the earlier run in .* is untouched/,
      );
      expect(snapshot(out)).toEqual(before);
      expect(await checkFolder(out)).toBe('usable');

      // a successful --overwrite replaces it
      const replaced = await runBuiltCli(quick(out, smallConfig(tempDir(), { nEmbd: 8 }), '--overwrite'));
      expect(replaced.code, replaced.stderr).toBe(0);
      expect(JSON.parse(readFileSync(join(out, FILES.config), 'utf8')).nEmbd).toBe(8);
      expect(await checkFolder(out)).toBe('usable');
    },
    SLOW,
  );

  it(
    'refuses --resume together with --overwrite, and folders holding files that are not tiny-gpt’s',
    async () => {
      const dir = tempDir();
      const config = smallConfig(dir);
      expectUserError(
        await runBuiltCli(quick(join(dir, 'a'), config, '--resume', '--overwrite')),
        /--resume continues the run in --out and --overwrite replaces it: choose one/,
      );
      const mine = join(dir, 'mine');
      mkdirSync(mine);
      writeFileSync(join(mine, 'notes.txt'), 'my notes');
      for (const flags of [[], ['--overwrite']]) {
        expectUserError(
          await runBuiltCli(quick(mine, config, ...flags)),
          /mine holds files that are not tiny-gpt's \(notes\.txt\); train into an empty or a new folder/,
        );
      }
      expect(readdirSync(mine).filter((f) => !f.startsWith('.'))).toEqual(['notes.txt']);
    },
    SLOW,
  );
});

describe('one trainer per folder', () => {
  it(
    'a second trainer is refused while the first runs; after a kill -9 the stale lock is taken over',
    async () => {
      const { out, config } = scratchRun();
      const first = startBuiltCli(
        quick(out, config, '--iters', '1000000', '--eval-interval', '1', '--log-interval', '1'),
      );
      await waitForOutput(first, /iter 1\//); // trained and checkpointed once
      for (const args of [
        quick(out, config),
        ['train', '--resume', '--out', out],
        quick(out, config, '--overwrite'),
      ]) {
        expectUserError(
          await runBuiltCli(args),
          new RegExp(
            `is in use by another tiny-gpt trainer \\(pid ${first.pid} on ${hostname()}, since [^)]+\\); wait for it to finish, or train into another --out`,
          ),
        );
      }
      await kill(first);
      expect(statSync(join(out, FILES.lock)).isFile()).toBe(true); // left behind by the kill
      const resumed = await runBuiltCli([
        'train',
        '--resume',
        '--out',
        out,
        '--stop-after',
        '1',
        '--sample-tokens',
        '0',
      ]);
      expect(resumed.code, resumed.stderr).toBe(0);
      expect(readdirSync(out)).not.toContain(FILES.lock); // released at exit
    },
    SLOW,
  );

  it('a trainer whose lock was taken over stops without writing', async () => {
    const dir = tempDir();
    const lock = await acquireLock(dir);
    await expect(acquireLock(dir)).rejects.toThrow(/is in use by another tiny-gpt trainer/);
    await lock.verify();
    writeFileSync(
      join(dir, FILES.lock),
      JSON.stringify({ pid: 1, host: 'elsewhere', started: 'x', token: 'other' }),
    );
    await expect(lock.verify()).rejects.toThrow(UserError);
    await expect(lock.verify()).rejects.toThrow(/lost the lock on .* to pid 1 on elsewhere/);
    lock.release(); // not ours any more: left in place
    expect(readdirSync(dir)).toContain(FILES.lock);
  });

  it(
    'temp files of killed writes are removed by the next trainer; a cut-off metrics line does not stop --resume',
    async () => {
      const { out, config } = scratchRun();
      expect((await runBuiltCli(quick(out, config))).code).toBe(0);
      const junk = ['.model.safetensors.4242.a1b2c3.tmp', '.training-state.safetensors.4242.d4e5f6.tmp'];
      for (const f of junk) writeFileSync(join(out, f), Buffer.alloc(1_300_000));
      writeFileSync(
        join(out, FILES.metrics),
        `${readFileSync(join(out, FILES.metrics), 'utf8')}{"iter":5,"lo`,
      );
      const r = await runBuiltCli([
        'train',
        '--resume',
        '--out',
        out,
        '--iters',
        '6',
        '--sample-tokens',
        '0',
      ]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/dropped 1 unreadable line\(s\)/);
      for (const f of junk) expect(readdirSync(out)).not.toContain(f);
      const iters = readFileSync(join(out, FILES.metrics), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).iter);
      expect(iters.at(-1)).toBe(6);
    },
    SLOW,
  );
});

describe('paths that are not what they should be', () => {
  it(
    '--out is a file or under a file; model.safetensors is a folder',
    async () => {
      const dir = tempDir();
      const config = smallConfig(dir);
      const file = join(dir, 'a-file');
      writeFileSync(file, 'x');
      expectUserError(await runBuiltCli(quick(file, config)), /--out .*a-file is a file, not a folder/);
      expectUserError(
        await runBuiltCli(quick(join(file, 'sub'), config)),
        /--out .*a-file\/sub: a file is in the way \(ENOTDIR\)/,
      );
      expectUserError(
        await runBuiltCli(['sample', '--ckpt', file]),
        /checkpoint folder not found|is a file, not a folder|no checkpoint/,
      );
      const out = join(dir, 'run');
      expect((await runBuiltCli(quick(out, config))).code).toBe(0);
      rmSync(join(out, FILES.model));
      rmSync(join(out, FILES.state));
      mkdirSync(join(out, FILES.model));
      expectUserError(
        await runBuiltCli(['sample', '--ckpt', out]),
        /model\.safetensors is not a file \(a folder\?\)/,
      );
    },
    SLOW,
  );

  it(
    'a run folder and its sample/eval keep working when only the training state is left',
    async () => {
      const dir = tempDir();
      const out = join(dir, 'run');
      expect((await runBuiltCli(quick(out, smallConfig(dir)))).code).toBe(0);
      rmSync(join(out, FILES.model)); // as a kill during the first write of the weights leaves it
      expect(await checkFolder(out)).toBe('usable');
      // --resume writes the weights again
      const r = await runBuiltCli([
        'train',
        '--resume',
        '--out',
        out,
        '--iters',
        '5',
        '--sample-tokens',
        '0',
      ]);
      expect(r.code, r.stderr).toBe(0);
      expect(readdirSync(out)).toContain(FILES.model);
    },
    SLOW,
  );

  it(
    'Ctrl-C stops after the current iteration with a checkpoint and exit code 130',
    async () => {
      const dir = tempDir();
      const out = join(dir, 'run');
      const child = startBuiltCli(
        quick(
          out,
          smallConfig(dir),
          '--iters',
          '1000000',
          '--eval-interval',
          '100000',
          '--log-interval',
          '1',
        ),
      );
      await waitForOutput(child, /iter 2\//);
      child.kill('SIGINT');
      const r = await finished(child);
      expect(r.code, r.stderr).toBe(130);
      expect(r.stdout).toMatch(/interrupted at iteration \d+/);
      expect(await checkFolder(out)).toBe('usable');
    },
    SLOW,
  );
});
