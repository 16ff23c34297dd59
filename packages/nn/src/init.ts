import { noGrad } from '@dendrite/autograd';
import { full, type Generator, rand, randn, type Tensor, ValueError } from '@dendrite/tensor';

/**
 * Weight initialisation. Each function overwrites a tensor's values (keeping its identity, like
 * PyTorch's in-place `nn.init.*_`) and returns it. Randomness comes from `generator`, or from the
 * default generator that `manualSeed` sets, so every initialisation is reproducible.
 */
export interface InitOptions {
  generator?: Generator;
}

function fill(t: Tensor, make: () => Tensor): Tensor {
  noGrad(() => {
    const values = make();
    t.assign(values.dtype === t.dtype ? values : values.to(t.dtype));
  });
  return t;
}

/** Values uniform in [low, high). */
export function uniform(t: Tensor, low = 0, high = 1, options: InitOptions = {}): Tensor {
  if (!(high >= low)) throw new ValueError(`init.uniform: need low ≤ high, got [${low}, ${high})`);
  return fill(t, () =>
    rand(t.shape, { low, high, dtype: t.dtype, backend: t.backend, generator: options.generator }),
  );
}

/** Values from N(mean, std²). */
export function normal(t: Tensor, mean = 0, std = 1, options: InitOptions = {}): Tensor {
  if (!(std >= 0)) throw new ValueError(`init.normal: std must be ≥ 0, got ${std}`);
  return fill(t, () =>
    randn(t.shape, { mean, std, dtype: t.dtype, backend: t.backend, generator: options.generator }),
  );
}

/** Every value equal to `value`. */
export function constant(t: Tensor, value: number): Tensor {
  return fill(t, () => full(t.shape, value, { dtype: t.dtype, backend: t.backend }));
}

/** Every value 0. */
export function zeros(t: Tensor): Tensor {
  return constant(t, 0);
}

/** Every value 1. */
export function ones(t: Tensor): Tensor {
  return constant(t, 1);
}

/**
 * fan_in and fan_out of a weight: for `[out, in, ...kernel]`, fan_in = in·∏kernel and
 * fan_out = out·∏kernel (PyTorch's convention; a Linear weight is `[out, in]`).
 */
export function fans(t: Tensor): { fanIn: number; fanOut: number } {
  if (t.rank < 2)
    throw new ValueError(`init: fan in/out need a tensor with ≥ 2 dims, got shape [${t.shape.join(',')}]`);
  const receptive = t.shape.slice(2).reduce((a, b) => a * b, 1);
  return { fanIn: t.shape[1] * receptive, fanOut: t.shape[0] * receptive };
}

/** Activation names {@link calculateGain} knows. */
export type Nonlinearity = 'linear' | 'sigmoid' | 'tanh' | 'relu' | 'leaky_relu' | 'gelu';

/** The recommended gain for a nonlinearity (PyTorch's `calculate_gain`; GELU uses ReLU's). */
export function calculateGain(nonlinearity: Nonlinearity, negativeSlope = 0.01): number {
  switch (nonlinearity) {
    case 'linear':
    case 'sigmoid':
      return 1;
    case 'tanh':
      return 5 / 3;
    case 'relu':
    case 'gelu':
      return Math.SQRT2;
    case 'leaky_relu':
      return Math.sqrt(2 / (1 + negativeSlope ** 2));
    default:
      throw new ValueError(`init.calculateGain: unknown nonlinearity '${String(nonlinearity)}'`);
  }
}

/** Xavier/Glorot uniform: U(−a, a), a = gain·√(6/(fan_in + fan_out)). */
export function xavierUniform(t: Tensor, gain = 1, options: InitOptions = {}): Tensor {
  const { fanIn, fanOut } = fans(t);
  const a = gain * Math.sqrt(6 / (fanIn + fanOut));
  return uniform(t, -a, a, options);
}

/** Xavier/Glorot normal: N(0, σ²), σ = gain·√(2/(fan_in + fan_out)). */
export function xavierNormal(t: Tensor, gain = 1, options: InitOptions = {}): Tensor {
  const { fanIn, fanOut } = fans(t);
  return normal(t, 0, gain * Math.sqrt(2 / (fanIn + fanOut)), options);
}

export interface KaimingOptions extends InitOptions {
  /** Negative slope of leaky ReLU (PyTorch's `a`), default 0. */
  a?: number;
  /** Preserve the variance of activations (`fanIn`, default) or of gradients (`fanOut`). */
  mode?: 'fanIn' | 'fanOut';
  nonlinearity?: Nonlinearity;
}

function kaimingStd(t: Tensor, options: KaimingOptions): number {
  const { fanIn, fanOut } = fans(t);
  const fan = (options.mode ?? 'fanIn') === 'fanIn' ? fanIn : fanOut;
  const gain = calculateGain(options.nonlinearity ?? 'leaky_relu', options.a ?? 0);
  return gain / Math.sqrt(fan);
}

/** Kaiming/He uniform: U(−b, b), b = gain·√(3/fan). */
export function kaimingUniform(t: Tensor, options: KaimingOptions = {}): Tensor {
  const bound = Math.sqrt(3) * kaimingStd(t, options);
  return uniform(t, -bound, bound, options);
}

/** Kaiming/He normal: N(0, (gain/√fan)²). */
export function kaimingNormal(t: Tensor, options: KaimingOptions = {}): Tensor {
  return normal(t, 0, kaimingStd(t, options), options);
}

/** Anything with named parameters (a Module). */
interface HasNamedParameters {
  namedParameters(): Iterable<[string, Tensor]>;
}

export interface Gpt2InitOptions extends InitOptions {
  /** Number of transformer blocks: residual projections get std 0.02/√(2·nLayer). */
  nLayer: number;
  /** Base standard deviation (default 0.02). */
  std?: number;
  /** Parameter-name suffix of the residual projections (default 'c_proj.weight', nanoGPT's). */
  residualSuffix?: string;
}

/**
 * GPT-2's initialisation: every weight matrix and embedding N(0, 0.02²), biases 0, LayerNorm
 * weights 1, and the projections that write into the residual stream scaled down to
 * N(0, (0.02/√(2·nLayer))²) so the residual sum's variance does not grow with depth.
 */
export function gpt2Init(model: HasNamedParameters, options: Gpt2InitOptions): void {
  const std = options.std ?? 0.02;
  const suffix = options.residualSuffix ?? 'c_proj.weight';
  if (!Number.isInteger(options.nLayer) || options.nLayer < 1) {
    throw new ValueError(`init.gpt2Init: nLayer must be a positive integer, got ${options.nLayer}`);
  }
  for (const [name, p] of model.namedParameters()) {
    const isNorm = /(^|\.)ln_\w+\.|(^|\.)ln_f\.|layernorm|norm\./i.test(name);
    if (name.endsWith('.bias') || name === 'bias') zeros(p);
    else if (isNorm) ones(p);
    else if (name.endsWith(suffix)) normal(p, 0, std / Math.sqrt(2 * options.nLayer), options);
    else normal(p, 0, std, options);
  }
}
