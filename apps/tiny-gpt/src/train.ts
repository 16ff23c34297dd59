import { appendFile, readFile, rmdir, statfs } from 'node:fs/promises';
import { join } from 'node:path';
import { GPT, type GPTConfig, PRESETS, presetConfig, validateConfig } from '@dendrite/gpt';
import { AdamW, clipGradNorm, cosineWithWarmup, decayGroups, setLearningRate } from '@dendrite/optim';
import { Generator, keep, setBackend, tidy } from '@dendrite/tensor';
import type { Tokenizer } from '@dendrite/tokenizer';
import { resolveBackend } from './backends.js';
import {
  exportWeights,
  FILES,
  loadRunFiles,
  loadTrainingState,
  NonFiniteError,
  prepareCheckpoint,
  type RunIdentity,
  readTrainerState,
  type TrainerState,
  weightsIter,
  writeAtomic,
  writeCheckpoint,
  writeRunFiles,
} from './checkpoint.js';
import { type Batch, loadText, reloadText, TokenDataset } from './data.js';
import { DivergedError, UserError, withFsErrors } from './errors.js';
import { meanLoss } from './evaluate.js';
import { failpoint } from './failpoints.js';
import { checkOption } from './flags.js';
import { checkFits, estimateMemory, formatBytes } from './memory.js';
import { lossCurveSVG } from './plot.js';
import { quietReporter, type Reporter } from './reporter.js';
import { acquireLock, inspectFolder, type RunLock, removeRun, removeTempFiles } from './run-folder.js';
import { chosenSettings, FLAG_OF, resolveSettings, resumeSettings } from './settings.js';
import { buildTokenizer } from './tokenizers.js';

/** Options of {@link train} (the `tiny-gpt train` flags). */
export interface TrainOptions {
  /** Text file or http(s) URL (default: the built-in corpus). */
  data?: string;
  /** Encoding of `data`: `utf-8` (default, strict) or `latin1`. */
  encoding?: string;
  /** `char`, `bpe` or `bpe:N` (default `char`). */
  tokenizer?: string;
  /** A preset name (`tiny`, `baby`, `shakespeare-char`, `gpt2`) or a JSON file of a GPTConfig (default `tiny`). */
  config?: string;
  /** `auto` (default: wasm where available, else cpu), `wasm`, `cpu`, `gpujs`, `gpujs:<mode>`. */
  backend?: string;
  /** Total iterations (default 2000). */
  iters?: number;
  /** Stop after this many seconds of training, checkpointing first. */
  maxTime?: number;
  /** Stop after this many iterations in this invocation (checkpointed; continue with `resume`). */
  stopAfter?: number;
  /** Sequences per batch (default 12). */
  batch?: number;
  /** Peak learning rate (default 1e-3). */
  lr?: number;
  /** Learning-rate floor of the cosine decay (default lr / 10). */
  minLr?: number;
  /** Warmup iterations (default min(100, iters / 10)). */
  warmup?: number;
  /** AdamW weight decay on weights with ≥ 2 dims (default 0.1). */
  weightDecay?: number;
  /** Gradient clipping by global norm (default 1; 0 turns it off). */
  gradClip?: number;
  /** Evaluate, log and checkpoint every this many iterations (default 100). */
  evalInterval?: number;
  /** Batches per split in each evaluation (default 10). */
  evalIters?: number;
  /** Iterations between progress lines (default 10). */
  logInterval?: number;
  /** Seed of initial weights, batch order and dropout (default 1337). */
  seed?: number;
  /** Run folder (default `runs/tiny`). */
  out?: string;
  /** Continue the run in `out` where it stopped (see the README's resume rules). */
  resume?: boolean;
  /** Start a new run in an `out` that holds one; the old run is removed at the new run's first checkpoint. */
  overwrite?: boolean;
  /** Aborting it stops training after the current iteration, with a checkpoint (Ctrl-C in the CLI). */
  signal?: AbortSignal;
}

export interface TrainResult {
  model: GPT;
  tokenizer: Tokenizer;
  config: GPTConfig;
  /** Iterations completed. */
  iter: number;
  /** Training loss at every iteration of this invocation. */
  losses: number[];
  finalValLoss: number | null;
  stoppedBy: 'iters' | 'max-time' | 'stop-after' | 'interrupted';
}

const DEFAULT_OUT = 'runs/tiny';

/** The flag of each option that is not a setting. */
const OTHER_FLAGS = {
  data: 'data',
  encoding: 'encoding',
  backend: 'backend',
  maxTime: 'max-time',
  stopAfter: 'stop-after',
  out: 'out',
  resume: 'resume',
  overwrite: 'overwrite',
} as const;

