import { ValueError } from '@dendrite/tensor';
import { checkInteger, checkNumber } from './validate.js';

/**
 * A learning-rate schedule: a pure function from the iteration (0, 1, 2, …: the number of
 * optimizer steps taken so far) to the learning rate to use for the next step. Schedules carry
 * no state, so a resumed run only needs the iteration number; compose them with
 * {@link sequential} and {@link warmup}, apply them with `LRScheduler` or `setLearningRate`.
 */
export type Schedule = (iteration: number) => number;

/** The same learning rate at every iteration. */
export function constant(lr: number): Schedule {
  checkNumber('constant', 'lr', lr);
  return () => lr;
}

/** Options of {@link stepDecay}. */
export interface StepDecayOptions {
  /** Learning rate at iteration 0. */
  lr: number;
  /** Iterations between decays. */
  stepSize: number;
  /** Factor applied at each decay (default 0.1). */
  gamma?: number;
}

/** PyTorch's `StepLR`: `lr · γ^⌊iteration / stepSize⌋`. */
export function stepDecay({ lr, stepSize, gamma = 0.1 }: StepDecayOptions): Schedule {
  checkNumber('stepDecay', 'lr', lr);
  checkInteger('stepDecay', 'stepSize', stepSize, 1);
  checkNumber('stepDecay', 'gamma', gamma);
  return (it) => lr * gamma ** Math.floor(it / stepSize); // η · γ^⌊t/s⌋
}

/** Options of {@link linearSchedule}. */
export interface LinearScheduleOptions {
  /** Learning rate at iteration 0. */
  from: number;
  /** Learning rate from iteration `iters` on. */
  to: number;
  /** Iterations the change takes. */
  iters: number;
}

/**
 * A straight line from `from` (iteration 0) to `to` (iteration `iters`), then `to`: a linear
 * warmup or decay (PyTorch's `LinearLR`, with rates instead of factors). Named so it never
 * clashes with `linear`, the layer function of `@dendrite/nn`.
 */
export function linearSchedule({ from, to, iters }: LinearScheduleOptions): Schedule {
  checkNumber('linearSchedule', 'from', from);
  checkNumber('linearSchedule', 'to', to);
  checkInteger('linearSchedule', 'iters', iters, 1);
  return (it) => from + (to - from) * (Math.min(it, iters) / iters); // η₀ + (η₁ − η₀)·t/T
}

/** Options of {@link cosine}. */
export interface CosineOptions {
  /** Learning rate at iteration 0. */
  lr: number;
  /** Floor reached at iteration `iters` and kept after (default 0). */
  minLr?: number;
  /** Iterations of the decay. */
  iters: number;
}

/** Cosine decay from `lr` to `minLr` over `iters` iterations, then `minLr` (PyTorch's `CosineAnnealingLR`, one half period). */
export function cosine({ lr, minLr = 0, iters }: CosineOptions): Schedule {
  checkNumber('cosine', 'lr', lr);
  checkNumber('cosine', 'minLr', minLr);
  checkInteger('cosine', 'iters', iters, 1);
  return (it) => {
    if (it >= iters) return minLr;
    const coeff = 0.5 * (1 + Math.cos(Math.PI * (it / iters))); // ½(1 + cos(πt/T)): 1 → 0
    return minLr + coeff * (lr - minLr);
  };
}

/**
 * nanoGPT's linear warmup in front of any schedule: for `iteration < iters` the rate climbs
 * linearly, `then(0) · (iteration + 1) / (iters + 1)`; afterwards it is `then(iteration − iters)`
 * (the next schedule starts counting at 0, as with {@link sequential}).
 */
export function warmup(iters: number, then: Schedule): Schedule {
  checkInteger('warmup', 'iters', iters, 0);
  checkSchedule('warmup', then);
  return (it) => (it < iters ? (then(0) * (it + 1)) / (iters + 1) : then(it - iters)); // η·(t+1)/(W+1)
}

/**
 * Schedules one after another (PyTorch's `SequentialLR`): `schedules[i]` runs from
 * `milestones[i − 1]` (or 0) until `milestones[i]`, seeing iterations counted from its start.
 * `milestones` has one entry less than `schedules` and is increasing.
 */
export function sequential(schedules: readonly Schedule[], milestones: readonly number[]): Schedule {
  if (!Array.isArray(schedules) || schedules.length === 0) {
    throw new ValueError('sequential: schedules must be a non-empty array');
  }
  for (const s of schedules) checkSchedule('sequential', s);
  if (!Array.isArray(milestones) || milestones.length !== schedules.length - 1) {
    throw new ValueError(
      `sequential: milestones must have ${schedules.length - 1} entries (one less than schedules), got ${String(milestones)}`,
    );
  }
  milestones.forEach((m, i) => {
    checkInteger('sequential', `milestones[${i}]`, m, 1);
    if (i > 0 && m <= milestones[i - 1]) throw new ValueError('sequential: milestones must increase');
  });
  return (it) => {
    let i = 0;
    while (i < milestones.length && it >= milestones[i]) i++;
    return schedules[i](i === 0 ? it : it - milestones[i - 1]);
  };
}

/** Options of {@link cosineWithWarmup} (nanoGPT's `learning_rate`, `min_lr`, `warmup_iters`, `lr_decay_iters`). */
export interface CosineWithWarmupOptions {
  /** Peak learning rate, reached at the end of the warmup. */
  lr: number;
  /** Floor, reached at `decayIters` and kept after. */
  minLr: number;
  /** Iterations of linear warmup. */
  warmupIters: number;
  /** Iteration at which the cosine decay ends (≥ `warmupIters`). */
  decayIters: number;
}

/**
 * nanoGPT's `get_lr`: linear warmup for `warmupIters`, then cosine decay from `lr` to `minLr`
 * until `decayIters`, then `minLr`. Equal to
 * `warmup(warmupIters, cosine({ lr, minLr, iters: decayIters − warmupIters }))`.
 */
export function cosineWithWarmup({ lr, minLr, warmupIters, decayIters }: CosineWithWarmupOptions): Schedule {
  checkNumber('cosineWithWarmup', 'lr', lr);
  checkNumber('cosineWithWarmup', 'minLr', minLr);
  checkInteger('cosineWithWarmup', 'warmupIters', warmupIters, 0);
  checkInteger('cosineWithWarmup', 'decayIters', decayIters, 0);
  if (decayIters < warmupIters) {
    throw new ValueError(
      `cosineWithWarmup: decayIters (${decayIters}) must be ≥ warmupIters (${warmupIters})`,
    );
  }
  return (it) => {
    if (it < warmupIters) return (lr * (it + 1)) / (warmupIters + 1); // 1) linear warmup
    if (it > decayIters) return minLr; // 3) after the decay: the floor
    const span = decayIters - warmupIters;
    const ratio = span === 0 ? 1 : (it - warmupIters) / span; // 2) cosine decay: ratio 0 → 1
    const coeff = 0.5 * (1 + Math.cos(Math.PI * ratio)); // coeff 1 → 0
    return minLr + coeff * (lr - minLr);
  };
}

function checkSchedule(owner: string, s: unknown): void {
  if (typeof s !== 'function')
    throw new ValueError(`${owner}: expected a schedule function (iteration) => lr`);
}
