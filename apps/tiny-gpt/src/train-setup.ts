/**
 * Setting up a training run before its first step: the run's identity, settings and text (new, or
 * read back from the folder for `--resume`), then the model, AdamW, the generators, the dataset,
 * the learning-rate schedule and the fixed evaluation batches.
 */
import { readFile } from 'node:fs/promises';
import { GPT, type GPTConfig, PRESETS, presetConfig, validateConfig } from '@dendrite/gpt';
import { AdamW, cosineWithWarmup, decayGroups } from '@dendrite/optim';
import { Generator, keep, setBackend } from '@dendrite/tensor';
import { resolveBackend } from './backends.js';
import {
  exportWeights,
  loadRunFiles,
  loadTrainingState,
  type RunIdentity,
  readTrainerState,
  weightsIter,
} from './checkpoint.js';
import { type Batch, loadText, reloadText, TokenDataset } from './data.js';
import { UserError } from './errors.js';
import { checkFits, estimateMemory } from './memory.js';
import type { Reporter } from './reporter.js';
import { resumeSettings } from './resume.js';
import {
  chosenNames,
  chosenSettings,
  type RunSettings,
  resolveSettings,
  type TrainSettingOptions,
} from './settings.js';
import { buildTokenizer } from './tokenizers.js';
import type { TrainerState } from './trainer-state.js';

/** Everything a run needs to take its steps. */
export interface TrainingRun {
  /** The run folder. */
  out: string;
  /** Does it continue a run from its checkpoint? */
  resumed: boolean;
  /** The config and tokenizer. */
  id: RunIdentity;
  /** The state saved with each checkpoint, updated as the run goes. */
  state: TrainerState;
  /** The settings in force (`state.settings`). */
  settings: RunSettings;
  model: GPT;
  optimizer: AdamW;
  /** Draws the training batches. */
  dataRng: Generator;
  /** Draws the dropout masks (the model's generator). */
  modelRng: Generator;
  dataset: TokenDataset;
  /** The learning rate at an iteration: linear warmup, then cosine decay to `minLr`. */
  schedule: (iter: number) => number;
  /** Fixed evaluation batches, the same at every evaluation and across resumes. */
  evalBatches: { train: Batch[]; val: Batch[] };
}

/** The GPTConfig a `--config` names (a preset or a JSON file), for a vocabulary size. */
async function resolveConfig(spec: string, vocabSize: number): Promise<GPTConfig> {
  if (spec in PRESETS) return presetConfig(spec, vocabSize);
  if (!spec.endsWith('.json')) {
    throw new UserError(
      `--config must be a preset (${Object.keys(PRESETS).join(', ')}) or a .json file, got '${spec}'`,
    );
  }
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(spec, 'utf8'));
  } catch (err) {
    throw new UserError(`cannot read config ${spec}: ${(err as Error).message}`);
  }
  // The tokenizer sets the vocabulary, in either spelling (nanoGPT's config files say vocab_size).
  const { vocab_size: _, ...rest } = (raw ?? {}) as Record<string, unknown>;
  return validateConfig({ ...rest, vocabSize }, spec);
}

/** Seed `k` of a family derived from `seed`, staying a safe integer for every seed < 2^53. */
function subSeed(seed: number, k: number): number {
  const s = seed + k;
  return Number.isSafeInteger(s) ? s : seed - 2 ** 53 + k;
}

/** A new run's identity, state and text. */
interface Prepared {
  id: RunIdentity;
  state: TrainerState;
  text: string;
}

async function prepareNewRun(options: TrainSettingOptions, reporter: Reporter): Promise<Prepared> {
  const chosen = chosenSettings(options);
  const settings = resolveSettings(chosen);
  const { text, name, source } = await loadText(options.data, { encoding: options.encoding });
  if (text.length === 0) throw new UserError(`the training text is empty: ${name}`);
  const tokenizer = buildTokenizer(settings.tokenizer, text);
  const config = await resolveConfig(settings.config, tokenizer.vocabSize);
  reporter.log(`data: ${name}, ${text.length.toLocaleString('en-US')} characters`);
  const state: TrainerState = {
    iter: 0,
    dataRng: new Generator(0).getState(), // set from the run's seed in setUpRun
    modelRng: new Generator(0).getState(),
    bestValLoss: null,
    elapsed: 0,
    settings,
    chosen: chosenNames(chosen),
    data: source,
  };
  return { id: { config, tokenizer }, state, text };
}

