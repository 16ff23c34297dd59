import './index.js';
import { type Tensor, tensor } from '@dendrite/tensor';
import { describe, expect, it } from 'vitest';
import { checkpoint } from './checkpoint.js';
import { grad, valueAndGrad } from './functional.js';

const f64 = { dtype: 'float64' as const };

describe('functional gradients', () => {
  it('grad(f) returns df/dx for each argument', () => {
    const f = (x: Tensor, y: Tensor) => x.mul(y).add(x.square()).sum();
    const [dx, dy] = grad(f)(tensor([1, 2], f64), tensor([3, 4], f64)) as Tensor[];
    expect(dx.toArraySync()).toEqual([5, 8]); // y + 2x
    expect(dy.toArraySync()).toEqual([1, 2]); // x
  });

  it('argnums picks arguments and leaves the inputs untouched', () => {
    const x = tensor([1, 2], f64);
    const dy = grad((a: Tensor, b: Tensor) => a.mul(b).sum(), { argnums: 1 })(
      x,
      tensor([5, 6], f64),
    ) as Tensor;
    expect(dy.toArraySync()).toEqual([1, 2]);
    expect(x.requiresGrad).toBe(false);
    expect(x.grad).toBeNull();
  });

  it('valueAndGrad returns both; a constant function has zero gradients', () => {
    const { value, grads } = valueAndGrad((x: Tensor) => x.sum().mul(0).add(7))(tensor([1, 2], f64));
    expect(value.itemSync()).toBe(7);
    expect(grads[0].toArraySync()).toEqual([0, 0]);
  });

  it('rejects non-scalar functions', () => {
    expect(() => grad((x: Tensor) => x.mul(2))(tensor([1, 2], f64))).toThrow(/one-element tensor/);
  });
});

describe('checkpoint', () => {
  it('gives the same gradients as the plain computation, recomputing in backward', () => {
    const w = tensor(
      [
        [0.5, -1],
        [2, 0.25],
      ],
      f64,
    ).requiresGrad_();
    const x = tensor([[1, 2]], f64).requiresGrad_();
    let calls = 0;
    const block = (h: Tensor) => {
      calls++;
      return h.matmul(w).tanh().matmul(w);
    };
    block(x).sum().backward();
    const plain = [x.grad!.toArraySync(), w.grad!.toArraySync()];
    x.grad = null;
    w.grad = null;
    calls = 0;
    const y = checkpoint(block, x);
    expect(y.gradFn!.saved).toHaveLength(1); // only the block's input, not its activations
    y.sum().backward();
    expect(calls).toBe(2);
    expect(x.grad!.toArraySync()).toEqual(plain[0]);
    expect(w.grad!.toArraySync()).toEqual(plain[1]);
  });
});
