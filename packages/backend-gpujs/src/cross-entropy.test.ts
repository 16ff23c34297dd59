import {
  cpuBackend,
  crossEntropyBackward,
  IndexError,
  softmaxCrossEntropy,
  type Tensor,
  tensor,
} from '@dendrite/tensor';
import { describe, expect, it } from 'vitest';
import { launchesOf } from './test/launches.js';
import { backendFor, testModes } from './test/modes.js';

const LOGITS = [
  [1, 2, 3, 4],
  [0, 0, 1, 0],
  [2, -1, 0.5, 0],
];

for (const mode of await testModes()) {
  describe(`cross-entropy kernels of gpujs ${mode}`, () => {
    it('launch 1 kernel forward and 2 backward, of their own', async () => {
      const b = await backendFor(mode);
      const x = tensor(LOGITS, { backend: b });
      const t = tensor([3, 0, -100], { backend: b, dtype: 'int32' });
      const g = tensor([1, 0.5, 2], { backend: b });
      await crossEntropyBackward(x, t, g).data(); // x, t and g reach the device
      const launches = async (fn: () => Tensor): Promise<[number, string[]]> => {
        const { dispatches, names } = await launchesOf(b, fn);
        return [dispatches, names];
      };
      expect(await launches(() => softmaxCrossEntropy(x, t))).toEqual([1, ['crossEntropy']]);
      expect(await launches(() => crossEntropyBackward(x, t, g))).toEqual([
        2,
        ['crossEntropyBackward', 'softmax:stats'],
      ]);
    });

    it('raise the CPU backend’s IndexError for a target the host knows is out of range', async () => {
      const b = await backendFor(mode);
      const bad = (backend: typeof cpuBackend) => () =>
        softmaxCrossEntropy(tensor(LOGITS, { backend }), tensor([3, 4, 0], { backend, dtype: 'int32' }));
      expect(bad(cpuBackend)).toThrow(IndexError);
      let cpuMessage = '';
      try {
        bad(cpuBackend)();
      } catch (err) {
        cpuMessage = (err as Error).message;
      }
      expect(bad(b)).toThrow(cpuMessage);
      expect(cpuMessage).toContain('target 4 (row 1) is outside [0, 4)');
    });

    it('make the row of an out-of-range target computed on the device NaN', async () => {
      const b = await backendFor(mode);
      const x = tensor(LOGITS, { backend: b });
      const t = tensor([3, 2, 0], { backend: b, dtype: 'int32' }).mul(2); // [6, 4, 0], on the device
      const loss = Array.from(await softmaxCrossEntropy(x, t).data());
      expect(loss.map(Number.isNaN)).toEqual([true, true, false]);
      const grad = Array.from(await crossEntropyBackward(x, t, tensor([1, 1, 1], { backend: b })).data());
      expect(grad.map(Number.isNaN)).toEqual([...Array(8).fill(true), ...Array(4).fill(false)]);
    });
  });
}
