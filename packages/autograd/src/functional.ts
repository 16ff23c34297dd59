import { type Tensor, ValueError } from '@dendrite/tensor';
import { AutogradError } from './errors.js';
import { enableGrad, noGrad } from './mode.js';

/** Options of {@link grad} and {@link valueAndGrad}. */
export interface GradOptions {
  /** Which arguments to differentiate with respect to (default: all of them). */
  argnums?: number | readonly number[];
}

function leaves(args: readonly Tensor[], argnums: readonly number[]): Tensor[] {
  return args.map((a, i) => {
    const x = a.detach();
    if (argnums.includes(i)) x.requiresGrad_(true);
    return x;
  });
}

function argList(options: GradOptions, n: number): number[] {
  const raw = options.argnums ?? Array.from({ length: n }, (_, i) => i);
  const list = typeof raw === 'number' ? [raw] : [...raw];
  for (const i of list) {
    if (!Number.isInteger(i) || i < 0 || i >= n)
      throw new ValueError(`grad: argnums ${i} is out of range for ${n} arguments`);
  }
  return list;
}

/**
 * The value of a scalar function and its gradients with respect to the chosen arguments
 * (JAX's `value_and_grad`). Arguments are not modified; gradients are fresh tensors.
 */
export function valueAndGrad<A extends Tensor[]>(
  f: (...args: A) => Tensor,
  options: GradOptions = {},
): (...args: A) => { value: Tensor; grads: Tensor[] } {
  return (...args: A) => {
    const nums = argList(options, args.length);
    const xs = leaves(args, nums) as A;
    const value = enableGrad(() => f(...xs));
    if (value.size !== 1) {
      throw new AutogradError(
        `grad: the function must return a one-element tensor, got shape [${value.shape.join(',')}]`,
      );
    }
    if (value.requiresGrad) value.backward();
    const grads = nums.map((i) => {
      const x = xs[i];
      return x.grad ?? noGrad(() => x.mul(0));
    });
    return { value: value.detach(), grads };
  };
}

/**
 * `grad(f)(...args)`: the gradients of a scalar function with respect to its arguments. Returns one
 * tensor when differentiating with respect to a single argument (`argnums: i`), else an array.
 */
export function grad<A extends Tensor[]>(
  f: (...args: A) => Tensor,
  options: GradOptions = {},
): (...args: A) => Tensor | Tensor[] {
  const vg = valueAndGrad(f, options);
  return (...args: A) => {
    const { grads } = vg(...args);
    return typeof options.argnums === 'number' ? grads[0] : grads;
  };
}
