/**
 * Will a training run fit in memory? An estimate made before anything is allocated, so a
 * `--batch 1e9` or a `blockSize` of a billion is one line naming the flag, not a
 * `RangeError: Invalid typed array length` from deep inside a kernel.
 */
import { totalmem } from 'node:os';
import { constrainedMemory } from 'node:process';
import { countParameters, type GPTConfig } from '@dendrite/gpt';
import { UserError } from './errors.js';

/** The longest typed array V8 allocates (Node 20: 2^32 elements). */
export const MAX_TENSOR_ELEMENTS = 2 ** 32;

/** Bytes a run needs, split by what holds them. */
export interface MemoryEstimate {
  /** Weights, gradients and the two AdamW moments (4 floats per parameter); weights only for inference. */
  parameters: number;
  /** Activations kept for the backward pass, logits and their gradients. */
  activations: number;
  /** Fixed evaluation batches. */
  batches: number;
  total: number;
  /** Elements of the largest single tensor, and what it is. */
  largest: { elements: number; what: string };
}

/**
 * Estimates the memory of one training step (or, with `training: false`, of a forward pass):
 * per token and layer about 20·C activations plus 3·H·T attention scores, 3·V for the logits;
 * 4 bytes per float. It errs high by design: refusing a run that would just fit is better than
 * a crash an hour in.
 */
export function estimateMemory(
  config: GPTConfig,
  batch: number,
  options: { training?: boolean; evalIters?: number } = {},
): MemoryEstimate {
  const training = options.training ?? true;
  const { vocabSize: V, blockSize: T, nLayer: L, nHead: H, nEmbd: C } = config;
  const P = countParameters(config);
  const tokens = batch * T;
  const perToken = L * (20 * C + 3 * H * T) + 3 * V + 2 * C;
  const parameters = 4 * P * (training ? 4 : 1);
  const activations = 4 * tokens * (training ? perToken : 4 * C + H * T + 2 * V);
  const batches = training ? 2 * (options.evalIters ?? 0) * tokens * 2 * 4 : 0;
  const candidates: [number, string][] = [
    [V * C, `the token embedding (vocabulary ${V} × width ${C})`],
    [T * C, `the position embedding (context ${T} × width ${C})`],
    [tokens * V, `the logits (batch ${batch} × context ${T} × vocabulary ${V})`],
    [batch * H * T * T, `the attention scores (batch ${batch} × heads ${H} × context ${T}²)`],
    [tokens * 4 * C, `the MLP activations (batch ${batch} × context ${T} × 4·width ${C})`],
    [4 * C * C, `an MLP weight (4·width ${C} × width ${C})`],
  ];
  const [elements, what] = candidates.reduce((a, b) => (b[0] > a[0] ? b : a));
  return {
    parameters,
    activations,
    batches,
    total: parameters + activations + batches,
    largest: { elements, what },
  };
}

/** The memory this process may use: the machine's, or a container's limit when lower. */
export function availableMemory(): number {
  const limit = constrainedMemory?.() ?? 0;
  const total = totalmem();
  return limit > 0 && limit < total ? limit : total;
}

/** `1.5 GB`-style sizes for messages. */
export function formatBytes(bytes: number): string {
  const units = ['bytes', 'KB', 'MB', 'GB', 'TB', 'PB', 'EB'];
  let v = bytes;
  let u = 0;
  while (v >= 1000 && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  return u === 0 ? `${v} bytes` : `${v.toPrecision(3)} ${units[u]}`;
}

/**
 * Throws a {@link UserError} when a run cannot fit: a single tensor longer than a typed array
 * can be, or an estimate above the available memory. `knobs` names what the user can lower.
 */
export function checkFits(estimate: MemoryEstimate, knobs: string, available = availableMemory()): void {
  const { largest } = estimate;
  if (largest.elements > MAX_TENSOR_ELEMENTS) {
    throw new UserError(
      `this run cannot be allocated: ${largest.what} would hold ${largest.elements.toExponential(2)} numbers, more than the ${MAX_TENSOR_ELEMENTS.toExponential(2)} one array can; lower ${knobs}`,
    );
  }
  if (estimate.total > available) {
    throw new UserError(
      `this run needs about ${formatBytes(estimate.total)} of memory (parameters and optimizer ${formatBytes(estimate.parameters)}, activations ${formatBytes(estimate.activations + estimate.batches)}) but ${formatBytes(available)} is available; lower ${knobs}`,
    );
  }
}
