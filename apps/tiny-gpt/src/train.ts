import { appendFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GPT, type GPTConfig, PRESETS, presetConfig, validateConfig } from '@dendrite/gpt';
import { writeFileAtomic } from '@dendrite/nn/node';
import { AdamW, clipGradNorm, cosineWithWarmup, decayGroups, setLearningRate } from '@dendrite/optim';
import { Generator, keep, setBackend, tidy } from '@dendrite/tensor';
import type { Tokenizer } from '@dendrite/tokenizer';
import { resolveBackend } from './backends.js';
import {
  FILES,
  loadRunFiles,
  loadTrainingState,
  saveCheckpoint,
  type TrainerState,
  writeRunFiles,
} from './checkpoint.js';
import { type Batch, loadText, TokenDataset } from './data.js';
import { DivergedError, UserError } from './errors.js';
import { meanLoss } from './evaluate.js';
import { lossCurveSVG } from './plot.js';
import { quietReporter, type Reporter } from './reporter.js';
import { buildTokenizer } from './tokenizers.js';

/** Options of {@link train} (the `tiny-gpt train` flags). */
export interface TrainOptions {
  /** Text file or http(s) URL (default: the built-in corpus). */
  data?: string;
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
  /** Continue the run in `out` exactly where it stopped. */
  resume?: boolean;
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
  stoppedBy: 'iters' | 'max-time' | 'stop-after';
}

const DEFAULTS = {
  tokenizer: 'char',
  config: 'tiny',
  backend: 'auto',
  iters: 2000,
  batch: 12,
  lr: 1e-3,
  weightDecay: 0.1,
  gradClip: 1,
  evalInterval: 100,
  evalIters: 10,
  logInterval: 10,
  seed: 1337,
  out: 'runs/tiny',
};

function checkNumber(name: string, value: number | undefined, min: number, integer: boolean): void {
  if (value === undefined) return;
  if (
    typeof value !== 'number' ||
    !Number.isFinite(value) ||
    value < min ||
    (integer && !Number.isInteger(value))
  ) {
    throw new UserError(
      `--${name} must be ${integer ? 'an integer' : 'a number'} ≥ ${min}, got ${String(value)}`,
    );
  }
}

