import './index.js';
import {
  arange,
  getOpHook,
  indexAddZeros,
  liveStorageCount,
  setOpHook,
  type Tensor,
  tensor,
  tidy,
} from '@dendrite/tensor';
import { describe, expect, it } from 'vitest';
import type { BackwardOptions } from './backward.js';

const f64 = { dtype: 'float64' as const };

/** The ops a backward ran, by name. */
function opsOf(loss: Tensor, options?: BackwardOptions): string[] {
  const ops: string[] = [];
  const previous = getOpHook();
  setOpHook((e) => {
    previous?.(e);
    ops.push(e.op);
  });
  try {
    loss.backward(undefined, options);
  } finally {
    setOpHook(previous);
  }
  return ops;
}

/** x = leaf·1 (so the sliced tensor comes from an op, as the output of c_attn does), 0…n−1 in float64. */
function made(shape: number[]): { leaf: Tensor; x: Tensor } {
  const n = shape.reduce((a, b) => a * b, 1);
  const leaf = arange(0, n, 1, f64).reshape(shape).requiresGrad_();
  return { leaf, x: leaf.mul(1) };
}

/** Σ weights·piece for each piece: dL/dpiece = weights (a different number per element). */
function weigh(pieces: Tensor[]): Tensor {
  return pieces
    .map((p, i) =>
      p
        .mul(
          arange(0, p.size, 1, f64)
            .reshape(p.shape)
            .add(100 * i),
        )
        .sum(),
    )
    .reduce((a, b) => a.add(b));
}

describe("slices' gradients are gathered into one concat", () => {
  it('split(…, 2) into three: one concat in backward, no indexAdd, no sum of full-size gradients', () => {
    const { leaf, x } = made([2, 3, 6]);
    const pieces = x.split(2, 2);
    const ops = opsOf(weigh(pieces));
    expect(ops.filter((op) => op === 'concat')).toHaveLength(1);
    expect(ops).not.toContain('indexAdd');
    // what the pieces' gradients are, placed by hand: weights of piece i at its columns
    const want = pieces
      .map((p, i) => {
        const w = arange(0, p.size, 1, f64)
          .reshape(p.shape)
          .add(100 * i);
        return indexAddZeros([2, 3, 6], 2, arange(2 * i, 2 * i + 2, 1, { dtype: 'int32' }), w);
      })
      .reduce((a, b) => a.add(b));
    expect(leaf.grad!.toArraySync()).toEqual(want.toArraySync());
  });

  it('fills what no slice covers with zeros, and a slice of the whole axis passes its gradient through', () => {
    const { leaf, x } = made([7]);
    weigh([x.slice(0, 1, 3), x.slice(0, 5, 6)]).backward();
    expect(leaf.grad!.toArraySync()).toEqual([0, 0, 1, 0, 0, 100, 0]);
    const m = made([3]);
    const ops = opsOf(weigh([m.x.slice(0, 0, 3)]));
    expect(ops).not.toContain('concat');
    expect(m.leaf.grad!.toArraySync()).toEqual([0, 1, 2]);
  });

  it('sums overlapping slices, slices along different axes, and a use of the whole tensor', () => {
    const { leaf, x } = made([5]);
    weigh([x.slice(0, 0, 3), x.slice(0, 2, 5)]).backward();
    expect(leaf.grad!.toArraySync()).toEqual([0, 1, 2 + 100, 101, 102]);

    const b = made([2, 3]);
    weigh([b.x.slice(0, 1, 2), b.x.slice(1, 0, 1), b.x]).backward();
    // row 1 gets 0,1,2; column 0 gets 100,101; the whole tensor 200…205
    expect(b.leaf.grad!.toArraySync()).toEqual([
      [100 + 200, 201, 202],
      [0 + 101 + 203, 1 + 204, 2 + 205],
    ]);
  });

  it('a slice with a step, or of a leaf, keeps its own rule', () => {
    const { leaf, x } = made([6]);
    const ops = opsOf(weigh([x.slice(0, 0, 6, 2), x.slice(0, 1, 6, 2)]));
    expect(ops).toContain('indexAdd');
    expect(leaf.grad!.toArraySync()).toEqual([0, 100, 1, 101, 2, 102]);
    const l = tensor([1, 2, 3, 4], f64).requiresGrad_();
    weigh(l.split(2)).backward();
    expect(l.grad!.toArraySync()).toEqual([0, 1, 100, 101]);
  });

  it('with createGraph the gathered gradient is differentiable: d/dx of Σ(dL/dx)² through a split', () => {
    // L = Σ a³ + 2Σ b³ with [a | b] = x: dL/dx = [3a² | 6b²], Σ(dL/dx)² = Σ 9a⁴ + 36b⁴, whose gradient is [36a³ | 144b³]
    const f = (x: Tensor) => {
      const [a, b] = x.mul(1).split(2);
      return a.pow(3).sum().add(b.pow(3).sum().mul(2));
    };
    const x = tensor([1, 2, 3, 0.5], f64).requiresGrad_();
    const ops = opsOf(f(x), { createGraph: true });
    expect(ops).toContain('concat');
    const dx = x.grad!;
    x.grad = null;
    expect(dx.toArraySync()).toEqual([3, 12, 54, 1.5]);
    dx.square().sum().backward();
    expect(x.grad!.toArraySync()).toEqual([36, 288, 144 * 27, 144 / 8]);
  });

  it('frees the pieces once gathered: a split-heavy backward leaves only the leaf gradient', () => {
    const { leaf, x } = made([4, 12]);
    const loss = weigh(x.split(3, 1).flatMap((p) => p.split(1, 0)));
    const before = liveStorageCount();
    tidy(() => loss.backward());
    expect(liveStorageCount()).toBe(before + 1); // leaf.grad
    expect(leaf.grad!.shape).toEqual([4, 12]);
  });
});
