/**
 * nanoGPT's own files for `tiny-gpt export --format nanogpt-ckpt` and `tiny-gpt import`:
 * `ckpt.pt` (see `exportNanoGPTCheckpoint` in @dendrite/gpt) and, for a character vocabulary,
 * `meta.pkl` (`vocab_size`, `itos`, `stoi`), which nanoGPT's `sample.py` reads from
 * `data/<config['dataset']>/` to encode the prompt and decode the samples.
 *
 * A run's AdamW state goes into the checkpoint's `optimizer` in PyTorch's layout, so nanoGPT's
 * `train.py --init_from=resume` continues with the same moments: tiny-gpt splits the parameters as
 * nanoGPT's `configure_optimizers` does (weights of two or more dimensions decay, the rest not, each
 * group in `named_parameters()` order, which is Dendrite's), so parameter i is the same tensor in both.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  decodePickle,
  decodeSafetensors,
  encodePickle,
  PyFloat,
  PyTuple,
  type PyValue,
  TorchTensor,
} from '@dendrite/nn';
import { CharTokenizer, type Tokenizer } from '@dendrite/tokenizer';
import { storedOptimizerState } from './checkpoint.js';
import { UserError } from './errors.js';
import { FILES, STATE_FORMAT } from './format.js';
import { decodeTrainerState, type TrainerState } from './trainer-state.js';

/** The character vocabulary's file nanoGPT's `sample.py` reads. */
export const NANOGPT_META = 'meta.pkl';

/** `meta.pkl` for a character tokenizer (undefined for BPE: nanoGPT then uses GPT-2's encoding). */
export function charMeta(tokenizer: Tokenizer): Uint8Array | undefined {
  if (!(tokenizer instanceof CharTokenizer)) return undefined;
  const itos = new Map<PyValue, PyValue>();
  const stoi = new Map<PyValue, PyValue>();
  tokenizer.chars.forEach((ch, id) => {
    itos.set(id, ch);
    stoi.set(ch, id);
  });
  for (const [name, id] of tokenizer.specialTokens) {
    itos.set(id, name);
    stoi.set(name, id);
  }
  return encodePickle({ vocab_size: tokenizer.vocabSize, itos, stoi });
}

/** A character tokenizer from nanoGPT's `meta.pkl` (its `itos`: id → one character). */
export function tokenizerFromMeta(bytes: Uint8Array, file: string): CharTokenizer {
  let meta: PyValue;
  try {
    meta = decodePickle(bytes, file);
  } catch (err) {
    throw new UserError((err as Error).message.replace(/^PyTorch checkpoint: /, ''));
  }
  const itos = meta instanceof Map ? meta.get('itos') : undefined;
  if (!(itos instanceof Map)) throw new UserError(`${file}: no 'itos' dict (nanoGPT's character vocabulary)`);
  const chars: string[] = [];
  for (let id = 0; id < itos.size; id++) {
    const ch = itos.get(id);
    if (typeof ch !== 'string' || [...ch].length !== 1) {
      throw new UserError(
        `${file}: itos[${id}] is ${ch === undefined ? 'missing' : JSON.stringify(ch)}; a character vocabulary maps ids 0…${itos.size - 1} to single characters`,
      );
    }
    chars.push(ch);
  }
  try {
    return new CharTokenizer(chars);
  } catch (err) {
    throw new UserError(`${file}: ${(err as Error).message}`);
  }
}

/** PyTorch's AdamW `param_groups` entry for one of tiny-gpt's groups. */
function torchGroup(group: Record<string, unknown>): Map<PyValue, PyValue> {
  const betas = Array.isArray(group.betas) ? group.betas.map(Number) : [0.9, 0.999];
  return new Map<PyValue, PyValue>([
    ['lr', new PyFloat(Number(group.lr))],
    ['betas', new PyTuple(betas.map((b) => new PyFloat(b)))],
    ['eps', new PyFloat(Number(group.eps ?? 1e-8))],
    ['weight_decay', new PyFloat(Number(group.weightDecay ?? 0))],
    ['amsgrad', group.amsgrad === true],
    ['maximize', group.maximize === true],
    ['foreach', null],
    ['capturable', false],
    ['params', (group.params as number[]).map(Number)],
  ]);
}

/** What a run folder's training state gives a `ckpt.pt` besides the weights. */
export interface NanoGPTTrainingState {
  /** The run's AdamW state as PyTorch's `optimizer.state_dict()`. */
  optimizer: PyValue;
  /** The best validation loss of the run's evaluations (undefined before the first). */
  bestValLoss: number | undefined;
}

/**
 * The run's AdamW state and best validation loss, from `training-state.safetensors` when it holds
 * the weights of iteration `iter`; undefined when the folder has no state for them.
 */
export async function nanoGPTTrainingState(
  dir: string,
  iter: number,
): Promise<NanoGPTTrainingState | undefined> {
  const path = join(dir, FILES.state);
  if (!existsSync(path)) return undefined;
  const { tensors, metadata } = decodeSafetensors(await readFile(path));
  if (metadata.format !== STATE_FORMAT) return undefined;
  let trainer: TrainerState;
  try {
    trainer = decodeTrainerState(metadata.trainer, path);
  } catch {
    return undefined;
  }
  if (trainer.iter !== iter) return undefined;
  const stored = storedOptimizerState(metadata, tensors);
  const state = new Map<PyValue, PyValue>();
  for (const [index, { step, expAvg: m, expAvgSq: v }] of Object.entries(stored.state)) {
    if (typeof step !== 'number' || typeof m !== 'object' || typeof v !== 'object') continue;
    state.set(
      Number(index),
      new Map<PyValue, PyValue>([
        ['step', new TorchTensor('float32', [], new Float32Array([step]))],
        ['exp_avg', new TorchTensor(m.dtype, m.shape, m.data)],
        ['exp_avg_sq', new TorchTensor(v.dtype, v.shape, v.data)],
      ]),
    );
  }
  return {
    optimizer: new Map<PyValue, PyValue>([
      ['state', state],
      ['param_groups', stored.paramGroups.map(torchGroup)],
    ]),
    bestValLoss: trainer.bestValLoss ?? undefined,
  };
}
