import type { Tensor } from '../tensor.js';

/**
 * Layer norm over the last dim from primitives (the default `layerNorm` kernel, and the math the
 * fused kernels must match): y = (x − mean)/√(var + ε)·w + b, biased variance.
 */
export function layerNormComposite(
  x: Tensor,
  weight: Tensor | null,
  bias: Tensor | null,
  eps: number,
): Tensor {
  const mean = x.mean(-1, true);
  const centered = x.sub(mean);
  let y = centered.mul(centered.square().mean(-1, true).add(eps).rsqrt());
  if (weight) y = y.mul(weight);
  if (bias) y = y.add(bias);
  return y;
}

/** The gradients of {@link layerNormComposite}: dx, and dweight/dbias where those exist. */
export interface LayerNormGrads {
  dx: Tensor;
  dweight: Tensor | null;
  dbias: Tensor | null;
}

/**
 * The gradient of layer norm from primitives, for upstream gradient `grad` (the default
 * `layerNormBackward` kernel, and what a recorded backward pass runs):
 * dx = rstd·(ĝ − mean(ĝ) − x̂·mean(ĝ·x̂)), ĝ = grad·w;  dw = Σ_rows grad·x̂;  db = Σ_rows grad
 */
export function layerNormBackwardComposite(
  x: Tensor,
  weight: Tensor | null,
  grad: Tensor,
  eps: number,
  withBias: boolean,
): LayerNormGrads {
  const rows = x.shape.slice(0, -1).map((_, i) => i);
  const mean = x.mean(-1, true);
  const centered = x.sub(mean);
  const rstd = centered.square().mean(-1, true).add(eps).rsqrt();
  const xhat = centered.mul(rstd);
  const gh = weight ? grad.mul(weight) : grad;
  const dx = gh
    .sub(gh.mean(-1, true))
    .sub(xhat.mul(gh.mul(xhat).mean(-1, true)))
    .mul(rstd);
  return {
    dx,
    dweight: weight ? grad.mul(xhat).sum(rows) : null,
    dbias: withBias ? grad.sum(rows) : null,
  };
}
