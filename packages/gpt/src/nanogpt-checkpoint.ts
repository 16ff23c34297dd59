/**
 * nanoGPT's own checkpoint file, `ckpt.pt`: what its `train.py` saves to `out_dir` and what its
 * `sample.py` and `train.py --init_from=resume` read. A `torch.save` of a dict:
 *
 * - `model` — the state dict (nanoGPT's names, which are Dendrite's; `lm_head.weight` sharing
 *   `transformer.wte.weight`'s storage, as a tied head does in PyTorch);
 * - `model_args` — `n_layer`, `n_head`, `n_embd`, `block_size`, `bias`, `vocab_size`, `dropout`;
 * - `iter_num`, `best_val_loss`, `config` (the training script's settings; `config['dataset']`
 *   tells `sample.py` where to find a character vocabulary's `meta.pkl`);
 * - `optimizer` — an AdamW state dict, which `train.py` loads on resume.
 */
import {
  decodeTorchSave,
  encodeTorchSave,
  PyFloat,
  type PyValue,
  type SafetensorsEntry,
  StateDictError,
  TorchCheckpointError,
  TorchTensor,
} from '@dendrite/nn';
import { Generator } from '@dendrite/tensor';
import { type GPTConfig, NANOGPT_FIELD_NAMES, toNanoGPTConfig, validateConfig } from './config.js';
import { ConfigError, InteropError } from './errors.js';
import { GPT, type GPTOptions } from './model.js';
import { fromNanoGPTWeights, toNanoGPTWeights } from './nanogpt-format.js';
import { readEntries } from './weight-entries.js';

/** The file name nanoGPT reads from `out_dir`. */
export const NANOGPT_CHECKPOINT = 'ckpt.pt';

/** What goes into a `ckpt.pt` besides the model (see {@link exportNanoGPTCheckpoint}). */
export interface NanoGPTCheckpointOptions {
  /** `iter_num`: the iteration the weights are from (default 0). */
  iterNum?: number;
  /** `best_val_loss` (default 1e9, nanoGPT's value before its first evaluation). */
  bestValLoss?: number;
  /**
   * `config`: the training settings, under nanoGPT's names (default `{}`). Set `dataset` to the
   * folder of `data/` holding the vocabulary's `meta.pkl` for `sample.py` to find it.
   */
  config?: Record<string, PyValue>;
  /**
   * `optimizer`: a PyTorch AdamW state dict (`state`, `param_groups`), which nanoGPT's
   * `train.py` needs to resume. Left out when not given: `sample.py` does not read it.
   */
  optimizer?: PyValue;
}

/**
 * The bytes of nanoGPT's `ckpt.pt` for `model`: `torch.load` reads it, and nanoGPT's `sample.py`
 * (and, with `optimizer` given, `train.py --init_from=resume`) runs from a folder holding it. The
 * weights are copied bit for bit. nanoGPT on PyTorch before 2.0 registers each attention's causal
 * mask as a buffer (`attn.bias`) that a checkpoint from PyTorch 2 does not hold; like those, this
 * one does not, so there load it with `strict=False`.
 *
 * @example
 * const bytes = await exportNanoGPTCheckpoint(model, { iterNum: 200, config: { dataset: 'shakespeare_char' } });
 */
export async function exportNanoGPTCheckpoint(
  model: GPT,
  options: NanoGPTCheckpointOptions = {},
): Promise<Uint8Array> {
  const args = toNanoGPTConfig(model.config);
  const weights = new Map<PyValue, PyValue>();
  for (const [name, e] of Object.entries(toNanoGPTWeights(await readEntries(model.stateDict())))) {
    weights.set(name, new TorchTensor(e.dtype, e.shape, e.data));
  }
  const iterNum = options.iterNum ?? 0;
  if (!Number.isSafeInteger(iterNum) || iterNum < 0) {
    throw new ConfigError(`iterNum must be a non-negative integer, got ${iterNum}`);
  }
  const checkpoint: Record<string, PyValue> = {
    model: weights,
    model_args: { ...args, dropout: new PyFloat(args.dropout) },
    iter_num: iterNum,
    best_val_loss: new PyFloat(options.bestValLoss ?? 1e9),
    config: options.config ?? {},
  };
  if (options.optimizer !== undefined) checkpoint.optimizer = options.optimizer;
  return encodeTorchSave(checkpoint, { archive: 'ckpt' });
}

