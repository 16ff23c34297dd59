/**
 * Hugging Face's GPT-2 layout (`GPT2LMHeadModel`): a `config.json` with GPT-2's field names and a
 * `model.safetensors` whose projections are `Conv1D` weights stored `[in, out]` — the transpose of
 * a Linear's `[out, in]` — with the LM head tied to `transformer.wte.weight` and left out.
 *
 * Read back: the keys with or without the `transformer.` prefix (the original `gpt2` upload has
 * none), the `attn.bias` / `attn.masked_bias` buffers dropped, and a one-line refusal for any
 * setting Dendrite's GPT cannot express (another activation, LayerNorm ε, an untied head, …).
 */
import type { SafetensorsEntry } from '@dendrite/nn';
import { type GPTConfig, validateConfig } from './config.js';
import { InteropError } from './errors.js';
import { sameBits, transposeEntry, zerosEntry } from './weight-entries.js';

/** LayerNorm ε of Dendrite's GPT (PyTorch's default, and GPT-2's). */
const LAYER_NORM_EPS = 1e-5;
/** Hugging Face activations that are Dendrite's exact GELU, or its tanh approximation. */
const ACTIVATIONS: Readonly<Record<string, 'none' | 'tanh'>> = {
  gelu: 'none',
  gelu_new: 'tanh',
  gelu_pytorch_tanh: 'tanh',
  gelu_fast: 'tanh',
};
/** The projections that GPT-2 stores as `Conv1D` (`[in, out]`). */
const CONV1D = /^h\.\d+\.(attn\.c_attn|attn\.c_proj|mlp\.c_fc|mlp\.c_proj)\.weight$/;
/** Buffers of Hugging Face's attention (the causal mask and its fill value): never weights. */
const BUFFERS = /^h\.\d+\.attn\.(bias|masked_bias)$/;

/** `config.json` of a GPT in Hugging Face's GPT-2 form. */
export function toHFGPT2Config(config: GPTConfig): Record<string, unknown> {
  const c = validateConfig(config);
  return {
    architectures: ['GPT2LMHeadModel'],
    model_type: 'gpt2',
    vocab_size: c.vocabSize,
    n_positions: c.blockSize,
    n_ctx: c.blockSize,
    n_embd: c.nEmbd,
    n_layer: c.nLayer,
    n_head: c.nHead,
    n_inner: null,
    activation_function: c.geluApproximate === 'tanh' ? 'gelu_new' : 'gelu',
    resid_pdrop: c.dropout,
    embd_pdrop: c.dropout,
    attn_pdrop: c.dropout,
    layer_norm_epsilon: LAYER_NORM_EPS,
    initializer_range: 0.02,
    scale_attn_weights: true,
    scale_attn_by_inverse_layer_idx: false,
    reorder_and_upcast_attn: false,
    tie_word_embeddings: true,
    torch_dtype: 'float32',
  };
}

/**
 * A Dendrite GPTConfig from Hugging Face GPT-2's `config.json` (absent fields take
 * `GPT2Config`'s defaults); an {@link InteropError} naming the field for anything it cannot express.
 */
