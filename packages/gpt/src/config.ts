import { ConfigError } from './errors.js';

/** The shape of a GPT, as plain JSON (nanoGPT's GPTConfig). */
export interface GPTConfig {
  /** Number of token ids the model reads and predicts. */
  vocabSize: number;
  /** Longest context, in tokens (number of learned positions). */
  blockSize: number;
  /** Transformer blocks. */
  nLayer: number;
  /** Attention heads per block; must divide nEmbd. */
  nHead: number;
  /** Width of the residual stream (embedding size). */
  nEmbd: number;
  /** Dropout probability in training (0 turns it off). */
  dropout: number;
  /** Biases in Linear layers and LayerNorms (GPT-2: true). */
  bias: boolean;
  /**
   * GELU form in the feed-forward blocks: exact (`'none'`, nanoGPT's `nn.GELU()`, the default)
   * or the tanh approximation GPT-2 trained with (`'tanh'`, Hugging Face's `gelu_new`). Left out
   * of a validated config when it is the default.
   */
  geluApproximate?: 'none' | 'tanh';
}

/** A config without the vocabulary, which comes from the tokenizer. */
export type GPTPreset = Omit<GPTConfig, 'vocabSize'>;

/**
 * Named sizes. `baby` is nanoGPT's CPU config (4 layers, 4 heads, 128 wide, context 64);
 * `shakespeare-char` is nanoGPT's train_shakespeare_char (6/6/384, context 256, dropout 0.2);
 * `tiny` is sized so the README's first command trains in minutes on two CPU cores; `gpt2` is
 * the 124M GPT-2 shape.
 */
export const PRESETS: Readonly<Record<string, GPTPreset>> = Object.freeze({
  tiny: { blockSize: 64, nLayer: 2, nHead: 4, nEmbd: 64, dropout: 0, bias: true },
  baby: { blockSize: 64, nLayer: 4, nHead: 4, nEmbd: 128, dropout: 0, bias: false },
  'shakespeare-char': { blockSize: 256, nLayer: 6, nHead: 6, nEmbd: 384, dropout: 0.2, bias: false },
  gpt2: { blockSize: 1024, nLayer: 12, nHead: 12, nEmbd: 768, dropout: 0, bias: true },
});

const FIELDS: (keyof GPTConfig)[] = [
  'vocabSize',
  'blockSize',
  'nLayer',
  'nHead',
  'nEmbd',
  'dropout',
  'bias',
  'geluApproximate',
];

/** nanoGPT's spelling of each field (its `GPTConfig` / `model_args`), accepted by {@link validateConfig}. */
export const NANOGPT_FIELD_NAMES: Readonly<Partial<Record<keyof GPTConfig, string>>> = Object.freeze({
  vocabSize: 'vocab_size',
  blockSize: 'block_size',
  nLayer: 'n_layer',
  nHead: 'n_head',
  nEmbd: 'n_embd',
});

/** Maps nanoGPT's snake_case keys to Dendrite's; a field given in both spellings must agree. */
function camelKeys(c: Record<string, unknown>, source: string): Record<string, unknown> {
  const out: Record<string, unknown> = { ...c };
  for (const [camel, snake] of Object.entries(NANOGPT_FIELD_NAMES)) {
    if (snake === undefined || !Object.hasOwn(c, snake)) continue;
    if (Object.hasOwn(c, camel) && c[camel] !== c[snake]) {
      throw new ConfigError(
        `${source}: '${camel}' (${JSON.stringify(c[camel])}) and nanoGPT's '${snake}' (${JSON.stringify(c[snake])}) disagree; keep one`,
      );
    }
    out[camel] = c[snake];
    delete out[snake];
  }
  return out;
}

/**
 * Checks a config (from JSON or code) and returns a clean copy; every problem names its field.
 * nanoGPT's own config is accepted as it is: `vocab_size`, `block_size`, `n_layer`, `n_head` and
 * `n_embd` read as `vocabSize` … `nEmbd` (see {@link toNanoGPTConfig} for the other direction).
 */
