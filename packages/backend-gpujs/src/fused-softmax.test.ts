import { causalSoftmax, randn, softmaxBackward, type Tensor } from '@dendrite/tensor';
import { describe, expect, it } from 'vitest';
import { launchesOf } from './test/launches.js';
import { backendFor, testModes } from './test/modes.js';

for (const mode of await testModes()) {
  describe(`fused softmax kernels of gpujs ${mode}`, () => {
    it('run the causal softmax and the softmax gradient in 2 launches each, no mask upload', async () => {
      const b = await backendFor(mode);
      const x = randn([2, 3, 5, 5], { backend: b });
      const g = randn([2, 3, 5, 5], { backend: b });
      await softmaxBackward(causalSoftmax(x, 0.5), g, -1, false).data(); // x and g reach the device
      const launches = async (fn: () => Tensor): Promise<[number, number, string[]]> => {
        const { dispatches, uploads, names } = await launchesOf(b, fn);
        return [dispatches, uploads, names];
      };
      expect(await launches(() => causalSoftmax(x, 0.5))).toEqual([
        2,
        0,
        ['causalSoftmax:apply', 'causalSoftmax:stats'],
      ]);
      const y = causalSoftmax(x, 0.5);
      await y.data();
      for (const log of [false, true]) {
        expect(await launches(() => softmaxBackward(y, g, -1, log))).toEqual([
          2,
          0,
          ['softmaxBackward:apply', 'softmaxBackward:sum'],
        ]);
      }
    });
  });
}
