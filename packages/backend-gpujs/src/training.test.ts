import { zeroGrad } from '@dendrite/autograd';
import { GPT, type GPTConfig } from '@dendrite/gpt';
import { AdamW, clipGradNorm } from '@dendrite/optim';
import {
  type Backend,
  cpuBackend,
  Generator,
  keep,
  liveStorageCount,
  randn,
  type Tensor,
  tensor,
  tidy,
  withBackend,
} from '@dendrite/tensor';
import { describe, expect, it } from 'vitest';
import { type GpujsBackend, gpujsBackend } from './index.js';
import { backendFor, testModes } from './test/modes.js';

/** A baby GPT small enough to train 50 steps in seconds on WebAssembly. */
const TEXT =
  'the quick brown fox jumps over the lazy dog. a tiny model learns which letter follows which; ' +
  'the loss goes down as it does. '.repeat(4);
const CHARS = [...new Set(TEXT)].sort();
const IDS = [...TEXT].map((ch) => CHARS.indexOf(ch));
const CONFIG: GPTConfig = {
  vocabSize: CHARS.length,
  blockSize: 16,
  nLayer: 1,
  nHead: 2,
  nEmbd: 16,
  dropout: 0,
  bias: true,
};
const BATCH = 4;
const STEPS = 50;

/**
 * Losses may differ by float32 rounding in another order of operations, compounded over 50 steps
 * (measured: at most 1.2e-6 in every mode; the bound leaves room for other hardware).
 */
const LOSS_ATOL = 1e-4;

/**
 * What one training step (forward, backward, clipping, AdamW) of the baby GPT costs once compiled:
 * kernel launches with element-wise fusion, and host arrays moved to the device. Pinned so that a
 * change to fusion or to an op's kernels shows up here (and in the README's table). In webgpu each
 * upload is a launch too. (242 on the default layer-norm kernels composed from primitives, 228
 * before those defaults; 190 with this backend's own layer-norm kernels, ops/layer-norm.ts; 189 and
 * 14 with its own causal softmax, which needs no mask upload, and softmax gradient; 180 and 13 with
 * its own cross-entropy and gradient.)
 */
const DISPATCHES_PER_STEP = 180;
const UPLOADS_PER_STEP = 13;

interface Run {
  losses: number[];
  /** Backend counters after each step (gpujs only). */
  stats: ReturnType<GpujsBackend['stats']>[];
}

/** Trains the baby GPT for STEPS AdamW steps on `backend` (same seeds everywhere), reading each loss. */
async function train(backend: Backend, steps = STEPS): Promise<Run> {
  const model = withBackend(backend, () => new GPT(CONFIG, { generator: new Generator(1) }));
  const opt = new AdamW(model.parameters(), { lr: 1e-2, weightDecay: 0.1 });
  const data = new Generator(2);
  const gpujs = 'stats' in backend ? (backend as unknown as GpujsBackend) : null;
  const run: Run = { losses: [], stats: [] };
  for (let step = 0; step < steps; step++) {
    const x = new Int32Array(BATCH * CONFIG.blockSize);
    const y = new Int32Array(BATCH * CONFIG.blockSize);
    for (let b = 0; b < BATCH; b++) {
      const start = data.nextInt(0, IDS.length - CONFIG.blockSize - 1);
      for (let t = 0; t < CONFIG.blockSize; t++) {
        x[b * CONFIG.blockSize + t] = IDS[start + t];
        y[b * CONFIG.blockSize + t] = IDS[start + t + 1];
      }
    }
    const loss = tidy(() => {
      const shape = [BATCH, CONFIG.blockSize];
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

const reference = train(cpuBackend);

for (const mode of await testModes()) {
  describe(`training on gpujs ${mode}`, () => {
    it(`a baby GPT (1 layer, 2 heads, width 16, context 16) tracks the CPU losses for ${STEPS} AdamW steps`, async () => {
      const want = (await reference).losses;
      const got = await train(await backendFor(mode));
      expect(want[STEPS - 1]).toBeLessThan(want[0] - 0.5); // it does learn
      for (let s = 0; s < STEPS; s++) {
        if (!(Math.abs(got.losses[s] - want[s]) <= LOSS_ATOL)) {
          throw new Error(`step ${s}: loss ${got.losses[s]} on ${mode}, ${want[s]} on the CPU`);
        }
      }
      // No recompilation per step: kernels compile in step 1, and in step 2 for the fused optimizer
      // updates that read the AdamW state (zeros, i.e. constants, in step 1). Nothing after that.
      const second = got.stats[1];
      const last = got.stats[STEPS - 1];
      expect(got.stats[0].compiles).toBeGreaterThan(0);
      expect(last.compiles).toBe(second.compiles);
      expect(last.kernels).toBe(second.kernels);
      // One read per step (the loss), nothing else comes back to the host.
      expect(last.reads - second.reads).toBe(STEPS - 2);
      const before = got.stats[STEPS - 2];
      expect(last.uploads - before.uploads).toBe(UPLOADS_PER_STEP);
      const uploadLaunches = mode === 'webgpu' ? UPLOADS_PER_STEP : 0;
      expect(last.dispatches - before.dispatches).toBe(DISPATCHES_PER_STEP + uploadLaunches);
    }, 120_000); // ~5 s alone in webgpu mode on lavapipe (2 s webasm, 1 s cpu); room for 20× slower

    it('a second identical training-step sequence compiles nothing new', async () => {
      const b = await backendFor(mode);
      await train(b, 2);
      const before = b.stats();
      await train(b, 2);
      const after = b.stats();
      expect(after.compiles).toBe(before.compiles);
      expect(after.kernels).toBe(before.kernels);
      expect(after.dispatches).toBeGreaterThan(before.dispatches);
    });

    const sequences = mode === 'webgpu' ? 500 : 10_000;
    it(`${sequences.toLocaleString('en-US')} training-step-like op sequences leave live buffers flat`, async () => {
      const b = await gpujsBackend({ mode, name: `gpujs:${mode}:memory` });
      const g = new Generator(3);
      const w = randn([8, 4], { generator: g, backend: b }).requiresGrad_();
      const bias = randn([4], { generator: g, backend: b }).requiresGrad_();
      const x = randn([6, 8], { generator: g, backend: b });
      const step = () =>
        tidy(() => {
          const loss = x.matmul(w).add(bias).tanh().square().mean(); // forward
          loss.backward(); // backward
          w.assign(w.sub(w.grad!.mul(0.01)).detach()); // update, a new buffer each time
          bias.assign(bias.sub(bias.grad!.mul(0.01)).detach());
          zeroGrad([w, bias]); // frees the gradients
        });
      for (let i = 0; i < 10; i++) step();
      await w.data();
      const live = b.stats().liveHandles;
      const arrays = b.stats().deviceArrays;
      const storages = liveStorageCount();
      for (let i = 0; i < sequences; i++) step();
      await w.data();
      expect(b.stats().liveHandles).toBe(live);
      expect(b.stats().deviceArrays).toBe(arrays);
      expect(liveStorageCount()).toBeLessThanOrEqual(storages); // other tests' tensors may be finalized meanwhile
      expect(b.stats().peakLiveHandles).toBeLessThan(live + 100);
      for (const t of [w, bias, x] as Tensor[]) t.dispose();
      b.dispose();
    }, 180_000); // ~7 s alone in webasm mode (5 s cpu, 2 s webgpu); room for a machine 25× slower
  });
}