function validateOptions(o: TrainOptions): void {
  checkNumber('iters', o.iters, 1, true);
  checkNumber('max-time', o.maxTime, 0, false);
  checkNumber('stop-after', o.stopAfter, 1, true);
  checkNumber('batch', o.batch, 1, true);
  checkNumber('lr', o.lr, 0, false);
  checkNumber('min-lr', o.minLr, 0, false);
  checkNumber('warmup', o.warmup, 0, true);
  checkNumber('weight-decay', o.weightDecay, 0, false);
  checkNumber('grad-clip', o.gradClip, 0, false);
  checkNumber('eval-interval', o.evalInterval, 1, true);
  checkNumber('eval-iters', o.evalIters, 1, true);
  checkNumber('log-interval', o.logInterval, 1, true);
  checkNumber('seed', o.seed, 0, true);
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

/**
 * Trains a GPT nanoGPT-style: AdamW (decay on ≥2-D weights), linear warmup then cosine decay,
 * gradient clipping, periodic evaluation on fixed train/val batches, atomic checkpoints, and an
 * exact `resume`. Throws {@link UserError} for problems the user can fix.
 */
export async function train(
  options: TrainOptions = {},
  reporter: Reporter = quietReporter,
): Promise<TrainResult> {
  validateOptions(options);
  // Flags left unset must not hide the defaults.
  options = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as TrainOptions;
  const out = options.out ?? DEFAULTS.out;
  setBackend(await resolveBackend(options.backend ?? DEFAULTS.backend));

  let opts: Required<Omit<TrainOptions, 'data' | 'maxTime' | 'stopAfter' | 'resume' | 'minLr' | 'warmup'>> &
    TrainOptions;
  let config: GPTConfig;
  let tokenizer: Tokenizer;
  let resumed: { dir: string } | null = null;
  if (options.resume) {
    ({ config, tokenizer } = await loadRunFiles(out));
    resumed = { dir: out };
    opts = { ...DEFAULTS, ...options } as typeof opts; // finalised from the checkpoint below
  } else {
    opts = { ...DEFAULTS, ...options } as typeof opts;
    const { text, name } = await loadText(options.data);
    if (text.length === 0) throw new UserError(`the training text is empty: ${name}`);
    tokenizer = buildTokenizer(opts.tokenizer, text);
    config = await resolveConfig(opts.config, tokenizer.vocabSize);
    reporter.log(`data: ${name}, ${text.length.toLocaleString('en-US')} characters`);
  }

  const modelRng = new Generator(opts.seed);
  const model = new GPT(config, { generator: modelRng });
  const [decay, noDecay] = decayGroups(model.parameters(), opts.weightDecay);
  const optimizer = new AdamW([decay, noDecay], {
    lr: opts.lr,
    betas: [0.9, 0.99],
    weightDecay: opts.weightDecay,
  });
  const dataRng = new Generator(opts.seed + 1);
  let state: TrainerState;

  if (resumed) {
    state = await loadTrainingState(out, model, optimizer);
    const saved = state.options as TrainOptions;
    const clash = (['config', 'tokenizer', 'batch', 'seed'] as const).find(
      (k) => options[k] !== undefined && saved[k] !== undefined && options[k] !== saved[k],
    );
    if (clash) {
      throw new UserError(
        `--resume: the checkpoint in ${out} was trained with --${clash} ${String(saved[clash])}, not ${String(options[clash])} (a checkpoint from another config)`,
      );
    }
    opts = { ...opts, ...saved, iters: options.iters ?? (saved.iters as number) } as typeof opts;
    dataRng.setState(state.dataRng);
    modelRng.setState(state.modelRng);
    reporter.log(`resuming ${out} at iteration ${state.iter}`);
  } else {
    await mkdir(out, { recursive: true });
    await writeRunFiles(out, config, tokenizer);
    await writeFile(join(out, FILES.metrics), '');
    state = {
      iter: 0,
      dataRng: dataRng.getState(),
      modelRng: modelRng.getState(),
      bestValLoss: null,
      elapsed: 0,
      options: {
        data: options.data ?? null,
        tokenizer: opts.tokenizer,
        config: opts.config,
        iters: opts.iters,
        batch: opts.batch,
        lr: opts.lr,
        minLr: opts.minLr ?? opts.lr / 10,
        warmup: opts.warmup ?? Math.min(100, Math.floor(opts.iters / 10)),
        weightDecay: opts.weightDecay,
        gradClip: opts.gradClip,
        evalInterval: opts.evalInterval,
        evalIters: opts.evalIters,
        seed: opts.seed,
      },
    };
  }

  // The data must be re-read on resume: keep the text source with the run.
  const { text } = await loadText((state.options.data as string | null) ?? undefined);
  const dataset = new TokenDataset(tokenizer.encodeOrdinary(text), config.blockSize);
  const iters = opts.iters;
  const schedule = cosineWithWarmup({
    lr: state.options.lr as number,
    minLr: state.options.minLr as number,
    warmupIters: Math.min(state.options.warmup as number, iters),
    decayIters: iters,
  });

  // Fixed evaluation batches, the same at every evaluation and across resumes.
  const evalRng = new Generator(opts.seed + 2);
  const evalBatches = {
    train: Array.from({ length: opts.evalIters }, () =>
      keepBatch(dataset.batch('train', opts.batch, evalRng)),
    ),
    val: Array.from({ length: opts.evalIters }, () => keepBatch(dataset.batch('val', opts.batch, evalRng))),
  };

  reporter.log(
    `model: ${model.numParameters().toLocaleString('en-US')} parameters (${config.nLayer} layers, ${config.nHead} heads, width ${config.nEmbd}, context ${config.blockSize}, vocab ${config.vocabSize})`,
  );
  const metricsPath = join(out, FILES.metrics);
  const history = await readHistory(metricsPath, state.iter);
  if (resumed) await writeFileAtomic(metricsPath, history.map((h) => `${JSON.stringify(h)}\n`).join(''));

  const tokensPerIter = opts.batch * config.blockSize;
  const startIter = state.iter;
  const startTime = performance.now();
  let windowStart = performance.now();
  let windowIters = 0;
  const losses: number[] = [];
  let lastVal: number | null = state.bestValLoss;
  let stoppedBy: TrainResult['stoppedBy'] = 'iters';

  let lastCheckpoint: number | null = resumed ? state.iter : null;
  const elapsedBase = state.elapsed;
  const elapsedNow = () => elapsedBase + (performance.now() - startTime) / 1000;
  const checkpoint = async () => {
    state.dataRng = dataRng.getState();
    state.modelRng = modelRng.getState();
    state.elapsed = elapsedNow();
    await saveCheckpoint(out, model, optimizer, state);
    lastCheckpoint = state.iter;
    await writePlot(out, history);
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
        const { x, y } = dataset.batch('train', opts.batch, dataRng);
        const l = model.forward(x, y).loss!;
        l.backward();
        if (opts.gradClip > 0) clipGradNorm(model.parameters(), opts.gradClip);
        optimizer.step();
        optimizer.zeroGrad();
        return keep(l.detach());
      });
      const loss = await lossTensor.item();
      lossTensor.dispose();
      if (!Number.isFinite(loss)) {
        const kept =
          lastCheckpoint === null
            ? 'no checkpoint had been written yet'
            : `the last good checkpoint (iteration ${lastCheckpoint}) in ${out} is kept`;
        throw new DivergedError(
          `the loss became ${loss} at iteration ${it} (learning rate ${lr.toExponential(2)}): training stopped; ${kept}. Try a smaller --lr.`,
        );
      }
      losses.push(loss);
      state.iter = it + 1;
      windowIters++;

      const isEval = state.iter % opts.evalInterval === 0 || state.iter === iters;
      const isLog = isEval || state.iter % opts.logInterval === 0;
      const overTime =
        options.maxTime !== undefined && (performance.now() - startTime) / 1000 >= options.maxTime;
      const overCount = options.stopAfter !== undefined && state.iter - startIter >= options.stopAfter;
      const entry: Record<string, number> = { iter: state.iter, loss, lr };
      if (isEval || overTime || overCount) {
        const trainLoss = await meanLoss(model, evalBatches.train);
        lastVal = await meanLoss(model, evalBatches.val);
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
        await appendFile(metricsPath, `${JSON.stringify(entry)}\n`);
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
      if (entry.valLoss !== undefined) await checkpoint();
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

function keepBatch(b: Batch): Batch {
  return { x: keep(b.x), y: keep(b.y) };
}

type Entry = Record<string, number>;

/** The metrics logged up to `iter` (lines past it belong to work lost after the checkpoint). */
async function readHistory(path: string, iter: number): Promise<Entry[]> {
  let text = '';
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Entry)
    .filter((e) => e.iter <= iter);
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
  await writeFileAtomic(join(dir, FILES.plot), svg);
}
