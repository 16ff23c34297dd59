import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GPT, validateConfig } from '@dendrite/gpt';
import { decodeSafetensors, toTensors } from '@dendrite/nn';
import { Generator } from '@dendrite/tensor';
import { describe, expect, it } from 'vitest';
import { FILES } from '../src/checkpoint.js';
import { train } from '../src/train.js';
import { smallConfig, tempDir } from './helpers.js';

const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

/** Starts training in a child process that checkpoints at every iteration. */
function startChild(out: string, config: string) {
  return spawn(
    process.execPath,
    [
      cli,
      'train',
      '--config',
      config,
      '--iters',
      '100000',
      '--eval-interval',
      '1',
      '--eval-iters',
      '1',
      '--batch',
      '2',
      '--out',
      out,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
}

function sleep(ms: number) {
  return new Promise((r) => setTimeout(r, ms));
}

describe('checkpoints survive a kill at any moment', () => {
  it('SIGKILL during training, repeatedly: the checkpoint on disk always loads, and --resume continues', async () => {
    expect(existsSync(cli), 'build the app first (pnpm build): the test runs dist/cli.js').toBe(true);
    const dir = tempDir();
    const out = join(dir, 'run');
    const config = smallConfig(dir, { nEmbd: 32, blockSize: 32 });
    const rng = new Generator(11);
    let lastIter = -1;
    for (let round = 0; round < 6; round++) {
      const child =
        round === 0
          ? startChild(out, config)
          : spawn(process.execPath, [cli, 'train', '--resume', '--out', out], { stdio: 'ignore' });
      // wait for the first checkpoint, then kill at a random moment
      for (let i = 0; i < 400 && !existsSync(join(out, FILES.state)); i++) await sleep(25);
      await sleep(100 + rng.nextInt(0, 400));
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
      // both files decode fully, and the weights fit the model
      const state = decodeSafetensors(readFileSync(join(out, FILES.state)));
      const trainer = JSON.parse(state.metadata.trainer) as { iter: number };
      expect(trainer.iter).toBeGreaterThanOrEqual(lastIter);
      lastIter = trainer.iter;
      const cfg = validateConfig(JSON.parse(readFileSync(join(out, FILES.config), 'utf8')));
      const model = new GPT(cfg);
      const weights = decodeSafetensors(readFileSync(join(out, FILES.model)));
      model.loadStateDict(toTensors(weights));
    }
    expect(lastIter).toBeGreaterThan(0);
    const resumed = await train({ out, resume: true, stopAfter: 2 });
    expect(resumed.iter).toBe(lastIter + 2);
  }, 60_000);
});
