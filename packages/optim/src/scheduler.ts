import { ValueError } from '@dendrite/tensor';
import type { Schedule } from './schedule.js';
import { checkInteger } from './validate.js';

/** Anything with parameter groups that have a learning rate (every optimizer of this package). */
export interface HasParamGroups {
  readonly paramGroups: ReadonlyArray<{ lr: number }>;
}

/** The state of an {@link LRScheduler}: how many times `step()` was called. */
export interface LRSchedulerState {
  iteration: number;
}

function checkLr(owner: string, lr: unknown, group: number): number {
  if (typeof lr !== 'number' || !Number.isFinite(lr) || lr < 0) {
    throw new ValueError(
      `${owner}: lr must be a finite number ≥ 0, got ${String(lr)} (param group ${group})`,
    );
  }
  return lr;
}

/**
 * Sets the learning rate of every group (one number), or of each group (one per group): the
 * one-liner of a hand-written loop, `setLearningRate(opt, schedule(iter))` (nanoGPT's
 * `for g in optimizer.param_groups: g['lr'] = lr`).
 */
export function setLearningRate(optimizer: HasParamGroups, lr: number | readonly number[]): void {
  const groups = optimizer.paramGroups;
  if (Array.isArray(lr) && lr.length !== groups.length) {
    throw new ValueError(
      `setLearningRate: got ${lr.length} learning rates for ${groups.length} param groups`,
    );
  }
  const values = groups.map((_, g) => checkLr('setLearningRate', Array.isArray(lr) ? lr[g] : lr, g));
  groups.forEach((group, g) => {
    (group as { lr: number }).lr = values[g];
  });
}

/**
 * Drives an optimizer's learning rate from a {@link Schedule}, PyTorch style: construction sets
 * the rate of iteration 0; call `step()` after each `optimizer.step()` to move to the next
 * iteration. One schedule sets every group; an array gives each group its own.
 *
 * Its whole state is the iteration number (`stateDict()` / `loadStateDict()`), since schedules
 * are pure functions: save it next to the optimizer's state dict to resume exactly.
 *
 * @example
 * const scheduler = new LRScheduler(opt, cosineWithWarmup({ lr: 6e-4, minLr: 6e-5, warmupIters: 100, decayIters: 5000 }));
 * // each iteration: opt.step(); scheduler.step();
 */
export class LRScheduler {
  private iter = 0;
  private readonly schedules: readonly Schedule[];

  constructor(
    readonly optimizer: HasParamGroups,
    schedule: Schedule | readonly Schedule[],
  ) {
    const n = optimizer.paramGroups.length;
    const list = Array.isArray(schedule)
      ? [...schedule]
      : Array.from({ length: n }, () => schedule as Schedule);
    if (list.length !== n)
      throw new ValueError(`LRScheduler: got ${list.length} schedules for ${n} param groups`);
    if (!list.every((s) => typeof s === 'function')) {
      throw new ValueError('LRScheduler: a schedule must be a function (iteration) => lr');
    }
    this.schedules = list;
    this.apply();
  }

  /** The number of `step()` calls so far: the iteration whose learning rate is set now. */
  get iteration(): number {
    return this.iter;
  }

  /** Advances one iteration and sets the groups' learning rates for it. */
  step(): void {
    this.iter++;
    this.apply();
  }

  /** The learning rate each group has now (PyTorch's `get_last_lr()`). */
  getLastLr(): number[] {
    return this.optimizer.paramGroups.map((g) => g.lr);
  }

  /** `{ iteration }`: all a resumed run needs. */
  stateDict(): LRSchedulerState {
    return { iteration: this.iter };
  }

  /** Restores the iteration and sets the learning rates for it. */
  loadStateDict(state: LRSchedulerState): void {
    this.iter = checkInteger('LRScheduler.loadStateDict', 'iteration', state?.iteration, 0);
    this.apply();
  }

  private apply(): void {
    setLearningRate(
      this.optimizer,
      this.schedules.map((s) => s(this.iter)),
    );
  }
}
