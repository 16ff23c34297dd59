import { ShapeError, type Tensor, zeros } from '@dendrite/tensor';
import * as init from '../init.js';
import { checkPositiveInt, Module, parameter } from '../module.js';
import type { LayerOptions } from './options.js';

export interface LinearOptions extends LayerOptions {
  /** Learn an additive bias (default true). */
  bias?: boolean;
}

/**
 * A dense (fully connected) layer: every output is a weighted sum of every input plus a bias.
 * `weight` is `[outFeatures, inFeatures]` as in PyTorch; both start uniform in ±1/√inFeatures.
 */
export class Linear extends Module {
  static override readonly typeName: string = 'Linear';
  readonly weight: Tensor;
  readonly bias: Tensor | null;

  constructor(
    readonly inFeatures: number,
    readonly outFeatures: number,
    options: LinearOptions = {},
  ) {
    super();
    checkPositiveInt(inFeatures, 'inFeatures', 'Linear');
    checkPositiveInt(outFeatures, 'outFeatures', 'Linear');
    const bound = 1 / Math.sqrt(inFeatures);
    const create = { dtype: options.dtype, backend: options.backend };
    this.weight = parameter(init.uniform(zeros([outFeatures, inFeatures], create), -bound, bound, options));
    this.bias =
      options.bias === false
        ? null
        : parameter(init.uniform(zeros([outFeatures], create), -bound, bound, options));
  }

  /** y = x·Wᵀ + b over the last dim of `x` (any leading dims). */
  forward(x: Tensor): Tensor {
    return linear(x, this.weight, this.bias);
  }

  override extraRepr(): string {
    return `in=${this.inFeatures}, out=${this.outFeatures}, bias=${this.bias !== null}`;
  }
}

/** y = x·Wᵀ + b, for `x` of shape `[..., in]` and `weight` `[out, in]`; leading dims are folded into one matmul. */
export function linear(x: Tensor, weight: Tensor, bias: Tensor | null = null): Tensor {
  const inFeatures = weight.shape[1];
  if (x.rank === 0 || x.shape[x.rank - 1] !== inFeatures) {
    throw new ShapeError(
      `Linear: input [${x.shape.join(',')}] must end in ${inFeatures} features (weight [${weight.shape.join(',')}])`,
    );
  }
  const lead = x.shape.slice(0, -1);
  const x2 = x.rank === 2 ? x : x.reshape(-1, inFeatures);
  let y = x2.matmul(weight.mT);
  if (bias) y = y.add(bias);
  return x.rank === 2 ? y : y.reshape([...lead, weight.shape[0]]);
}