/** Library callers get the CLI's checks: every option against its flag's rules. */
function validateOptions(o: TrainOptions): void {
  const flags: Record<string, string> = { ...FLAG_OF, ...OTHER_FLAGS };
  for (const [key, value] of Object.entries(o)) {
    if (key === 'signal' || value === undefined) continue;
    const flag = flags[key];
    if (!flag) throw new UserError(`train: unknown option '${key}'`);
    checkOption('train', flag, value);
  }
  if (o.out === '') throw new UserError('--out needs a folder');
  if (o.resume && o.overwrite)
    throw new UserError('--resume continues the run in --out and --overwrite replaces it: choose one');
}

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
  return validateConfig({ ...(raw as object), vocabSize }, spec);
}

/** Seed `k` of a family derived from `seed`, staying a safe integer for every seed < 2^53. */
function subSeed(seed: number, k: number): number {
  const s = seed + k;
  return Number.isSafeInteger(s) ? s : seed - 2 ** 53 + k;
}

/**
 * Trains a GPT nanoGPT-style: AdamW (decay on ≥2-D weights), linear warmup then cosine decay,
 * gradient clipping, periodic evaluation on fixed train/val batches, atomic checkpoints, and an
 * exact `resume`. The run folder is locked while training (see run-folder.ts). Throws
 * {@link UserError} for problems the user can fix and {@link DivergedError} when the numbers stop
 * being finite.
 */
export async function train(
  options: TrainOptions = {},
  reporter: Reporter = quietReporter,
): Promise<TrainResult> {
  validateOptions(options);
  const out = options.out ?? DEFAULT_OUT;
  const existed = (await inspectFolder(out)).exists;
  if (options.resume && !existed) throw new UserError(`cannot resume: the run folder ${out} does not exist`);
  const lock = await acquireLock(out);
  try {
    await failpoint('lock-taken');
    return await trainLocked(out, lock, options, reporter);
  } finally {
    lock.release();
    // A run refused or failed before its first checkpoint leaves no empty folder behind.
    if (!existed) await rmdir(out).catch(() => {});
  }
}

/** Everything a run needs before its first step: identity, state, data. */
interface Prepared {
  id: RunIdentity;
  state: TrainerState;
  text: string;
}

async function prepareNewRun(options: TrainOptions, reporter: Reporter): Promise<Prepared> {
  const chosen = chosenSettings(options);
  const settings = resolveSettings(chosen);
  const { text, name, source } = await loadText(options.data, { encoding: options.encoding });
  if (text.length === 0) throw new UserError(`the training text is empty: ${name}`);
  const tokenizer = buildTokenizer(settings.tokenizer, text);
  const config = await resolveConfig(settings.config, tokenizer.vocabSize);
  reporter.log(`data: ${name}, ${text.length.toLocaleString('en-US')} characters`);
  const state: TrainerState = {
    iter: 0,
    dataRng: new Generator(0).getState(), // set from the run's seed below
    modelRng: new Generator(0).getState(),
    bestValLoss: null,
    elapsed: 0,
    settings,
    chosen: Object.keys(chosen) as TrainerState['chosen'],
    data: source,
  };
  return { id: { config, tokenizer }, state, text };
}

