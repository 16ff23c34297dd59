/**
 * A diverging run never saves non-finite numbers, exits with code 3 and names the checkpoint that
 * truly is kept; a checkpoint holding NaN (from elsewhere) is refused by sample and eval.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeSafetensors, encodeSafetensors } from '@dendrite/nn';
import { describe, expect, it } from 'vitest';
import { FILES } from '../src/checkpoint.js';
import { checkFolder, evalText } from './folder-check.js';
import { expectUserError, runBuiltCli, SLOW, smallConfig, tempDir, trainArgs } from './helpers.js';

function allFinite(path: string): boolean {
  const { tensors } = decodeSafetensors(readFileSync(path));
  return Object.values(tensors).every((t) => Array.from(t.data as Float32Array).every(Number.isFinite));
}

describe('a diverging run', () => {
  it(
    'keeps the checkpoint it names, with finite weights, usable by sample, eval and --resume',
    async () => {
      const dir = tempDir();
      const out = join(dir, 'run');
      const r = await runBuiltCli(
        trainArgs(out, smallConfig(dir), {
          lr: '1e6',
          warmup: '0',
          iters: '20',
          'eval-interval': '1',
          'sample-tokens': '300',
        }),
      );
      expectUserError(
        r,
        /(the loss|the evaluation loss|the weights) .* training stopped.*; the last good checkpoint \(iteration \d+\) in .* is kept\. Try a smaller --lr\./,
        3,
      );
      const kept = Number(/checkpoint \(iteration (\d+)\)/.exec(r.stderr)![1]);
      const state = decodeSafetensors(readFileSync(join(out, FILES.state)));
      expect(JSON.parse(state.metadata.trainer).iter).toBe(kept);
      expect(decodeSafetensors(readFileSync(join(out, FILES.model))).metadata.iter).toBe(String(kept));
      expect(allFinite(join(out, FILES.state))).toBe(true);
      expect(allFinite(join(out, FILES.model))).toBe(true);
      expect(await checkFolder(out)).toBe('usable');
    },
    SLOW,
  );

  it(
    'with a learning rate so large the first update breaks the weights: exit 3, nothing saved',
    async () => {
      const dir = tempDir();
      const out = join(dir, 'run');
      const r = await runBuiltCli(
        trainArgs(out, smallConfig(dir), { lr: '1e38', warmup: '0', 'stop-after': '1', iters: '2000' }),
      );
      expectUserError(
        r,
        /at iteration 1 .*: training stopped.*; no checkpoint was written\. Try a smaller --lr\./,
        3,
      );
      expect(await checkFolder(out)).toBe('empty');
    },
    SLOW,
  );
});

describe('weights holding NaN', () => {
  it(
    'are refused by sample and eval with one line naming the tensor',
    async () => {
      const dir = tempDir();
      const out = join(dir, 'run');
      const trained = await runBuiltCli(trainArgs(out, smallConfig(dir), { iters: '2' }));
      expect(trained.code, trained.stderr).toBe(0);
      // a model.safetensors from elsewhere (say, a diverged PyTorch run) with the same identity
      const path = join(out, FILES.model);
      const { tensors, metadata } = decodeSafetensors(readFileSync(path));
      (tensors['transformer.wte.weight'].data as Float32Array)[3] = Number.NaN;
      writeFileSync(path, encodeSafetensors(tensors, metadata));
      rmSync(join(out, FILES.state));
      const nan = /model\.safetensors holds a non-finite weight \(NaN in 'transformer\.wte\.weight'\)/;
      expectUserError(await runBuiltCli(['sample', '--ckpt', out]), nan);
      expectUserError(await runBuiltCli(['eval', '--ckpt', out, '--data', evalText(dir)]), nan);
    },
    SLOW,
  );
});
