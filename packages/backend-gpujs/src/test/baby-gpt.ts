import { GPT, type GPTConfig } from '@dendrite/gpt';
import { AdamW, clipGradNorm } from '@dendrite/optim';
import { type Backend, Generator, keep, tensor, tidy, withBackend } from '@dendrite/tensor';
import type { GpujsBackend } from '../backend.js';

/**
 * The training test's model and loop, shared by the Node tests (src/training.test.ts) and the
 * browser page (src/test/browser-page.ts): the same seeds everywhere, so every backend and mode
 * must give the CPU's losses.
 */

const TEXT =
  'the quick brown fox jumps over the lazy dog. a tiny model learns which letter follows which; ' +
  'the loss goes down as it does. '.repeat(4);
const CHARS = [...new Set(TEXT)].sort();
const IDS = [...TEXT].map((ch) => CHARS.indexOf(ch));

/** A baby GPT small enough to train 50 steps in seconds on WebAssembly. */
export const BABY_CONFIG: GPTConfig = {
  vocabSize: CHARS.length,
  blockSize: 16,
  nLayer: 1,
  nHead: 2,
  nEmbd: 16,
  dropout: 0,
  bias: true,
};
export const BABY_BATCH = 4;

/**
 * Losses may differ from the CPU's by float32 rounding in another order of operations, compounded
 * over 50 steps (measured: at most 1.2e-6 in every mode, Chromium's software GPU included; the
 * bound leaves room for other hardware).
 */
export const BABY_LOSS_ATOL = 1e-4;

/** What {@link trainBaby} reports. */
export interface BabyRun {
  losses: number[];
  /** Backend counters after each step (gpu.js backends only). */
  stats: ReturnType<GpujsBackend['stats']>[];
}

/**
 * Trains the baby GPT for `steps` AdamW steps (forward, backward, clipping, update) on `backend`,
 * reading each loss with `await loss.item()`.
 */
export async function trainBaby(backend: Backend, steps: number): Promise<BabyRun> {
  const config = BABY_CONFIG;
  const model = withBackend(backend, () => new GPT(config, { generator: new Generator(1) }));
  const opt = new AdamW(model.parameters(), { lr: 1e-2, weightDecay: 0.1 });
  const data = new Generator(2);
  const gpujs = 'stats' in backend ? (backend as unknown as GpujsBackend) : null;
  const run: BabyRun = { losses: [], stats: [] };
  for (let step = 0; step < steps; step++) {
    const x = new Int32Array(BABY_BATCH * config.blockSize);
    const y = new Int32Array(BABY_BATCH * config.blockSize);
    for (let b = 0; b < BABY_BATCH; b++) {
      const start = data.nextInt(0, IDS.length - config.blockSize - 1);
      for (let t = 0; t < config.blockSize; t++) {
        x[b * config.blockSize + t] = IDS[start + t];
        y[b * config.blockSize + t] = IDS[start + t + 1];
      }
    }
    const loss = tidy(() => {
      const shape = [BABY_BATCH, config.blockSize];
      const out = model.forward(tensor(x, { shape, backend }), tensor(y, { shape, backend }));
      out.loss!.backward();
      clipGradNorm(model.parameters(), 1);
      opt.step();
      opt.zeroGrad();
      return keep(out.loss!.detach());
    });
    run.losses.push(await loss.item());
    loss.dispose();
    if (gpujs) run.stats.push(gpujs.stats());
  }
  opt.dispose();
  for (const p of model.parameters()) p.dispose();
  return run;
}
