import type { GPTConfig } from '@dendrite/gpt';
import { clipGradNorm } from '@dendrite/optim';
import { type Backend, setBackend, type Tensor, tidy } from '@dendrite/tensor';
import { builtInRig } from './training-rig.js';

/** What one training step costs a backend that counts its work (gpu.js's `stats()`). */
export interface StepCounts {
  /** Kernel launches per step (uploads and fills included). */
  dispatches: number;
  /** Host arrays moved to the device per step. */
  uploads: number;
  /** Device arrays read back to the host per step (the loss, when the loop reads it). */
  reads: number;
}

interface CountingBackend {
  stats(): { dispatches: number; uploads: number; reads: number };
}

function counts(backend: Backend): CountingBackend | null {
  const stats = (backend as Partial<CountingBackend>).stats;
  return typeof stats === 'function' ? (backend as unknown as CountingBackend) : null;
}

/** What {@link measureStep} reports: host time per step, and the counts where the backend keeps them. */
export interface StepMeasure {
  /** Wall-clock milliseconds per step (the loss read included), after the warm-up steps. */
  msPerStep: number;
  /** Launches, uploads and reads per step; null for a backend without counters. */
  counts: StepCounts | null;
}

/** Options of {@link countStep} and {@link measureStep}. */
export interface StepOptions {
  backend: Backend;
  /** A preset name of `@dendrite/gpt` (default 'baby'). */
  preset?: string;
  /** Sequences per batch (default 12). */
  batch?: number;
  /** Steps measured after the two warm-up steps (default 2). */
  steps?: number;
  /** Config overrides of the preset (default `{ dropout: 0 }`; merged over it). */
  overrides?: Partial<GPTConfig>;
  /** Training text (default: the built-in corpus). */
  text?: string;
}

/**
 * Trains a preset on `backend` for two warm-up steps (the first compiles; the second compiles the
 * optimizer's kernels, whose inputs stop being constants), then measures `steps` steps — forward,
 * backward, `clipGradNorm`, AdamW and a read of the loss: milliseconds per step, and what the
 * backend counted where it counts. A report, never a test of speed.
 */
export async function measureStep(options: StepOptions): Promise<StepMeasure> {
  const counter = counts(options.backend);
  setBackend(options.backend);
  const { data, model, opt, rng } = builtInRig(
    options.preset ?? 'baby',
    { dropout: 0, ...options.overrides },
    options.text,
  );
  const B = options.batch ?? 12;
  const steps = options.steps ?? 2;
  let start = counter?.stats();
  let t0 = 0;
  for (let s = 0; s < steps + 2; s++) {
    if (s === 2) {
      start = counter?.stats();
      t0 = performance.now();
    }
    const loss: Tensor = tidy(() => {
      const { x, y } = data.batch('train', B, rng);
      const l = model.forward(x, y).loss as Tensor;
      l.backward();
      clipGradNorm(model.parameters(), 1);
      opt.step();
      opt.zeroGrad();
      return l.detach();
    });
    await loss.item();
    loss.dispose();
  }
  const msPerStep = (performance.now() - t0) / steps;
  opt.dispose();
  for (const p of model.parameters()) p.dispose();
  if (counter === null || start === undefined) return { msPerStep, counts: null };
  const end = counter.stats();
  return {
    msPerStep,
    counts: {
      dispatches: (end.dispatches - start.dispatches) / steps,
      uploads: (end.uploads - start.uploads) / steps,
      reads: (end.reads - start.reads) / steps,
    },
  };
}

/**
 * Counts what one compiled training step of a preset launches (see {@link measureStep}).
 * The preset runs with dropout 0 unless `overrides` say otherwise, on the built-in corpus unless
 * `text` is given (the counts depend on neither the vocabulary nor the batch).
 * Returns null for a backend without counters (the CPU and WebAssembly backends).
 */
export async function countStep(options: StepOptions): Promise<StepCounts | null> {
  if (counts(options.backend) === null) return null;
  return (await measureStep(options)).counts;
}
