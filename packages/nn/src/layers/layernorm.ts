import { layerNorm, ones, type Tensor, ValueError, zeros } from '@dendrite/tensor';
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
  static override readonly typeName: string = 'LayerNorm';
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

/**
 * The functional form, `torch.nn.functional.layer_norm(x, normalizedShape, weight, bias, eps)`: the
 * tensor core's `layerNorm` (one definition; a fused kernel where the backend has one).
 * y = (x − mean) / √(var + ε) · weight + bias over the trailing `normalizedShape` dims
 */
export { layerNorm };
