import '@dendrite/autograd';
import { cpuBackend, layerNorm, layerNormBackward, type Tensor, tensor } from '@dendrite/tensor';
import { describe, expect, it } from 'vitest';
import { launchesOf } from './test/launches.js';
import { backendFor, testModes } from './test/modes.js';

/** Rows of nearly equal values, the case where x − mean cancels: 1000 + small offsets. */
function nearlyEqualRows(rows: number, C: number): number[][] {
  return Array.from({ length: rows }, (_, r) =>
    Array.from({ length: C }, (_, c) => 1000 + ((r * 7 + c * 3) % 11) / 256),
  );
}

async function values(t: Tensor): Promise<number[]> {
  return Array.from(await t.data());
}

/** Max |got − want| / max|want|. */
function relError(got: number[], want: number[]): number {
  const scale = Math.max(...want.map(Math.abs));
  return Math.max(...got.map((g, i) => Math.abs(g - want[i]))) / scale;
}

for (const mode of await testModes()) {
  describe(`layer norm kernels of gpujs ${mode}`, () => {
    it('keep the digits of rows of nearly equal values (the float64 reference to 1e-5)', async () => {
      const b = await backendFor(mode);
      const rows = nearlyEqualRows(6, 1100);
      const weight = Array.from({ length: 1100 }, (_, c) => 1 + c / 1100);
      const bias = Array.from({ length: 1100 }, (_, c) => c / 2200);
      const grad = rows.map((row, r) => row.map((_, c) => Math.sin(r + c)));
      const ref = (t: number[] | number[][], dtype: 'float64') => tensor(t, { dtype, backend: cpuBackend });
      const on = (t: number[] | number[][]) => tensor(t, { backend: b });
      const want = layerNorm(ref(rows, 'float64'), [1100], ref(weight, 'float64'), ref(bias, 'float64'));
      const got = layerNorm(on(rows), [1100], on(weight), on(bias));
      // the default kernel composed from float32 primitives is 0.3 off (relative) here: x − mean cancels
      expect(relError(await values(got), await values(want))).toBeLessThan(1e-5);
      const want2 = layerNormBackward(
        ref(rows, 'float64'),
        ref(weight, 'float64'),
        ref(grad, 'float64'),
        1e-5,
        true,
      );
      const got2 = layerNormBackward(on(rows), on(weight), on(grad), 1e-5, true);
      expect(relError(await values(got2.dx), await values(want2.dx))).toBeLessThan(1e-4);
      expect(relError(await values(got2.dweight!), await values(want2.dweight!))).toBeLessThan(1e-4);
      expect(relError(await values(got2.dbias!), await values(want2.dbias!))).toBeLessThan(1e-5);
    });

    it('launch 2 kernels forward, 4 backward (2 without weight and bias), all of their own', async () => {
      const b = await backendFor(mode);
      const x = tensor(nearlyEqualRows(4, 8), { backend: b });
      const g = tensor(nearlyEqualRows(4, 8), { backend: b });
      const w = tensor([1, 2, 3, 4, 5, 6, 7, 8], { backend: b });
      // a first call moves x, g and w to the device (a launch each in webgpu)
      await layerNormBackward(x, w, g, 1e-5, true).dx.data();
      const launches = async (fn: () => Tensor[]): Promise<[number, string[]]> => {
        const { dispatches, names } = await launchesOf(b, fn);
        return [dispatches, names];
      };
      expect(await launches(() => [layerNorm(x, [8], w, w)])).toEqual([
        2,
        ['layerNorm:apply', 'layerNorm:stats'],
      ]);
      expect(
        await launches(() => {
          const { dx, dweight, dbias } = layerNormBackward(x, w, g, 1e-5, true);
          return [dx, dweight!, dbias!];
        }),
      ).toEqual([4, ['layerNorm:dbias', 'layerNorm:dweight', 'layerNorm:dx', 'layerNorm:gradStats']]);
      const plain = await launches(() => {
        const { dx, dweight, dbias } = layerNormBackward(x, null, g, 1e-5, false);
        expect([dweight, dbias]).toEqual([null, null]);
        return [dx];
      });
      expect(plain).toEqual([2, ['layerNorm:dx', 'layerNorm:gradStats']]);
    });

    it('give empty outputs for no rows, and zero weight and bias gradients', async () => {
      const b = await backendFor(mode);
      const x = tensor(new Float32Array(0), { backend: b }).reshape([0, 3]);
      const w = tensor([1, 2, 3], { backend: b });
      expect(layerNorm(x, [3], w, w).shape).toEqual([0, 3]);
      const { dx, dweight, dbias } = layerNormBackward(x, w, x, 1e-5, true);
      expect(dx.shape).toEqual([0, 3]);
      expect(await values(dweight!)).toEqual([0, 0, 0]);
      expect(await values(dbias!)).toEqual([0, 0, 0]);
    });
  });
}
