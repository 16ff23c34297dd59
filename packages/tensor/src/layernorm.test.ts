import { describe, expect, it } from 'vitest';
import type { Backend } from './backend.js';
import { composeBackend, primitivesOf } from './backend-kit.js';
import { cpuBackend } from './cpu/index.js';
import { randn, tensor } from './creation.js';
import { ShapeError, ValueError } from './errors.js';
import { layerNorm } from './ops/layernorm.js';
import { Generator } from './random.js';
import { registerBackend } from './registry.js';
import type { Tensor } from './tensor.js';

const f64 = { dtype: 'float64' as const };
const maxAbsDiff = (a: Tensor, b: Tensor) => b.sub(a).abs().max().itemSync();
/** The CPU backend without its fused layer norm: layerNorm comes from primitives. */
const unfused: Backend = registerBackend(
  composeBackend({ ...primitivesOf(cpuBackend), name: 'cpu-no-fused-layernorm' }),
);

/** y = (x − mean)/√(var + ε)·w + b over the trailing `k` dims, written out. */
function reference(x: Tensor, k: number, w: Tensor | null, b: Tensor | null, eps: number): Tensor {
  const axes = Array.from({ length: k }, (_, i) => x.rank - k + i);
  const c = x.sub(x.mean(axes, true));
  let y = c.mul(c.square().mean(axes, true).add(eps).rsqrt());
  if (w) y = y.mul(w);
  if (b) y = y.add(b);
  return y;
}

describe('layerNorm(x, normalizedShape, weight, bias, eps) as torch.nn.functional.layer_norm', () => {
  it('over the last dim, a number or [C]', () => {
    const s = Math.sqrt(1.25);
    const want = [[-1.5 / s, -0.5 / s, 0.5 / s, 1.5 / s]];
    const x = tensor([[1, 2, 3, 4]], f64);
    for (const y of [
      layerNorm(x, 4, null, null, 0),
      layerNorm(x, [4], null, null, 0),
      x.layerNorm([4], null, null, 0),
    ]) {
      (y.toArraySync() as number[][])[0].forEach((v, i) => expect(v).toBeCloseTo(want[0][i], 14));
    }
  });

  it('over several trailing dims, with weight and bias of that shape, fused or from primitives', () => {
    const g = new Generator(3);
    const x = randn([2, 3, 4, 5], { ...f64, generator: g });
    const w = randn([4, 5], { ...f64, generator: g });
    const b = randn([4, 5], { ...f64, generator: g });
    const want = reference(x, 2, w, b, 1e-5);
    expect(maxAbsDiff(layerNorm(x, [4, 5], w, b), want)).toBeLessThan(1e-12);
    expect(
      maxAbsDiff(layerNorm(x.to(unfused), [4, 5], w.to(unfused), b.to(unfused)).to(cpuBackend), want),
    ).toBeLessThan(1e-12);
    // Every dim, and a permuted (non-contiguous) input.
    expect(maxAbsDiff(layerNorm(x, [2, 3, 4, 5]), reference(x, 4, null, null, 1e-5))).toBeLessThan(1e-12);
    const p = x.permute(3, 1, 0, 2); // [5, 3, 2, 4]
    expect(
      maxAbsDiff(
        layerNorm(p, [2, 4], null, b.reshape(2, 10).slice(1, 0, 4)),
        reference(p, 2, null, b.reshape(2, 10).slice(1, 0, 4), 1e-5),
      ),
    ).toBeLessThan(1e-12);
  });

  it('refuses the old last-dim form layerNorm(x, weight, bias) with a pointer to the new one', () => {
    const x = tensor([[1, 2]]);
    const w = tensor([1, 1]);
    expect(() => layerNorm(x, w as never)).toThrow(ValueError);
    expect(() => layerNorm(x, w as never)).toThrow(
      /layerNorm: normalizedShape must be a number or an array of dims, got a Tensor; the signature is layerNorm\(x, normalizedShape, weight, bias, eps\) .* layerNorm\(x, \[2\], weight, bias\)/,
    );
    expect(() => (x.layerNorm as (...a: unknown[]) => Tensor)()).toThrow(/normalizedShape .* got undefined/);
    expect(() => layerNorm(x, null as never)).toThrow(/got null/);
  });

  it('checks normalizedShape against the input and the affine parameters against normalizedShape', () => {
    const x = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(() => layerNorm(x, [2])).toThrow(ShapeError);
    expect(() => layerNorm(x, [2])).toThrow(/layerNorm: input \[2,3\] must end in \[2\] \(normalizedShape\)/);
    expect(() => layerNorm(x, [1, 2, 3])).toThrow(/must end in \[1,2,3\]/);
    expect(() => layerNorm(x, [])).toThrow(/normalizedShape must be one or more positive integers, got \[\]/);
    expect(() => layerNorm(x, [0])).toThrow(ValueError);
    expect(() => layerNorm(x, [2, 3], tensor([1, 1, 1, 1, 1, 1]))).toThrow(
      /layerNorm: weight must have the normalizedShape \[2,3\], got \[6\]/,
    );
    expect(() => layerNorm(x, 3, null, tensor([[0, 0, 0]]))).toThrow(
      /bias must have the normalizedShape \[3\], got \[1,3\]/,
    );
    expect(() => layerNorm(x, 3, null, null, -1)).toThrow(/layerNorm: eps must be a number ≥ 0, got -1/);
  });
});