export function fromHFGPT2Config(raw: unknown, file = 'config.json'): GPTConfig {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new InteropError(file, undefined, 'expected a JSON object (a GPT-2 config)');
  }
  const c = raw as Record<string, unknown>;
  const refuse = (field: string, detail: string): never => {
    throw new InteropError(file, field, detail);
  };
  const has = (k: string) => c[k] !== undefined && c[k] !== null;
  if (has('model_type') && c.model_type !== 'gpt2')
    refuse('model_type', `is ${JSON.stringify(c.model_type)}, not 'gpt2'`);
  if (has('n_ctx') && c.n_ctx !== c.n_positions) {
    refuse(
      'n_ctx',
      `(${String(c.n_ctx)}) differs from 'n_positions' (${String(c.n_positions)}); Dendrite has one context length`,
    );
  }
  const activation = (c.activation_function ?? 'gelu_new') as string;
  const approximate = ACTIVATIONS[activation];
  if (approximate === undefined) {
    refuse(
      'activation_function',
      `is ${JSON.stringify(activation)}; Dendrite's GPT has 'gelu' (exact) and 'gelu_new' (tanh) only`,
    );
  }
  const eps = c.layer_norm_epsilon ?? LAYER_NORM_EPS;
  if (eps !== LAYER_NORM_EPS)
    refuse('layer_norm_epsilon', `is ${String(eps)}; Dendrite's GPT uses ${LAYER_NORM_EPS}`);
  if (has('n_inner') && c.n_inner !== 4 * (c.n_embd as number)) {
    refuse('n_inner', `is ${String(c.n_inner)}; Dendrite's GPT has a feed-forward width of 4·n_embd`);
  }
  const pdrop = ['resid_pdrop', 'embd_pdrop', 'attn_pdrop'].map((k) => (c[k] ?? 0.1) as number);
  if (pdrop.some((p) => p !== pdrop[0])) {
    refuse(
      'attn_pdrop',
      `resid_pdrop, embd_pdrop and attn_pdrop are ${pdrop.join(', ')}; Dendrite's GPT has one dropout`,
    );
  }
  const fixed: [string, unknown][] = [
    ['scale_attn_weights', true],
    ['scale_attn_by_inverse_layer_idx', false],
    ['add_cross_attention', false],
    ['tie_word_embeddings', true],
  ];
  for (const [k, want] of fixed)
    if (has(k) && c[k] !== want) refuse(k, `is ${String(c[k])}; Dendrite's GPT needs ${String(want)}`);
  for (const k of ['vocab_size', 'n_positions', 'n_layer', 'n_head', 'n_embd']) {
    if (typeof c[k] !== 'number' || !Number.isInteger(c[k]) || (c[k] as number) < 1) {
      refuse(k, `must be a positive integer, got ${JSON.stringify(c[k])}`);
    }
  }
  if ((c.n_embd as number) % (c.n_head as number) !== 0)
    refuse('n_head', `(${c.n_head}) must divide 'n_embd' (${c.n_embd})`);
  if (!(pdrop[0] >= 0 && pdrop[0] < 1)) refuse('resid_pdrop', `must be a number in [0, 1), got ${pdrop[0]}`);
  return validateConfig(
    {
      vocabSize: c.vocab_size,
      blockSize: c.n_positions,
      nLayer: c.n_layer,
      nHead: c.n_head,
      nEmbd: c.n_embd,
      dropout: pdrop[0],
      bias: true,
      geluApproximate: approximate,
    },
    file,
  );
}

/** GPT-2's state-dict entries: `transformer.`-prefixed, Conv1D weights transposed, no `lm_head` (tied); zero biases when the model has none. */
export function toHFGPT2Weights(
  entries: Record<string, SafetensorsEntry>,
  config: GPTConfig,
): Record<string, SafetensorsEntry> {
  const out: Record<string, SafetensorsEntry> = {};
  for (const [name, entry] of Object.entries(entries)) {
    if (name === 'lm_head.weight') continue;
    const inner = name.replace(/^transformer\./, '');
    out[name] = CONV1D.test(inner) ? transposeEntry(entry) : entry;
  }
  if (!config.bias) {
    // GPT-2 always has biases: zeros make the same function.
    const like = entries['transformer.wte.weight'];
    const C = config.nEmbd;
    const add = (name: string, size: number) => {
      out[name] ??= zerosEntry(like, size);
    };
    for (let i = 0; i < config.nLayer; i++) {
      const h = `transformer.h.${i}`;
      for (const [n, size] of [
        ['ln_1', C],
        ['ln_2', C],
        ['attn.c_attn', 3 * C],
        ['attn.c_proj', C],
        ['mlp.c_fc', 4 * C],
        ['mlp.c_proj', C],
      ] as const)
        add(`${h}.${n}.bias`, size);
    }
    add('transformer.ln_f.bias', C);
  }
  return out;
}

/** Dendrite's state-dict entries from GPT-2's: prefix added where missing, buffers dropped, Conv1D weights transposed, a tied head checked. */
export function fromHFGPT2Weights(
  entries: Record<string, SafetensorsEntry>,
  file = 'model.safetensors',
): Record<string, SafetensorsEntry> {
  const out: Record<string, SafetensorsEntry> = {};
  for (const [raw, entry] of Object.entries(entries)) {
    if (raw === 'lm_head.weight') continue;
    const inner = raw.replace(/^transformer\./, '');
    if (BUFFERS.test(inner)) continue;
    if (CONV1D.test(inner) && entry.shape.length !== 2) {
      throw new InteropError(
        file,
        raw,
        `has shape [${entry.shape.join(', ')}]; a Conv1D weight is 2-D [in, out]`,
      );
    }
    const name = `transformer.${inner}`;
    if (Object.hasOwn(out, name)) throw new InteropError(file, raw, `repeats '${name}'`);
    out[name] = CONV1D.test(inner) ? transposeEntry(entry) : entry;
  }
  const head = entries['lm_head.weight'];
  const wte = out['transformer.wte.weight'];
  if (head && wte && !sameBits(head, wte)) {
    throw new InteropError(
      file,
      'lm_head.weight',
      "differs from 'transformer.wte.weight': an untied LM head, which Dendrite's GPT (always tied) cannot express",
    );
  }
  if (head && !wte) out['transformer.wte.weight'] = head;
  return out;
}
