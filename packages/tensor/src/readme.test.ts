import { expect, it } from 'vitest';
import { matmul, randn, tensor, tidy } from './index.js';

// The example from README.md, as written there.
it('the README example runs', async () => {
  const x = tensor([
    [1, 2, 3],
    [4, 5, 6],
  ]);
  const w = randn([3, 2]);
  const b = tensor([0.5, -0.5]);
  const y = tidy(() => matmul(x, w).add(b).relu());
  expect(y.shape).toEqual([2, 2]);
  expect(y.toString()).toMatch(/^tensor\(\[\[/);
  expect(await y.data()).toBeInstanceOf(Float32Array);
  expect(x.sum(1).toArraySync()).toEqual([6, 15]);
  expect(w.isDisposed).toBe(false);
});
