import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeSafetensors, encodeSafetensors } from '@dendrite/nn';
import { describe, expect, it } from 'vitest';
import { FILES } from '../src/checkpoint.js';
import { train } from '../src/train.js';
import { expectUserError, runBuiltCli, SLOW, tempDir } from './helpers.js';

/**
 * A run folder written by the trainer before its settings were defined in one table (commit
 * c85f43d): `train --data text.txt --config small.json --iters 6 --stop-after 3 --batch 2
 * --lr 0.002 --min-lr 0.0003 --warmup 1 --weight-decay 0.05 --grad-clip 0.5 --eval-interval 2
 * --eval-iters 1 --log-interval 1 --seed 11 --backend cpu`, stopped at iteration 3 of 6. Its
 * files are kept byte for byte (biome.json leaves the folder alone).
 */
const FIXTURE = fileURLToPath(new URL('./fixtures/old-layout', import.meta.url));

/** A copy of the fixture to train in; returns its folder. */
function copyFixture(): string {
  const dir = tempDir();
  cpSync(FIXTURE, dir, { recursive: true });
  return dir;
}

describe('a checkpoint written before the settings table', () => {
  it('resumes, and continues exactly as a run started now with the same settings', async () => {
    const dir = copyFixture();
    const resumed = await train({
      out: join(dir, 'run'),
      resume: true,
      data: join(dir, 'text.txt'), // the run stored the text's path on the machine that wrote it
      backend: 'cpu',
    });
    expect(resumed.iter).toBe(6);

    const fresh = await train({
      data: join(dir, 'text.txt'),
      config: join(dir, 'small.json'),
      out: join(dir, 'fresh'),
      iters: 6,
      batch: 2,
      lr: 0.002,
      minLr: 0.0003,
      warmup: 1,
      weightDecay: 0.05,
      gradClip: 0.5,
      evalInterval: 2,
      evalIters: 1,
      logInterval: 1,
      seed: 11,
      backend: 'cpu',
    });
    expect(resumed.losses).toEqual(fresh.losses.slice(3));
    expect(resumed.finalValLoss).toBe(fresh.finalValLoss);
  });

  it(
    'with a setting of the wrong type (edited by hand) is refused with one line naming the field and the file',
    async () => {
      const dir = copyFixture();
      const path = join(dir, 'run', FILES.state);
      const { tensors, metadata } = decodeSafetensors(readFileSync(path));
      const trainer = JSON.parse(metadata.trainer);
      trainer.settings.lr = '0.002';
      writeFileSync(path, encodeSafetensors(tensors, { ...metadata, trainer: JSON.stringify(trainer) }));
      const r = await runBuiltCli([
        'train',
        '--resume',
        '--out',
        join(dir, 'run'),
        '--data',
        join(dir, 'text.txt'),
        '--backend',
        'cpu',
        '--sample-tokens',
        '0',
      ]);
      expectUserError(
        r,
        /cannot resume: the trainer state in .*run\/training-state\.safetensors is not one tiny-gpt wrote: settings\.lr must be a number, got "0\.002"; start a new run with --overwrite/,
      );
    },
    SLOW,
  );
});