async function prepareResume(out: string, options: TrainOptions, reporter: Reporter): Promise<Prepared> {
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

async function trainLocked(
  out: string,
  lock: RunLock,
  options: TrainOptions,
  reporter: Reporter,
): Promise<TrainResult> {
  const resumed = options.resume === true;
  const contents = await inspectFolder(out);
  await withFsErrors('clean up', out, () => removeTempFiles(out, contents.temp));
  if (resumed && !contents.hasCheckpoint)
    throw new UserError(
      `nothing to resume in ${out}: it has no checkpoint yet; start the run without --resume`,
    );
  if (!resumed && contents.foreign.length > 0) {
    const list = contents.foreign.slice(0, 3).join(', ') + (contents.foreign.length > 3 ? ', …' : '');
    throw new UserError(
      `${out} holds files that are not tiny-gpt's (${list}); train into an empty or a new folder`,
    );
  }
  if (!resumed && contents.hasCheckpoint && !options.overwrite) {
    const at = await weightsIter(out).catch(() => -1);
    throw new UserError(
      `${out} already holds a run${at >= 0 ? ` (checkpoint at iteration ${at})` : ''}: continue it with --resume, replace it with --overwrite, or choose another --out`,
    );
  }

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
  setBackend(await resolveBackend(options.backend ?? 'auto'));

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

  const iters = s.iters;
  const schedule = cosineWithWarmup({
    lr: s.lr,
    minLr: s.minLr,
    warmupIters: Math.min(s.warmup, iters),
    decayIters: iters,
  });

  // Fixed evaluation batches, the same at every evaluation and across resumes.
  const evalRng = new Generator(subSeed(s.seed, 2));
  const evalBatches = {
    train: Array.from({ length: s.evalIters }, () => keepBatch(dataset.batch('train', s.batch, evalRng))),
    val: Array.from({ length: s.evalIters }, () => keepBatch(dataset.batch('val', s.batch, evalRng))),
  };

  reporter.log(
    `model: ${model.numParameters().toLocaleString('en-US')} parameters (${config.nLayer} layers, ${config.nHead} heads, width ${config.nEmbd}, context ${config.blockSize}, vocab ${config.vocabSize})`,
  );
  const metricsPath = join(out, FILES.metrics);
  // Before a run's first checkpoint its metrics stay in memory: the folder is not the run's yet.
  let committed = resumed;
  const history = resumed ? await readHistory(metricsPath, state.iter, reporter) : [];
  if (resumed) await writeAtomic(metricsPath, historyText(history));

  const tokensPerIter = s.batch * config.blockSize;
  const startIter = state.iter;
  const startTime = performance.now();
  let windowStart = performance.now();
  let windowIters = 0;
  const losses: number[] = [];
  let lastVal: number | null = state.bestValLoss;
  let stoppedBy: TrainResult['stoppedBy'] = 'iters';

  let lastCheckpoint: number | null = resumed ? state.iter : null;
  const kept = () =>
    lastCheckpoint !== null
      ? `the last good checkpoint (iteration ${lastCheckpoint}) in ${out} is kept`
      : contents.hasCheckpoint
        ? `no checkpoint of this run was written, and the earlier run in ${out} is untouched`
        : 'no checkpoint was written';
  const elapsedBase = state.elapsed;
  const elapsedNow = () => elapsedBase + (performance.now() - startTime) / 1000;
  const checkpoint = async (lr: number) => {
    state.dataRng = dataRng.getState();
    state.modelRng = modelRng.getState();
    state.elapsed = elapsedNow();
    let prepared: Awaited<ReturnType<typeof prepareCheckpoint>>;
    try {
      prepared = await prepareCheckpoint(model, optimizer, state, id);
    } catch (err) {
      if (!(err instanceof NonFiniteError)) throw err;
      throw new DivergedError(
        `the weights stopped being finite numbers (${err.value} in '${err.tensor}') by iteration ${state.iter} (learning rate ${lr.toExponential(2)}): training stopped without saving them; ${kept()}. Try a smaller --lr.`,
      );
    }
    await lock.verify();
    if (!committed) {
      await failpoint('first-checkpoint');
      if (contents.hasCheckpoint) {
        // --overwrite: the old run goes only now, and only when the new checkpoint has room.
        await checkSpace(out, prepared.state.length + prepared.model.length);
        await removeRun(out);
      }
      await failpoint('old-run-removed');
      await writeRunFiles(out, id);
      await failpoint('run-files-written');
    }
    await writeCheckpoint(out, prepared, () => failpoint('state-written'));
    if (!committed) {
      await writeAtomic(metricsPath, historyText(history));
      committed = true;
    }
    lastCheckpoint = state.iter;
    await writePlot(out, history);
    await failpoint('checkpoint-written');
  };

  try {
    while (state.iter < iters) {
      const it = state.iter;
      const lr = schedule(it);
      setLearningRate(optimizer, lr);
      // One step: forward, backward, clip, update. The loss value is read after the step (one
      // read per iteration, asynchronous on device backends); a non-finite loss stops the run
      // before any checkpoint can include the broken update.
      const lossTensor = tidy(() => {
        const { x, y } = dataset.batch('train', s.batch, dataRng);
        const l = model.forward(x, y).loss!;
        l.backward();
        if (s.gradClip > 0) clipGradNorm(model.parameters(), s.gradClip);
        optimizer.step();
        optimizer.zeroGrad();
        return keep(l.detach());
      });
      const loss = await lossTensor.item();
      lossTensor.dispose();
      // Let the event loop turn once per step (on CPU backends the read above resolves at once):
      // signals such as Ctrl-C are delivered only then.
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (!Number.isFinite(loss)) {
        throw new DivergedError(
          `the loss became ${loss} at iteration ${it} (learning rate ${lr.toExponential(2)}): training stopped; ${kept()}. Try a smaller --lr.`,
        );
      }
      losses.push(loss);
      state.iter = it + 1;
      windowIters++;

      const isEval = state.iter % s.evalInterval === 0 || state.iter === iters;
      const isLog = isEval || state.iter % s.logInterval === 0;
      const overTime =
        options.maxTime !== undefined && (performance.now() - startTime) / 1000 >= options.maxTime;
      const overCount = options.stopAfter !== undefined && state.iter - startIter >= options.stopAfter;
      const interrupted = options.signal?.aborted === true;
      const entry: Record<string, number> = { iter: state.iter, loss, lr };
      if (isEval || overTime || overCount || interrupted) {
        const trainLoss = await meanLoss(model, evalBatches.train);
        lastVal = await meanLoss(model, evalBatches.val);
        if (!Number.isFinite(trainLoss) || !Number.isFinite(lastVal)) {
          throw new DivergedError(
            `the evaluation loss became ${Number.isFinite(trainLoss) ? lastVal : trainLoss} at iteration ${state.iter} (learning rate ${lr.toExponential(2)}): training stopped without saving; ${kept()}. Try a smaller --lr.`,
          );
        }
        entry.trainLoss = trainLoss;
        entry.valLoss = lastVal;
        if (state.bestValLoss === null || lastVal < state.bestValLoss) state.bestValLoss = lastVal;
      }
      if (isLog || entry.valLoss !== undefined) {
        const now = performance.now();
        const secs = (now - windowStart) / 1000;
        const tps = (windowIters * tokensPerIter) / Math.max(secs, 1e-9);
        const itPerSec = windowIters / Math.max(secs, 1e-9);
        windowStart = now;
        windowIters = 0;
        entry.tokensPerSec = tps;
        entry.elapsed = elapsedNow();
        history.push(entry);
        if (committed)
          await withFsErrors('write', metricsPath, () =>
            appendFile(metricsPath, `${JSON.stringify(entry)}\n`),
          );
        reporter.progress({
          iter: state.iter,
          total: iters,
          loss,
          valLoss: lastVal,
          lr,
          tokensPerSec: tps,
          eta: (iters - state.iter) / itPerSec,
        });
      }
      if (entry.valLoss !== undefined) await checkpoint(lr);
      if (interrupted) {
        stoppedBy = 'interrupted';
        break;
      }
      if (overTime) {
        stoppedBy = 'max-time';
        break;
      }
      if (overCount) {
        stoppedBy = 'stop-after';
        break;
      }
    }
  } finally {
    reporter.stop();
    for (const b of [...evalBatches.train, ...evalBatches.val]) {
      b.x.dispose();
      b.y.dispose();
    }
  }
  return { model, tokenizer, config, iter: state.iter, losses, finalValLoss: lastVal, stoppedBy };
}

/** Refuses to replace a run when the disk cannot hold the new checkpoint (plus 1 MB of slack). */
async function checkSpace(dir: string, bytes: number): Promise<void> {
  const fs = await withFsErrors('inspect', dir, () => statfs(dir));
  const free = fs.bavail * fs.bsize;
  if (free < bytes + 1_000_000) {
    throw new UserError(
      `not enough space in ${dir} for the new run's first checkpoint (${formatBytes(bytes)} needed, ${formatBytes(free)} free); the earlier run is untouched`,
    );
  }
}

function keepBatch(b: Batch): Batch {
  return { x: keep(b.x), y: keep(b.y) };
}

type Entry = Record<string, number>;

function historyText(history: readonly Entry[]): string {
  return history.map((h) => `${JSON.stringify(h)}\n`).join('');
}

/**
 * The metrics logged up to `iter` (lines past it belong to work lost after the checkpoint). A
 * line that is not a JSON object with an `iter` (an append cut off by a kill) is dropped with a
 * note; the file is rewritten without it.
 */
async function readHistory(path: string, iter: number, reporter: Reporter): Promise<Entry[]> {
  let text = '';
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return [];
  }
  const entries: Entry[] = [];
  let dropped = 0;
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    let entry: unknown;
    try {
      entry = JSON.parse(line);
    } catch {
      dropped++;
      continue;
    }
    if (typeof entry !== 'object' || entry === null || typeof (entry as Entry).iter !== 'number') {
      dropped++;
      continue;
    }
    if ((entry as Entry).iter <= iter) entries.push(entry as Entry);
  }
  if (dropped > 0) reporter.log(`${path}: dropped ${dropped} unreadable line(s) (a write cut off by a kill)`);
  return entries;
}

async function writePlot(dir: string, history: readonly Entry[]): Promise<void> {
  const svg = lossCurveSVG(
    [
      {
        label: 'train (batch)',
        color: '#93c5fd',
        points: history.map((h) => ({ iter: h.iter, loss: h.loss })),
      },
      {
        label: 'train (eval)',
        color: '#1d4ed8',
        points: history
          .filter((h) => h.trainLoss !== undefined)
          .map((h) => ({ iter: h.iter, loss: h.trainLoss })),
      },
      {
        label: 'validation',
        color: '#dc2626',
        points: history
          .filter((h) => h.valLoss !== undefined)
          .map((h) => ({ iter: h.iter, loss: h.valLoss })),
      },
    ],
    'tiny-gpt: loss',
  );
  await writeAtomic(join(dir, FILES.plot), svg);
}
