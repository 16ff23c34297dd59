import { zeroGrad } from '@dendrite/autograd';
import {
  type Backend,
  cpuBackend,
  Generator,
  liveStorageCount,
  randn,
  type Tensor,
  tidy,
} from '@dendrite/tensor';
import { describe, expect, it } from 'vitest';
import { gpujsBackend } from './index.js';
import { BABY_LOSS_ATOL, trainBaby } from './test/baby-gpt.js';
import { backendFor, testModes } from './test/modes.js';

const STEPS = 50;
const LOSS_ATOL = BABY_LOSS_ATOL;

/**
 * What one training step (forward, backward, clipping, AdamW) of the baby GPT costs once compiled:
 * kernel launches with element-wise fusion, and host arrays moved to the device. Pinned so that a
 * change to fusion or to an op's kernels shows up here (and in the README's table). In webgpu each
 * upload is a launch too. (242 on the default layer-norm kernels composed from primitives, 228
 * before those defaults; 190 with this backend's own layer-norm kernels, ops/layer-norm.ts; 189 and
 * 14 with its own causal softmax, which needs no mask upload, and softmax gradient; 180 and 13 with
 * its own cross-entropy and gradient; 177 and 7 once autograd gathered the q/k/v slices' gradients
 * into one concat, where each slice had uploaded its index range for an indexAdd.)
 */
const DISPATCHES_PER_STEP = 177;
const UPLOADS_PER_STEP = 7;

const reference = trainBaby(cpuBackend, STEPS);
const train = (backend: Backend, steps = STEPS) => trainBaby(backend, steps);

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
