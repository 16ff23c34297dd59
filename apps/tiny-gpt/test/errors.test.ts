import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, smallConfig, tempDir } from './helpers.js';

/** A user error: exit code 2 and exactly one line on stderr, no stack trace. */
function expectUserError(r: { code: number; stderr: string }, pattern: RegExp): void {
  expect(r.code).toBe(2);
  const lines = r.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^tiny-gpt: error: /);
  expect(lines[0]).toMatch(pattern);
  expect(r.stderr).not.toMatch(/\n\s+at /);
}

describe('user errors are one line and exit code 2', () => {
  const dir = tempDir();
  const cfg = smallConfig(dir);

  it('bad numeric flags', async () => {
    expectUserError(
      await runCli('train', '--iters', 'abc', '--out', dir),
      /--iters must be a number, got 'abc'/,
    );
    expectUserError(
      await runCli('train', '--batch', '0', '--out', dir),
      /--batch must be an integer ≥ 1, got 0/,
    );
    expectUserError(await runCli('train', '--lr=-1', '--out', dir), /--lr must be a number ≥ 0/);
  });

  it('bad tokenizer, config and backend', async () => {
    expectUserError(
      await runCli('train', '--tokenizer', 'words', '--out', dir),
      /--tokenizer must be 'char', 'bpe' or 'bpe:N'/,
    );
    expectUserError(
      await runCli('train', '--config', 'huge', '--out', dir),
      /--config must be a preset \(tiny, baby/,
    );
    expectUserError(
      await runCli('train', '--backend', 'gpujs:quantum', '--out', dir),
      /--backend 'gpujs:quantum' is not available/,
    );
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ blockSize: 16, nLayer: 1, nHead: 3, nEmbd: 16 }));
    expectUserError(
      await runCli('train', '--config', bad, '--out', dir),
      /'nEmbd' \(16\) must be divisible by 'nHead' \(3\)/,
    );
  });

  it('a missing data file, an empty corpus, a corpus shorter than the block size', async () => {
    expectUserError(
      await runCli('train', '--data', join(dir, 'nope.txt'), '--out', dir),
      /data file not found: .*nope\.txt/,
    );
    const empty = join(dir, 'empty.txt');
    writeFileSync(empty, '');
    expectUserError(await runCli('train', '--data', empty, '--out', dir), /the training text is empty/);
    const short = join(dir, 'short.txt');
    writeFileSync(short, 'a short text.');
    expectUserError(
      await runCli('train', '--data', short, '--config', cfg, '--out', dir),
      /split \(\d+\) is shorter than the block size \+ 1 \(17\)/,
    );
  });

  it('unknown commands; sample and eval on a missing checkpoint', async () => {
    expectUserError(await runCli('fly'), /unknown command 'fly'/);
    expectUserError(await runCli('sample', '--ckpt', join(dir, 'none')), /checkpoint folder not found/);
    expectUserError(await runCli('eval', '--ckpt', dir), /eval needs --data/);
    expectUserError(await runCli('prepare', 'mnist'), /unknown dataset 'mnist'/);
  });

  it('a checkpoint from another config', async () => {
    const run = join(dir, 'run');
    const r = await runCli(
      'train',
      '--config',
      cfg,
      '--iters',
      '2',
      '--eval-interval',
      '1',
      '--out',
      run,
      '--sample-tokens',
      '0',
    );
    expect(r.code).toBe(0);
    const other = smallConfig(tempDir(), { nEmbd: 32 });
    expectUserError(
      await runCli('train', '--resume', '--config', other, '--out', run),
      /trained with --config .*small\.json, not .*small\.json \(a checkpoint from another config\)/,
    );
    // weights that do not fit config.json
    writeFileSync(
      join(run, 'config.json'),
      JSON.stringify({
        vocabSize: 89,
        blockSize: 16,
        nLayer: 1,
        nHead: 2,
        nEmbd: 32,
        dropout: 0,
        bias: true,
      }),
    );
    expectUserError(
      await runCli('sample', '--ckpt', run),
      /does not fit this model \(a checkpoint from another config\?\)|tokenizer has \d+ tokens/,
    );
  });
});
