/**
 * Checkpointing a run as it trains. A checkpoint is serialized and checked for non-finite numbers
 * before anything is written; the lock is re-read; at a run's first checkpoint the folder becomes
 * the run's (an `--overwrite`n run is removed only then, when the disk has room, and the config,
 * tokenizer and metrics kept in memory are written); then the two checkpoint files and the plot.
 */
import { statfs } from 'node:fs/promises';
import {
  NonFiniteError,
  type PreparedCheckpoint,
  prepareCheckpoint,
  writeCheckpoint,
  writeRunFiles,
} from './checkpoint.js';
import { DivergedError, UserError, withFsErrors } from './errors.js';
import { failpoint } from './failpoints.js';
import { formatBytes } from './memory.js';
import type { MetricsLog } from './metrics.js';
import { type RunLock, removeRun } from './run-folder.js';
import type { TrainingRun } from './train-setup.js';

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

/** Writes a run's checkpoints and knows which one is the last good one. */
export class Checkpointer {
  /** The iteration of the last checkpoint of this run, or null before its first. */
  private lastCheckpoint: number | null;
  /** Is the folder this run's (a checkpoint of it written)? */
  private committed: boolean;

  constructor(
    private readonly run: TrainingRun,
    private readonly lock: RunLock,
    private readonly metrics: MetricsLog,
    /** Did the folder hold a run (replaced by `--overwrite`) when this one started? */
    private readonly hadRun: boolean,
  ) {
    this.committed = run.resumed;
    this.lastCheckpoint = run.resumed ? run.state.iter : null;
  }

  /** What a failure leaves behind: the last good checkpoint, or the earlier run, or nothing. */
  kept(): string {
    const out = this.run.out;
    if (this.lastCheckpoint !== null)
      return `the last good checkpoint (iteration ${this.lastCheckpoint}) in ${out} is kept`;
    return this.hadRun
      ? `no checkpoint of this run was written, and the earlier run in ${out} is untouched`
      : 'no checkpoint was written';
  }

  /**
   * Checkpoints the run at its current iteration; `lr` is the learning rate of the last step and
   * `elapsed` the seconds trained so far (both for the state and messages). Throws a
   * {@link DivergedError} when a weight or moment is not finite, writing nothing.
   */
  async save(lr: number, elapsed: number): Promise<void> {
    const { out, state, model, optimizer, id } = this.run;
    state.dataRng = this.run.dataRng.getState();
    state.modelRng = this.run.modelRng.getState();
    state.elapsed = elapsed;
    let prepared: PreparedCheckpoint;
    try {
      prepared = await prepareCheckpoint(model, optimizer, state, id);
    } catch (err) {
      if (!(err instanceof NonFiniteError)) throw err;
      throw new DivergedError(
        `the weights stopped being finite numbers (${err.value} in '${err.tensor}') by iteration ${state.iter} (learning rate ${lr.toExponential(2)}): training stopped without saving them; ${this.kept()}. Try a smaller --lr.`,
      );
    }
    await this.lock.verify();
    if (!this.committed) {
      await failpoint('first-checkpoint');
      if (this.hadRun) {
        // --overwrite: the old run goes only now, and only when the new checkpoint has room.
        await checkSpace(out, prepared.state.length + prepared.model.length);
        await removeRun(out);
      }
      await failpoint('old-run-removed');
      await writeRunFiles(out, id);
      await failpoint('run-files-written');
    }
    await writeCheckpoint(out, prepared, () => failpoint('state-written'));
    if (!this.committed) {
      await this.metrics.commit();
      this.committed = true;
    }
    this.lastCheckpoint = state.iter;
    await this.metrics.writePlot();
    await failpoint('checkpoint-written');
  }
}
