/**
 * A GPT to and from other tools' files: nanoGPT (PyTorch) and Hugging Face's GPT-2. Both are two
 * files in a folder, `config.json` and `model.safetensors`; this module makes and reads their
 * bytes (no file system, so it runs in a browser too — the tiny-gpt CLI writes them to disk).
 */
import { decodeSafetensors, encodeSafetensors, StateDictError } from '@dendrite/nn';
import { Generator } from '@dendrite/tensor';
import { type GPTConfig, toNanoGPTConfig, validateConfig } from './config.js';
import { ConfigError, InteropError } from './errors.js';
import { fromHFGPT2Config, fromHFGPT2Weights, toHFGPT2Config, toHFGPT2Weights } from './hf-gpt2-format.js';
import { GPT, type GPTOptions } from './model.js';
import { fromNanoGPTWeights, toNanoGPTWeights } from './nanogpt-format.js';
import { readEntries } from './weight-entries.js';

/** The layouts {@link exportGPT} writes and {@link importGPT} reads. */
export type GPTFormat = 'nanogpt' | 'hf-gpt2';

/** The formats, for listing in messages. */
export const GPT_FORMATS: readonly GPTFormat[] = ['nanogpt', 'hf-gpt2'];

/** A model in another tool's layout: the two files of its folder. */
export interface GPTFiles {
  /** `config.json`, as text. */
  'config.json': string;
  /** `model.safetensors` (float32 unless the model's weights are float64). */
  'model.safetensors': Uint8Array;
}

/** Options of {@link exportGPT}. */
export interface ExportGPTOptions {
  /** Extra entries for the safetensors header (strings), e.g. `{ iter: '200' }`. */
  metadata?: Record<string, string>;
}

function checkFormat(format: unknown): GPTFormat {
  if (!GPT_FORMATS.includes(format as GPTFormat)) {
    throw new ConfigError(`format must be one of ${GPT_FORMATS.join(', ')}, got ${JSON.stringify(format)}`);
  }
  return format as GPTFormat;
}

/**
 * A GPT's files in nanoGPT's layout (its `model_args` as `config.json`, its `state_dict()` names)
 * or Hugging Face GPT-2's (`GPT2LMHeadModel`: Conv1D weights stored `[in, out]`, tied head left
 * out). The weights are copied bit for bit; only their layout changes.
 *
 * @example
 * const files = await exportGPT(model, 'hf-gpt2');
 * // write files['config.json'] and files['model.safetensors'] into one folder
 */
export async function exportGPT(
  model: GPT,
  format: GPTFormat,
  options: ExportGPTOptions = {},
): Promise<GPTFiles> {
  checkFormat(format);
  const config = model.config;
  const entries = await readEntries(model.stateDict());
  const metadata = { format: 'pt', ...options.metadata };
  if (format === 'nanogpt') {
    return {
      'config.json': `${JSON.stringify(toNanoGPTConfig(config), null, 2)}\n`,
      'model.safetensors': encodeSafetensors(toNanoGPTWeights(entries), metadata),
    };
  }
  return {
    'config.json': `${JSON.stringify(toHFGPT2Config(config), null, 2)}\n`,
    'model.safetensors': encodeSafetensors(toHFGPT2Weights(entries, config), metadata),
  };
}

/**
 * Which layout a `config.json` is: Hugging Face GPT-2's has `model_type: 'gpt2'` or `n_positions`;
 * anything else is read as nanoGPT's (or Dendrite's own) config.
 */
export function detectGPTFormat(config: unknown): GPTFormat {
  const c = (typeof config === 'object' && config !== null ? config : {}) as Record<string, unknown>;
  return c.model_type === 'gpt2' || 'n_positions' in c ? 'hf-gpt2' : 'nanogpt';
}

/** Options of {@link importGPT}. */
export interface ImportGPTOptions extends GPTOptions {
  /** The layout (default: {@link detectGPTFormat} of the config). */
  format?: GPTFormat;
  /** The folder the files came from, so errors name the file (`DIR/config.json`). */
  folder?: string;
}

/** What {@link importGPT} returns. */
export interface ImportedGPT {
  model: GPT;
  format: GPTFormat;
  /** The safetensors header's metadata (`{}` when none). */
  metadata: Record<string, string>;
}

/**
 * A GPT from nanoGPT's or Hugging Face GPT-2's files: `config` is `config.json` (text or parsed
 * JSON), `weights` the bytes of `model.safetensors`. Weights are loaded bit for bit (converted to
 * the model's dtype only when they are not float32). Throws an {@link InteropError} naming the
 * file and field or tensor for anything Dendrite's GPT cannot express.
 *
 * @example
 * const { model } = importGPT({ config: configText, weights: safetensorsBytes });
 */
export function importGPT(
  files: { config: string | unknown; weights: Uint8Array },
  options: ImportGPTOptions = {},
): ImportedGPT {
  const at = (name: string) => (options.folder === undefined ? name : `${options.folder}/${name}`);
  const configFile = at('config.json');
  const weightsFile = at('model.safetensors');
  let raw = files.config;
  if (typeof raw === 'string') {
    try {
      raw = JSON.parse(raw);
    } catch (err) {
      throw new InteropError(configFile, undefined, `is not valid JSON (${(err as Error).message})`);
    }
  }
  const format = options.format === undefined ? detectGPTFormat(raw) : checkFormat(options.format);
  let config: GPTConfig;
  try {
    config = format === 'hf-gpt2' ? fromHFGPT2Config(raw, configFile) : validateConfig(raw, configFile);
  } catch (err) {
    if (err instanceof ConfigError)
      throw new InteropError(configFile, undefined, err.message.replace(`${configFile}: `, ''));
    throw err;
  }
  let decoded: ReturnType<typeof decodeSafetensors>;
  try {
    decoded = decodeSafetensors(files.weights);
  } catch (err) {
    throw new InteropError(weightsFile, undefined, (err as Error).message);
  }
  const entries =
    format === 'hf-gpt2'
      ? fromHFGPT2Weights(decoded.tensors, weightsFile)
      : fromNanoGPTWeights(decoded.tensors, config, weightsFile);
  const model = new GPT(config, { generator: new Generator(0), ...options });
  try {
    model.loadStateDict(entries);
  } catch (err) {
    if (err instanceof StateDictError) {
      throw new InteropError(weightsFile, undefined, `does not fit ${configFile}: ${err.message}`);
    }
    throw err;
  }
  return { model, format, metadata: decoded.metadata };
}
