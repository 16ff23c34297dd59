import { appendFileSync, cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeSafetensors } from '@dendrite/nn';
import { cosineWithWarmup } from '@dendrite/optim';
import { describe, expect, it } from 'vitest';
import { FILES } from '../src/checkpoint.js';
import { builtInCorpus } from '../src/corpus.js';
import { train } from '../src/train.js';
import {
  expectUserError,
  runBuiltCli,
  SLOW,
  scratchRun,
  smallConfig,
  tempDir,
  trainArgs,
} from './helpers.js';

function metrics(dir: string): Record<string, number>[] {
  return readFileSync(join(dir, FILES.metrics), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
}

function savedSettings(dir: string): Record<string, unknown> {
  const { metadata } = decodeSafetensors(readFileSync(join(dir, FILES.state)));
  return JSON.parse(metadata.trainer).settings;
}

describe('--resume', () => {
  it('continues bit-identically: stopped at k and resumed equals one uninterrupted run', async () => {
    const dir = tempDir();
    // dropout on, so the dropout generator's state must be restored too
    const config = smallConfig(dir, { dropout: 0.1 });
    const common = { config, iters: 14, evalInterval: 4, evalIters: 2, batch: 4, seed: 7 };
    const full = await train({ ...common, out: join(dir, 'full') });
    expect(full.losses).toHaveLength(14);

    const first = await train({ ...common, out: join(dir, 'split'), stopAfter: 6 });
    expect(first.stoppedBy).toBe('stop-after');
    expect(first.iter).toBe(6);
    const second = await train({ out: join(dir, 'split'), resume: true });
    expect(second.iter).toBe(14);
    expect([...first.losses, ...second.losses]).toEqual(full.losses);

    // metrics.jsonl holds each logged iteration once, in order
    const iters = readFileSync(join(dir, 'split', FILES.metrics), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l).iter);
    expect(iters).toEqual([...iters].sort((a, b) => a - b));
    expect(new Set(iters).size).toBe(iters.length);
    expect(iters.at(-1)).toBe(14);
  });

  it('writes every output file, and a plot with the loss curves', async () => {
    const dir = tempDir();
    await train({
      config: smallConfig(dir),
      iters: 4,
      evalInterval: 2,
      evalIters: 1,
      batch: 2,
      out: join(dir, 'run'),
    });
    for (const f of Object.values(FILES)) expect(existsSync(join(dir, 'run', f)), f).toBe(f !== FILES.lock); // the lock is released
    const svg = readFileSync(join(dir, 'run', FILES.plot), 'utf8');
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.match(/<path d="M/g)?.length).toBe(3);
    const config = JSON.parse(readFileSync(join(dir, 'run', FILES.config), 'utf8'));
    expect(config).toMatchObject({ blockSize: 16, nLayer: 1, nEmbd: 16 });
  });
});

describe('what a resume may change', () => {
  it('a new --iters, --lr schedule and eval cadence take effect, are saved, and a plain resume keeps them', async () => {
    const dir = tempDir();
    const out = join(dir, 'run');
    const common = { config: smallConfig(dir), evalIters: 1, batch: 2, out, logInterval: 1 };
    const first = await train({ ...common, iters: 6, evalInterval: 2, stopAfter: 2 });
    expect(first.iter).toBe(2);
    // longer, with a new peak learning rate and evaluations every 3 iterations, for 2 iterations
    const second = await train({ out, resume: true, iters: 12, lr: 0.01, evalInterval: 3, stopAfter: 2 });
    expect(second.iter).toBe(4);
    expect(savedSettings(out)).toMatchObject({ iters: 12, lr: 0.01, minLr: 0.001, evalInterval: 3 });
    // a plain resume goes on to the new --iters with the new settings
    const third = await train({ out, resume: true });
    expect(third.iter).toBe(12);
    const schedule = cosineWithWarmup({ lr: 0.01, minLr: 0.001, warmupIters: 1, decayIters: 12 });
    const logged = metrics(out);
    for (const m of logged.filter((e) => e.iter > 2)) expect(m.lr).toBeCloseTo(schedule(m.iter - 1), 12);
    expect(logged.filter((e) => e.valLoss !== undefined && e.iter > 2).map((e) => e.iter)).toEqual([
      3, 4, 6, 9, 12,
    ]);
  });

  it(
    'what defines the run is refused with one line; so is an --iters that is not past the current iteration',
    async () => {
      const { dir, out, config } = scratchRun();
      const r = await runBuiltCli(trainArgs(out, config));
      expect(r.code, r.stderr).toBe(0);
      const other = join(dir, 'other.txt');
      writeFileSync(other, builtInCorpus().slice(0, 5000));
      const refused: [string[], RegExp][] = [
        [['--batch', '3'], /cannot resume with --batch 3: the run in .* trains with --batch 2/],
        [['--seed', '5'], /cannot resume with --seed 5: the run in .* trains with --seed 1337/],
        [
          ['--tokenizer', 'bpe'],
          /cannot resume with --tokenizer bpe: the run in .* trains with --tokenizer char/,
        ],
        [
          ['--config', smallConfig(tempDir(), { nEmbd: 32 })],
          /cannot resume with --config .*: the run in .* trains the model of --config .*small\.json/,
        ],
        [
          ['--data', other],
          /cannot resume: --data .*other\.txt is not the text the run was trained on \(5,\d+ bytes now/,
        ],
        [['--data', '/nonexistent', '--lr', '0.5'], /data file not found: \/nonexistent/],
        [
          ['--iters', '3'],
          /cannot resume with --iters 3: the run in .* is already at iteration 4; pass a larger --iters/,
        ],
        [
          [],
          /the run in .* is complete: it reached iteration 4 of --iters 4; pass a larger --iters to train further/,
        ],
      ];
      for (const [flags, pattern] of refused) {
        expectUserError(await runBuiltCli(['train', '--resume', '--out', out, ...flags]), pattern);
      }
      // the same values as the run's are fine
      const same = await runBuiltCli([
        'train',
        '--resume',
        '--out',
        out,
        '--batch',
        '2',
        '--seed',
        '1337',
        '--tokenizer',
        'char',
        '--config',
        config,
        '--iters',
        '5',
        '--sample-tokens',
        '0',
        '--backend',
        'cpu',
      ]);
      expect(same.code, same.stderr).toBe(0);
      expect(same.stdout).not.toMatch(/changed for the rest of the run: .*--batch/);
      expect(same.stdout).toMatch(/changed for the rest of the run: --iters 4 → 5/);
    },
    SLOW,
  );
});

describe('the run keeps its text', () => {
  it(
    'a relative --data resumes from any directory; a changed file is refused; a copy elsewhere is accepted',
    async () => {
      const dir = tempDir();
      const a = join(dir, 'a');
      const b = join(dir, 'b');
      mkdirSync(a);
      mkdirSync(b);
      writeFileSync(join(a, 'rel.txt'), builtInCorpus().slice(0, 20_000));
      const bytes = readFileSync(join(a, 'rel.txt')).length.toLocaleString('en-US');
      const config = smallConfig(dir);
      const started = await runBuiltCli(trainArgs('../run', config, { data: 'rel.txt' }), { cwd: a });
      expect(started.code, started.stderr).toBe(0);
      const resumed = await runBuiltCli(
        ['train', '--resume', '--out', '../run', '--iters', '6', '--sample-tokens', '0', '--backend', 'cpu'],
        { cwd: b },
      );
      expect(resumed.code, resumed.stderr).toBe(0);

      // a copy of the text somewhere else, given with --data, is the same text
      cpSync(join(a, 'rel.txt'), join(b, 'copy.txt'));
      appendFileSync(join(a, 'rel.txt'), 'one more line\n');
      expectUserError(
        await runBuiltCli(['train', '--resume', '--out', join(dir, 'run'), '--iters', '8']),
        new RegExp(
          `cannot resume: the run's text .*a/rel\\.txt is not the text the run was trained on \\([\\d,]+ bytes now, ${bytes} then, different SHA-256\\); pass --data with the original text`,
        ),
      );
      const fromCopy = await runBuiltCli(
        [
          'train',
          '--resume',
          '--out',
          '../run',
          '--data',
          'copy.txt',
          '--iters',
          '8',
          '--sample-tokens',
          '0',
        ],
        { cwd: b },
      );
      expect(fromCopy.code, fromCopy.stderr).toBe(0);
      expect(fromCopy.stdout).toMatch(/done at iteration 8/);
    },
    SLOW,
  );
});
