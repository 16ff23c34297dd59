import {
  layerNorm as coreLayerNorm,
  ones,
  ShapeError,
  type Tensor,
  ValueError,
  zeros,
} from '@dendrite/tensor';
import { Module, parameter } from '../module.js';
import type { LayerOptions } from './options.js';

/** Options of {@link LayerNorm}. */
export interface LayerNormOptions extends Omit<LayerOptions, 'generator'> {
  /** Added to the variance before the square root (default 1e-5). */
  eps?: number;
  /** Learn a per-feature scale (weight, starts at 1) and shift (bias, starts at 0); default true. */
  elementwiseAffine?: boolean;
  /** Learn the shift (default true; GPT configs may turn it off). */
  bias?: boolean;
}

/**
 * Layer normalisation over the last dims: each position's features are shifted to mean 0 and
 * scaled to variance 1, then scaled and shifted by learned weight and bias.
 * y = (x − mean) / √(var + ε) · weight + bias
 */
export class LayerNorm extends Module {
  readonly normalizedShape: number[];
  readonly eps: number;
  readonly weight: Tensor | null;
  readonly bias: Tensor | null;

  constructor(normalizedShape: number | readonly number[], options: LayerNormOptions = {}) {
    super();
    this.normalizedShape = typeof normalizedShape === 'number' ? [normalizedShape] : [...normalizedShape];
    if (
      this.normalizedShape.length === 0 ||
      this.normalizedShape.some((d) => !Number.isInteger(d) || d <= 0)
    ) {
      throw new ValueError(
        `LayerNorm: normalizedShape must be positive integers, got [${this.normalizedShape.join(',')}]`,
      );
    }
    this.eps = options.eps ?? 1e-5;
    if (!(this.eps >= 0)) throw new ValueError(`LayerNorm: eps must be ≥ 0, got ${this.eps}`);
    const create = { dtype: options.dtype, backend: options.backend };
    const affine = options.elementwiseAffine ?? true;
    this.weight = affine ? parameter(ones(this.normalizedShape, create)) : null;
    this.bias = affine && options.bias !== false ? parameter(zeros(this.normalizedShape, create)) : null;
  }

  forward(x: Tensor): Tensor {
    return layerNorm(x, this.normalizedShape, this.weight, this.bias, this.eps);
  }

  override extraRepr(): string {
    return `[${this.normalizedShape.join(',')}], eps=${this.eps}`;
  }
}

/** y = (x − mean) / √(var + ε) · weight + bias, statistics over the trailing `normalizedShape` dims (biased variance). */
export function layerNorm(
  x: Tensor,
  normalizedShape: readonly number[],
  weight: Tensor | null = null,
  bias: Tensor | null = null,
  eps = 1e-5,
): Tensor {
  const k = normalizedShape.length;
  const tail = x.shape.slice(x.rank - k);
  if (x.rank < k || tail.some((d, i) => d !== normalizedShape[i])) {
    throw new ShapeError(
      `LayerNorm: input [${x.shape.join(',')}] must end in [${normalizedShape.join(',')}]`,
    );
  }
  // Over the last dim only (the transformer case): the tensor core's layerNorm, one fused kernel
  // forward and backward where the backend has them.
  if (k === 1) return coreLayerNorm(x, weight, bias, eps);
  const axes = Array.from({ length: k }, (_, i) => x.rank - k + i);
  const mean = x.mean(axes, true);
  const centered = x.sub(mean);
  const variance = centered.square().mean(axes, true);
  let y = centered.mul(variance.add(eps).rsqrt());
  if (weight) y = y.mul(weight);
  if (bias) y = y.add(bias);
  return y;
}