export function validateConfig(raw: unknown, source = 'config'): GPTConfig {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ConfigError(`${source}: expected an object with ${FIELDS.join(', ')}`);
  }
  const c = camelKeys(raw as Record<string, unknown>, source);
  for (const key of Object.keys(c)) {
    if (!FIELDS.includes(key as keyof GPTConfig)) throw new ConfigError(`${source}: unknown field '${key}'`);
  }
  const int = (key: keyof GPTConfig) => {
    const v = c[key];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) {
      throw new ConfigError(`${source}: '${key}' must be a positive integer, got ${JSON.stringify(v)}`);
    }
    return v;
  };
  const config: GPTConfig = {
    vocabSize: int('vocabSize'),
    blockSize: int('blockSize'),
    nLayer: int('nLayer'),
    nHead: int('nHead'),
    nEmbd: int('nEmbd'),
    dropout: (c.dropout ?? 0) as number,
    bias: (c.bias ?? true) as boolean,
  };
  if (typeof config.dropout !== 'number' || !(config.dropout >= 0 && config.dropout < 1)) {
    throw new ConfigError(
      `${source}: 'dropout' must be a number in [0, 1), got ${JSON.stringify(c.dropout)}`,
    );
  }
  if (typeof config.bias !== 'boolean')
    throw new ConfigError(`${source}: 'bias' must be true or false, got ${JSON.stringify(c.bias)}`);
  if (config.nEmbd % config.nHead !== 0) {
    throw new ConfigError(
      `${source}: 'nEmbd' (${config.nEmbd}) must be divisible by 'nHead' (${config.nHead})`,
    );
  }
  const gelu = c.geluApproximate ?? 'none';
  if (gelu !== 'none' && gelu !== 'tanh') {
    throw new ConfigError(
      `${source}: 'geluApproximate' must be 'none' or 'tanh', got ${JSON.stringify(gelu)}`,
    );
  }
  if (gelu === 'tanh') config.geluApproximate = 'tanh';
  return config;
}

/** A GPT config in nanoGPT's spelling: the `model_args` its `train.py` saves and `GPTConfig(**args)` reads. */
export interface NanoGPTConfig {
  vocab_size: number;
  block_size: number;
  n_layer: number;
  n_head: number;
  n_embd: number;
  dropout: number;
  bias: boolean;
}

/**
 * A config in nanoGPT's spelling (snake_case keys). nanoGPT's GELU is exact, so a config with
 * `geluApproximate: 'tanh'` has no nanoGPT form: a {@link ConfigError} says so.
 */
export function toNanoGPTConfig(config: GPTConfig, source = 'config'): NanoGPTConfig {
  const c = validateConfig(config, source);
  if (c.geluApproximate === 'tanh') {
    throw new ConfigError(
      `${source}: 'geluApproximate' is 'tanh', but nanoGPT's MLP uses exact GELU; export it as hf-gpt2 instead`,
    );
  }
  return {
    vocab_size: c.vocabSize,
    block_size: c.blockSize,
    n_layer: c.nLayer,
    n_head: c.nHead,
    n_embd: c.nEmbd,
    dropout: c.dropout,
    bias: c.bias,
  };
}

/** A preset with a vocabulary size, plus any overrides. */
export function presetConfig(name: string, vocabSize: number, overrides: Partial<GPTConfig> = {}): GPTConfig {
  const preset = PRESETS[name];
  if (!preset) throw new ConfigError(`unknown preset '${name}' (have: ${Object.keys(PRESETS).join(', ')})`);
  return validateConfig({ ...preset, vocabSize, ...overrides }, `preset '${name}'`);
}

/**
 * Parameters of a config without building it: token and position embeddings, per block
 * 2 LayerNorms + attention (4·C² weights) + MLP (8·C²), the final LayerNorm; the LM head is tied.
 */
export function countParameters(config: GPTConfig, options: { nonEmbedding?: boolean } = {}): number {
  const { vocabSize: V, blockSize: T, nLayer: L, nEmbd: C, bias } = config;
  const ln = bias ? 2 * C : C;
  const attn = 3 * C * C + (bias ? 3 * C : 0) + C * C + (bias ? C : 0);
  const mlp = 4 * C * C + (bias ? 4 * C : 0) + 4 * C * C + (bias ? C : 0);
  const total = V * C + T * C + L * (2 * ln + attn + mlp) + ln;
  return options.nonEmbedding ? total - T * C : total;
}