/** Options of {@link importNanoGPTCheckpoint}. */
export interface ImportNanoGPTCheckpointOptions extends GPTOptions {
  /** The path the bytes came from, named in errors (default `ckpt.pt`). */
  file?: string;
}

/** What {@link importNanoGPTCheckpoint} returns. */
export interface ImportedNanoGPTCheckpoint {
  model: GPT;
  /** `iter_num` (0 when absent). */
  iterNum: number;
  /** `best_val_loss` as a number (a 0-d tensor in nanoGPT's files), or undefined when absent. */
  bestValLoss: number | undefined;
  /** `config`, the training settings (an empty Map when absent). */
  config: Map<PyValue, PyValue>;
  /** `optimizer`, as read (undefined when absent). */
  optimizer: PyValue | undefined;
}

/**
 * A GPT from nanoGPT's `ckpt.pt` (from any PyTorch ≥ 1.6; tensors saved on a GPU load as their
 * values). Wrapper prefixes (`_orig_mod.` from `torch.compile`, `module.` from DDP) are removed,
 * PyTorch 1.x's causal-mask buffers checked and dropped. Nothing in the file is run. Throws an
 * {@link InteropError} naming the file and the field or tensor for anything Dendrite's GPT cannot
 * load.
 *
 * @example
 * const { model, iterNum } = importNanoGPTCheckpoint(readFileSync('out/ckpt.pt'));
 */
export function importNanoGPTCheckpoint(
  bytes: Uint8Array,
  options: ImportNanoGPTCheckpointOptions = {},
): ImportedNanoGPTCheckpoint {
  const { file = NANOGPT_CHECKPOINT, ...gptOptions } = options;
  let root: PyValue;
  try {
    root = decodeTorchSave(bytes);
  } catch (err) {
    if (err instanceof TorchCheckpointError) throw new InteropError(file, undefined, err.detail);
    throw err;
  }
  if (!(root instanceof Map)) throw new InteropError(file, undefined, "holds no dict: not nanoGPT's ckpt.pt");
  const field = (name: string) => root.get(name);
  const args = field('model_args');
  if (!(args instanceof Map)) {
    throw new InteropError(file, 'model_args', "is missing or not a dict: not nanoGPT's ckpt.pt");
  }
  let config: GPTConfig;
  try {
    const raw: Record<string, unknown> = {};
    for (const key of [...Object.values(NANOGPT_FIELD_NAMES), 'dropout', 'bias']) {
      if (args.has(key)) raw[key] = args.get(key);
    }
    config = validateConfig(raw, `${file} model_args`);
  } catch (err) {
    if (err instanceof ConfigError)
      throw new InteropError(file, 'model_args', err.message.replace(`${file} model_args: `, ''));
    throw err;
  }
  const weights = field('model');
  if (!(weights instanceof Map)) throw new InteropError(file, 'model', 'is missing or not a state dict');
  const entries: Record<string, SafetensorsEntry> = {};
  for (const [name, t] of weights) {
    if (typeof name !== 'string' || !(t instanceof TorchTensor)) {
      throw new InteropError(file, `model[${String(name)}]`, 'is not a tensor');
    }
    entries[name] = { dtype: t.dtype, shape: [...t.shape], data: t.data };
  }
  const model = new GPT(config, { generator: new Generator(0), ...gptOptions });
  try {
    model.loadStateDict(fromNanoGPTWeights(entries, config, file));
  } catch (err) {
    if (err instanceof StateDictError) {
      throw new InteropError(file, 'model', `does not fit its model_args: ${err.message}`);
    }
    throw err;
  }
  const iter = field('iter_num');
  const best = field('best_val_loss');
  const trainConfig = field('config');
  return {
    model,
    iterNum: typeof iter === 'number' && Number.isSafeInteger(iter) && iter >= 0 ? iter : 0,
    bestValLoss:
      typeof best === 'number'
        ? best
        : best instanceof TorchTensor && best.data.length === 1
          ? Number(best.data[0])
          : undefined,
    config: trainConfig instanceof Map ? trainConfig : new Map(),
    optimizer: field('optimizer'),
  };
}
