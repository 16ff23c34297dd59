import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type GPT, type GPTConfig, validateConfig } from '@dendrite/gpt';
import { loadSafetensors, serializeStateDict, toTensors, writeFileAtomic } from '@dendrite/nn/node';
import type { Optimizer, OptimizerStateDict } from '@dendrite/optim';
import type { GeneratorState, Tensor } from '@dendrite/tensor';
import { loadTokenizer, saveTokenizer, type Tokenizer } from '@dendrite/tokenizer';
import { UserError } from './errors.js';

/**
 * A run folder (`--out`):
 *
 * - `config.json` — the model's GPTConfig; `tokenizer.json` — the tokenizer (Dendrite's JSON)
 * - `model.safetensors` — weights with nanoGPT's names (what `sample` and `eval` load; PyTorch reads it)
 * - `training-state.safetensors` — everything `--resume` needs in ONE file: weights, AdamW moments,
 *   and (in the header metadata) the iteration, RNG states and training options. One file written
 *   atomically is one consistent checkpoint: a kill at any moment leaves the previous one whole.
 * - `metrics.jsonl` — one JSON line per logged iteration; `loss.svg` — the loss curves.
 */
export const FILES = {
  config: 'config.json',
  tokenizer: 'tokenizer.json',
  model: 'model.safetensors',
  state: 'training-state.safetensors',
  metrics: 'metrics.jsonl',
  plot: 'loss.svg',
} as const;

/** What the trainer keeps besides tensors to continue bit-identically. */
export interface TrainerState {
  /** Iterations completed. */
  iter: number;
  /** State of the generator that draws training batches. */
  dataRng: GeneratorState;
  /** State of the generator behind dropout masks. */
  modelRng: GeneratorState;
  /** Best validation loss seen at an evaluation. */
  bestValLoss: number | null;
  /** Seconds of training so far (across resumes). */
  elapsed: number;
  /** The options the run was started with (resuming keeps them). */
  options: Record<string, unknown>;
}

const STATE_FORMAT = 'tiny-gpt-training-state/1';

export async function writeRunFiles(dir: string, config: GPTConfig, tokenizer: Tokenizer): Promise<void> {
  await writeFileAtomic(join(dir, FILES.config), `${JSON.stringify(config, null, 2)}\n`);
  await writeFileAtomic(join(dir, FILES.tokenizer), saveTokenizer(tokenizer));
}

/** Writes the resume state first, then the user-facing weights; each file atomically. */
export async function saveCheckpoint(
  dir: string,
  model: GPT,
  optimizer: Optimizer,
  state: TrainerState,
): Promise<void> {
  const tensors: Record<string, Tensor> = {};
  for (const [name, t] of Object.entries(model.stateDict())) tensors[`model.${name}`] = t;
  const opt = optimizer.stateDict() as OptimizerStateDict;
  const scalars: Record<string, Record<string, number>> = {};
  for (const [index, entries] of Object.entries(opt.state)) {
    for (const [key, value] of Object.entries(entries)) {
      if (typeof value === 'number') {
        scalars[index] = { ...scalars[index], [key]: value };
      } else tensors[`optimizer.${index}.${key}`] = value;
    }
  }
  const metadata = {
    format: STATE_FORMAT,
    trainer: JSON.stringify(state),
    optimizerScalars: JSON.stringify(scalars),
    optimizerGroups: JSON.stringify(opt.paramGroups),
  };
  try {
    await writeFileAtomic(join(dir, FILES.state), await serializeStateDict(tensors, metadata));
    const weights = await serializeStateDict(model.stateDict(), {
      format: 'dendrite-gpt',
      iter: String(state.iter),
    });
    await writeFileAtomic(join(dir, FILES.model), weights);
  } finally {
    for (const [key, t] of Object.entries(tensors)) if (key.startsWith('optimizer.')) t.dispose();
  }
}

async function readJSON(path: string, what: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new UserError(`${what} not found: ${path}`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new UserError(`${what} is not valid JSON: ${path} (${(err as Error).message})`);
  }
}

/** The config and tokenizer of a run folder, checked. */
export async function loadRunFiles(dir: string): Promise<{ config: GPTConfig; tokenizer: Tokenizer }> {
  if (!existsSync(dir)) throw new UserError(`checkpoint folder not found: ${dir}`);
  const config = validateConfig(
    await readJSON(join(dir, FILES.config), 'config.json'),
    join(dir, FILES.config),
  );
  const tokenizerJSON = await readJSON(join(dir, FILES.tokenizer), 'tokenizer.json');
  let tokenizer: Tokenizer;
  try {
    tokenizer = loadTokenizer(tokenizerJSON as Parameters<typeof loadTokenizer>[0]);
  } catch (err) {
    throw new UserError(`${join(dir, FILES.tokenizer)}: ${(err as Error).message}`);
  }
  if (tokenizer.vocabSize !== config.vocabSize) {
    throw new UserError(
      `${dir}: the tokenizer has ${tokenizer.vocabSize} tokens but config.json says vocabSize ${config.vocabSize}`,
    );
  }
  return { config, tokenizer };
}

/** Loads `model.safetensors` into a model built from the folder's config. */
export async function loadWeights(dir: string, model: GPT): Promise<void> {
  const path = join(dir, FILES.model);
  if (!existsSync(path)) throw new UserError(`no weights in ${dir} (missing ${FILES.model})`);
  const { tensors } = await loadSafetensors(path);
  loadInto(model, toTensors({ tensors }), path);
}

function loadInto(model: GPT, weights: Record<string, Tensor>, path: string): void {
  try {
    model.loadStateDict(weights);
  } catch (err) {
    throw new UserError(
      `${path} does not fit this model (a checkpoint from another config?): ${(err as Error).message}`,
    );
  } finally {
    for (const t of Object.values(weights)) t.dispose();
  }
}

/** Restores weights, optimizer state and the trainer state from `training-state.safetensors`. */
export async function loadTrainingState(
  dir: string,
  model: GPT,
  optimizer: Optimizer,
): Promise<TrainerState> {
  const path = join(dir, FILES.state);
  if (!existsSync(path)) throw new UserError(`cannot resume: no ${FILES.state} in ${dir}`);
  const { tensors, metadata } = await loadSafetensors(path);
  if (metadata.format !== STATE_FORMAT)
    throw new UserError(`${path}: not a tiny-gpt training state (format '${metadata.format}')`);
  const all = toTensors({ tensors });
  const weights: Record<string, Tensor> = {};
  const opt: OptimizerStateDict = {
    state: {},
    paramGroups: JSON.parse(metadata.optimizerGroups ?? '[]'),
  };
  const scalars = JSON.parse(metadata.optimizerScalars ?? '{}') as Record<string, Record<string, number>>;
  for (const [index, entries] of Object.entries(scalars)) opt.state[Number(index)] = { ...entries };
  for (const [key, t] of Object.entries(all)) {
    if (key.startsWith('model.')) weights[key.slice('model.'.length)] = t;
    else if (key.startsWith('optimizer.')) {
      const [, index, name] = key.split('.');
      opt.state[Number(index)] = { ...opt.state[Number(index)], [name]: t };
    }
  }
  loadInto(model, weights, path);
  try {
    optimizer.loadStateDict(opt);
  } catch (err) {
    throw new UserError(`${path}: the optimizer state does not fit this model: ${(err as Error).message}`);
  } finally {
    for (const entries of Object.values(opt.state)) {
      for (const v of Object.values(entries)) if (typeof v !== 'number') v.dispose();
    }
  }
  return JSON.parse(metadata.trainer) as TrainerState;
}
