/**
 * Kill -9 at any moment leaves a run folder that is either empty-and-reusable or fully usable by
 * sample, eval and --resume (test/folder-check.ts). The kill points are events, never times:
 * a failpoint the trainer announces on stderr, or the n-th progress line.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GPT } from '@dendrite/gpt';
import { decodeSafetensors } from '@dendrite/nn';
import { Generator } from '@dendrite/tensor';
import { describe, expect, it } from 'vitest';
import { FILES, loadRunFiles, loadWeights } from '../src/checkpoint.js';
import { FAILPOINTS, type Failpoint } from '../src/failpoints.js';
import { checkFolder, type FolderState } from './folder-check.js';
import {
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

/** Runs a trainer until it reaches `point`, then kills it there. */
async function killAt(point: Failpoint, args: string[]): Promise<void> {
  const child = startBuiltCli(args, { env: { TINY_GPT_FAILPOINT: point } });
  await waitForOutput(child, `tiny-gpt: failpoint ${point}`);
  await kill(child);
}

/** The iteration of the checkpoint in a folder, from its training state. */
function stateIter(dir: string): number {
  const state = decodeSafetensors(readFileSync(join(dir, FILES.state)));
  return (JSON.parse(state.metadata.trainer) as { iter: number }).iter;
}

describe('a kill at every step of the first checkpoint', () => {
  const expected: Record<Failpoint, FolderState> = {
    'lock-taken': 'empty',
    'first-checkpoint': 'empty',
    'old-run-removed': 'empty',
    'run-files-written': 'empty',
    'state-written': 'usable',
    'checkpoint-written': 'usable',
  };

  it(
    'a new run: empty-and-reusable before the training state is written, fully usable after',
    async () => {
      const dir = tempDir();
      const config = smallConfig(dir);
      for (const point of FAILPOINTS) {
        const out = join(dir, `new-${point}`);
        await killAt(point, trainArgs(out, config));
        expect(await checkFolder(out), point).toBe(expected[point]);
      }
    },
    SLOW,
  );

  it(
    'an --overwrite run: the earlier run stays whole until the new run commits its first checkpoint',
    async () => {
      const dir = tempDir();
      const config = smallConfig(dir);
      const oldConfig = smallConfig(tempDir(), { nEmbd: 32 });
      for (const point of FAILPOINTS) {
        const out = join(dir, `over-${point}`);
        const first = await runBuiltCli(trainArgs(out, oldConfig, { iters: '6', 'eval-interval': '3' }));
        expect(first.code, first.stderr).toBe(0);
        await killAt(point, trainArgs(out, config, { overwrite: true }));
        const state = await checkFolder(out);
        const before = FAILPOINTS.indexOf(point) < FAILPOINTS.indexOf('old-run-removed');
        expect(state, point).toBe(before ? 'usable' : expected[point]);
        if (state === 'usable') {
          // the old run (iteration 6, width 32) or the new one (iteration 2, width 16): never a mix
          const width = JSON.parse(readFileSync(join(out, FILES.config), 'utf8')).nEmbd;
          expect({ width, iter: stateIter(out) }, point).toEqual(
            before ? { width: 32, iter: 6 } : { width: 16, iter: 2 },
          );
        }
      }
    },
    SLOW,
  );
});

describe('a kill between the two files of a later checkpoint', () => {
  it(
    'sample and eval use the newer weights inside the training state; --resume rewrites model.safetensors',
    async () => {
      const { out, config } = scratchRun();
      expect((await runBuiltCli(trainArgs(out, config, { iters: '2' }))).code).toBe(0);
      await killAt('state-written', ['train', '--resume', '--out', out, '--iters', '4', '--backend', 'cpu']);
      expect(stateIter(out)).toBe(4);
      const weights = () => decodeSafetensors(readFileSync(join(out, FILES.model))).metadata.iter;
      expect(weights()).toBe('2'); // one checkpoint behind
      const id = await loadRunFiles(out);
      expect(await loadWeights(out, new GPT(id.config), id)).toEqual({
        path: join(out, FILES.state),
        iter: 4,
      });
      expect(await checkFolder(out)).toBe('usable');
      const r = await runBuiltCli(['train', '--resume', '--out', out, '--iters', '6', '--stop-after', '1']);
      expect(r.code, r.stderr).toBe(0);
      expect(weights()).toBe('5');
    },
    SLOW,
  );
});

describe('kills at random moments of a long run and its resumes', () => {
  it(
    'every folder left behind is fully usable, and the checkpoints only move forward',
    async () => {
      const dir = tempDir();
      const out = join(dir, 'run');
      const config = smallConfig(dir, { nEmbd: 32, blockSize: 32 });
      const rng = new Generator(11);
      let lastIter = 0;
      for (let round = 0; round < 5; round++) {
        const args =
          round === 0
            ? trainArgs(out, config, { iters: '100000', 'eval-interval': '1', 'log-interval': '1' })
            : ['train', '--resume', '--out', out, '--log-interval', '1', '--backend', 'cpu'];
        const child = startBuiltCli(args);
        // Kill after a random number of progress lines of this round (each one is a checkpoint):
        // anywhere inside the writes of a checkpoint, or between two.
        const lines = 1 + rng.nextInt(0, 4);
        await waitForOutput(child, new RegExp(`(iter \\d+/\\d+[^\\n]*\\n[^]*){${lines}}`));
        await kill(child);
        const state = await checkFolder(out);
        expect(state).toBe('usable');
        const iter = stateIter(out);
        expect(iter).toBeGreaterThanOrEqual(lastIter);
        lastIter = iter;
      }
      expect(lastIter).toBeGreaterThan(0);
    },
    SLOW,
  );
});