async function prepareResume(
  out: string,
  options: TrainSettingOptions,
  reporter: Reporter,
): Promise<Prepared> {
  const id = await loadRunFiles(out);
  const saved = await readTrainerState(out, id);
  if (options.config !== undefined) {
    const asked = await resolveConfig(options.config, id.config.vocabSize);
    if (JSON.stringify(asked) !== JSON.stringify(id.config)) {
      throw new UserError(
        `cannot resume with --config ${options.config}: the run in ${out} trains the model of --config ${saved.settings.config} (a checkpoint from another config); start a new run to change the model`,
      );
    }
  }
  if (
    options.encoding !== undefined &&
    options.encoding !== saved.data.encoding &&
    options.data === undefined
  )
    throw new UserError(
      `cannot resume with --encoding ${options.encoding}: the run's text was read as ${saved.data.encoding}`,
    );
  const { text } = await reloadText(saved.data, options.data);
  const { settings, chosen, changes } = resumeSettings(saved, chosenSettings(options), out);
  reporter.log(`resuming ${out} at iteration ${saved.iter}`);
  if (changes.length > 0) reporter.log(`changed for the rest of the run: ${changes.join(', ')}`);
  return { id, state: { ...saved, settings, chosen }, text };
}

/**
 * Sets up a run in the locked folder `out`: a new one, or (`resumed`) the one whose checkpoint it
 * holds, restored exactly. `backend` is the backend's name (`auto`, `wasm` …).
 */
export async function setUpRun(
  out: string,
  resumed: boolean,
  options: TrainSettingOptions,
  backend: string,
  reporter: Reporter,
): Promise<TrainingRun> {
  const { id, state, text } = resumed
    ? await prepareResume(out, options, reporter)
    : await prepareNewRun(options, reporter);
  const { config, tokenizer } = id;
  const s = state.settings;
  checkFits(
    estimateMemory(config, s.batch, { evalIters: s.evalIters }),
    "--batch, --eval-iters, or the config's blockSize, nEmbd or nLayer",
  );
  const dataset = new TokenDataset(tokenizer.encodeOrdinary(text), config.blockSize);
  setBackend(await resolveBackend(backend));

  const modelRng = new Generator(s.seed);
  const model = new GPT(config, { generator: modelRng });
  const [decay, noDecay] = decayGroups(model.parameters(), s.weightDecay);
  const optimizer = new AdamW([decay, noDecay], { lr: s.lr, betas: [0.9, 0.99], weightDecay: s.weightDecay });
  const dataRng = new Generator(subSeed(s.seed, 1));
  if (resumed) {
    await loadTrainingState(out, model, optimizer);
    // A resume keeps the moments; a changed --weight-decay applies to the decayed group from now on.
    optimizer.paramGroups[0].weightDecay = s.weightDecay;
    dataRng.setState(state.dataRng);
    modelRng.setState(state.modelRng);
    // A kill between the two checkpoint files left the weights one checkpoint behind: catch up.
    if ((await weightsIter(out)) < state.iter) await exportWeights(out, model, state.iter, id);
  } else {
    state.dataRng = dataRng.getState();
    state.modelRng = modelRng.getState();
  }

  const schedule = cosineWithWarmup({
    lr: s.lr,
    minLr: s.minLr,
    warmupIters: Math.min(s.warmup, s.iters),
    decayIters: s.iters,
  });

  const evalRng = new Generator(subSeed(s.seed, 2));
  const keepBatch = (b: Batch): Batch => ({ x: keep(b.x), y: keep(b.y) });
  const evalBatches = {
    train: Array.from({ length: s.evalIters }, () => keepBatch(dataset.batch('train', s.batch, evalRng))),
    val: Array.from({ length: s.evalIters }, () => keepBatch(dataset.batch('val', s.batch, evalRng))),
  };

  reporter.log(
    `model: ${model.numParameters().toLocaleString('en-US')} parameters (${config.nLayer} layers, ${config.nHead} heads, width ${config.nEmbd}, context ${config.blockSize}, vocab ${config.vocabSize})`,
  );
  return {
    out,
    resumed,
    id,
    state,
    settings: s,
    model,
    optimizer,
    dataRng,
    modelRng,
    dataset,
    schedule,
    evalBatches,
  };
}
