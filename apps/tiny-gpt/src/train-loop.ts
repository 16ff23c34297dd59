/**
 * The training loop: one step per iteration (forward, backward, clip, AdamW update), progress
 * lines and metrics at the log interval, an evaluation on the fixed batches and a checkpoint at
 * the eval interval and whenever the run stops early (`--max-time`, `--stop-after`, Ctrl-C).
 */
import type { GPT, GPTConfig } from '@dendrite/gpt';
import { clipGradNorm, setLearningRate } from '@dendrite/optim';
import { keep, tidy } from '@dendrite/tensor';
import type { Tokenizer } from '@dendrite/tokenizer';
import { DivergedError } from './errors.js';
import { meanLoss } from './evaluate.js';
import type { MetricsEntry, MetricsLog } from './metrics.js';
import type { Reporter } from './reporter.js';
import type { Checkpointer } from './train-checkpoint.js';
import type { TrainingRun } from './train-setup.js';

/** What {@link train} returns. */
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

/** When this invocation stops before the run's last iteration. */
export interface StopWhen {
  /** Seconds of this invocation. */
  maxTime?: number;
  /** Iterations of this invocation. */
  stopAfter?: number;
  /** Aborted: stop after the current iteration. */
  signal?: AbortSignal;
}

/** One step: forward, backward, clip, update. Returns the batch's loss, read after the step. */
async function step(run: TrainingRun): Promise<number> {
  const { model, optimizer, dataset, dataRng, settings: s } = run;
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
  return loss;
}

/**
 * Trains `run` from its current iteration to its last, or until `stop` says; returns the result.
 * Throws a {@link DivergedError} when a loss stops being finite (nothing of the broken update is
 * saved). The evaluation batches are disposed however it ends.
 */
export async function trainLoop(
  run: TrainingRun,
  checkpointer: Checkpointer,
  metrics: MetricsLog,
  stop: StopWhen,
  reporter: Reporter,
): Promise<TrainResult> {
  const { state, settings: s, model, optimizer, evalBatches, id } = run;
  const iters = s.iters;
  const tokensPerIter = s.batch * id.config.blockSize;
  const startIter = state.iter;
  const startTime = performance.now();
  let windowStart = performance.now();
  let windowIters = 0;
  const losses: number[] = [];
  let lastVal: number | null = state.bestValLoss;
  let stoppedBy: TrainResult['stoppedBy'] = 'iters';
  const elapsedBase = state.elapsed;
  const elapsedNow = () => elapsedBase + (performance.now() - startTime) / 1000;

  try {
    while (state.iter < iters) {
      const it = state.iter;
      const lr = run.schedule(it);
      setLearningRate(optimizer, lr);
      // The loss value is read after the step (one read per iteration, asynchronous on device
      // backends); a non-finite loss stops the run before any checkpoint can include the broken
      // update.
      const loss = await step(run);
      // Let the event loop turn once per step (on CPU backends the read above resolves at once):
      // signals such as Ctrl-C are delivered only then.
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (!Number.isFinite(loss)) {
        throw new DivergedError(
          `the loss became ${loss} at iteration ${it} (learning rate ${lr.toExponential(2)}): training stopped; ${checkpointer.kept()}. Try a smaller --lr.`,
        );
      }
      losses.push(loss);
      state.iter = it + 1;
      windowIters++;

      const isEval = state.iter % s.evalInterval === 0 || state.iter === iters;
      const isLog = isEval || state.iter % s.logInterval === 0;
      const overTime = stop.maxTime !== undefined && (performance.now() - startTime) / 1000 >= stop.maxTime;
      const overCount = stop.stopAfter !== undefined && state.iter - startIter >= stop.stopAfter;
      const interrupted = stop.signal?.aborted === true;
      const entry: MetricsEntry = { iter: state.iter, loss, lr };
      if (isEval || overTime || overCount || interrupted) {
        const trainLoss = await meanLoss(model, evalBatches.train);
        lastVal = await meanLoss(model, evalBatches.val);
        if (!Number.isFinite(trainLoss) || !Number.isFinite(lastVal)) {
          throw new DivergedError(
            `the evaluation loss became ${Number.isFinite(trainLoss) ? lastVal : trainLoss} at iteration ${state.iter} (learning rate ${lr.toExponential(2)}): training stopped without saving; ${checkpointer.kept()}. Try a smaller --lr.`,
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
        await metrics.add(entry);
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
      if (entry.valLoss !== undefined) await checkpointer.save(lr, elapsedNow());
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
  return {
    model,
    tokenizer: id.tokenizer,
    config: id.config,
    iter: state.iter,
    losses,
    finalValLoss: lastVal,
    stoppedBy,
  };
}
