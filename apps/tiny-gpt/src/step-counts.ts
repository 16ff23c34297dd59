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

/**
 * Counts what one compiled training step of a preset launches: forward, backward, `clipGradNorm`,
 * AdamW and a read of the loss, measured over `steps` steps after two warm-up steps (the first
 * compiles; the second compiles the optimizer's kernels, whose inputs stop being constants).
 * The preset runs with dropout 0 unless `overrides` say otherwise, on the built-in corpus unless
 * `text` is given (the counts depend on neither the vocabulary nor the batch).
 * Returns null for a backend without counters (the CPU and WebAssembly backends).
 */
export async function countStep(options: {
  backend: Backend;
  preset?: string;
  batch?: number;
  steps?: number;
  /** Config overrides of the preset (default `{ dropout: 0 }`; merged over it). */
  overrides?: Partial<GPTConfig>;
  /** Training text (default: the built-in corpus). */
  text?: string;
}): Promise<StepCounts | null> {
  const counter = counts(options.backend);
  if (counter === null) return null;
  setBackend(options.backend);
  const { data, model, opt, rng } = builtInRig(
    options.preset ?? 'baby',
    { dropout: 0, ...options.overrides },
    options.text,
  );
  const B = options.batch ?? 12;
  const steps = options.steps ?? 2;
  let start = counter.stats();
  for (let s = 0; s < steps + 2; s++) {
    if (s === 2) start = counter.stats();
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
  const end = counter.stats();
  return {
    dispatches: (end.dispatches - start.dispatches) / steps,
    uploads: (end.uploads - start.uploads) / steps,
    reads: (end.reads - start.reads) / steps,
  };
}
