import { type Generator, rand, type Tensor } from '@dendrite/tensor';
import { checkProbability, Module } from '../module.js';

/** Options of {@link Dropout}. */
export interface DropoutOptions {
  /** Source of the random masks (default: the generator `manualSeed` sets). */
  generator?: Generator;
}

/**
 * Dropout: in training, zeroes each element with probability `p` and scales the rest by 1/(1−p)
 * so the expected value is unchanged; in eval mode it passes `x` through.
 */
export class Dropout extends Module {
  static override readonly typeName: string = 'Dropout';
  generator: Generator | undefined;

  constructor(
    readonly p = 0.5,
    options: DropoutOptions = {},
  ) {
    super();
    checkProbability(p, 'p', 'Dropout');
    this.generator = options.generator;
  }

  forward(x: Tensor): Tensor {
    return dropout(x, this.p, this.training, this.generator);
  }

  override extraRepr(): string {
    return `p=${this.p}`;
  }
}

/** y = x · mask / (1 − p), mask ~ Bernoulli(1 − p), when `training`; else y = x. */
export function dropout(x: Tensor, p: number, training: boolean, generator?: Generator): Tensor {
  checkProbability(p, 'p', 'dropout');
  if (!training || p === 0) return x;
  const keep = rand(x.shape, { dtype: x.dtype, backend: x.backend, generator }).ge(p);
  return x.mul(keep).mul(1 / (1 - p));
}
