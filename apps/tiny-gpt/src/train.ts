/**
 * `train`: the library call behind `tiny-gpt train`. It checks the options against the settings
 * table (settings.ts), takes the run folder's lock, checks what the folder holds, then sets the
 * run up (train-setup.ts), trains it (train-loop.ts) and checkpoints it as it goes
 * (train-checkpoint.ts).
 */
import { rmdir } from 'node:fs/promises';
import { weightsIter } from './checkpoint.js';
import { UserError, withFsErrors } from './errors.js';
import { failpoint } from './failpoints.js';
import { checkOption } from './flags.js';
import { MetricsLog } from './metrics.js';
import { quietReporter, type Reporter } from './reporter.js';
import { acquireLock, inspectFolder, type RunLock, removeTempFiles } from './run-folder.js';
import { flagName } from './setting.js';
import {
  resolveTrainSettings,
  TRAIN_OPTION_NAMES,
  type TrainSettingOptions,
  type TrainSettings,
} from './settings.js';
import { Checkpointer } from './train-checkpoint.js';
import { type TrainResult, trainLoop } from './train-loop.js';
import { setUpRun } from './train-setup.js';

export type { TrainResult };

/**
 * Options of {@link train}: the `tiny-gpt train` flags in camelCase (`--eval-interval` →
 * `evalInterval`), each as defined, with its default and rules, in `TRAIN_SETTINGS`
 * (`tiny-gpt train --help` lists them), and an abort signal.
 */
export interface TrainOptions extends TrainSettingOptions {
  /** Aborting it stops training after the current iteration, with a checkpoint (Ctrl-C in the CLI). */
  signal?: AbortSignal;
}

/** Library callers get the CLI's checks: every option against its flag's rules. */
function checkOptions(o: TrainOptions): TrainSettings {
  const names: readonly string[] = TRAIN_OPTION_NAMES;
  for (const [key, value] of Object.entries(o)) {
    if (key === 'signal' || value === undefined) continue;
    if (!names.includes(key)) throw new UserError(`train: unknown option '${key}'`);
    checkOption('train', flagName(key), value);
  }
  if (o.out === '') throw new UserError('--out needs a folder');
  if (o.resume && o.overwrite)
    throw new UserError('--resume continues the run in --out and --overwrite replaces it: choose one');
  return resolveTrainSettings(o);
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
  const settings = checkOptions(options);
  const out = settings.out;
  const existed = (await inspectFolder(out)).exists;
  if (options.resume && !existed) throw new UserError(`cannot resume: the run folder ${out} does not exist`);
  const lock = await acquireLock(out);
  try {
    await failpoint('lock-taken');
    return await trainLocked(out, lock, options, settings, reporter);
  } finally {
    lock.release();
    // A run refused or failed before its first checkpoint leaves no empty folder behind.
    if (!existed) await rmdir(out).catch(() => {});
  }
}

/** Checks what the locked folder holds against what was asked, then sets up and trains the run. */
async function trainLocked(
  out: string,
  lock: RunLock,
  options: TrainOptions,
  settings: TrainSettings,
  reporter: Reporter,
): Promise<TrainResult> {
  const resumed = settings.resume === true;
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
  if (!resumed && contents.hasCheckpoint && !settings.overwrite) {
    const at = await weightsIter(out).catch(() => -1);
    throw new UserError(
      `${out} already holds a run${at >= 0 ? ` (checkpoint at iteration ${at})` : ''}: continue it with --resume, replace it with --overwrite, or choose another --out`,
    );
  }

  const run = await setUpRun(out, resumed, options, settings.backend, reporter);
  const metrics = await MetricsLog.open(out, resumed, run.state.iter, reporter);
  const checkpointer = new Checkpointer(run, lock, metrics, contents.hasCheckpoint);
  return trainLoop(run, checkpointer, metrics, options, reporter);
}
