/**
 * The LM head's last step: logits → probabilities → a sampled token.
 *
 * For each row of logits `[batch, vocab]`, in this order:
 *   1. repetition penalty (CTRL): for each distinct previous token, `z = z > 0 ? z / r : z · r`
 *   2. frequency / presence penalties (OpenAI): `z -= count · f + (count > 0 ? p : 0)`
 *   3. temperature: `z = z / T` (T = 0, or `greedy: true`, means argmax: no randomness)
 *   4. top-k: keep the k largest logits (ties at the boundary are kept)
 *   5. top-p (nucleus): keep the most probable tokens until their probability adds up to ≥ p
 *   6. min-p: keep tokens with probability ≥ minP · (the largest probability)
 *   7. softmax over what is left: `p_i = exp(z_i − max z) / Σ_j exp(z_j − max z)`
 *   8. draw one uniform number u ∈ [0, 1) from the generator and take the first token whose
 *      cumulative probability exceeds u (tokens in id order)
 * All arithmetic is float64 on the host, so a seed reproduces the same tokens on every backend.
 */
import {
  BackendError,
  type Generator,
  getDefaultGenerator,
  ShapeError,
  softmax,
  type Tensor,
  type TypedArray,
  tensor,
  tidy,
  ValueError,
} from '@dendrite/tensor';

/** How to turn logits into a token. Every field is optional; the defaults sample from softmax(logits). */
export interface SamplingOptions {
  /** Divides the logits (default 1). 0 means greedy. Must be ≥ 0. */
  temperature?: number;
  /** Keep only the k most likely tokens (integer ≥ 1). */
  topK?: number;
  /** Nucleus sampling: keep the smallest most-likely set with total probability ≥ topP, in (0, 1]. */
  topP?: number;
  /** Drop tokens less likely than minP times the most likely one, in [0, 1]. */
  minP?: number;
  /** CTRL repetition penalty (> 0; 1 = off, > 1 discourages repeats). */
  repetitionPenalty?: number;
  /** Subtracted from a logit once per previous occurrence of the token (OpenAI style; 0 = off). */
  frequencyPenalty?: number;
  /** Subtracted from a logit once if the token occurred before (0 = off). */
  presencePenalty?: number;
  /** Always take the most likely token (ties → the lowest id). */
  greedy?: boolean;
}

const OPTION_KEYS = new Set([
  'temperature',
  'topK',
  'topP',
  'minP',
  'repetitionPenalty',
  'frequencyPenalty',
  'presencePenalty',
  'greedy',
]);

/**
 * Checks sampling options, throwing `ValueError` for a bad value (negative temperature, top-k < 1,
 * top-p outside (0, 1], …) or an unknown key (`top_p` instead of `topP`). `extraKeys` are
 * other option names the caller accepts.
 */
export function validateSamplingOptions(
  options: SamplingOptions,
  op = 'sample',
  extraKeys: ReadonlySet<string> = new Set(),
): void {
  if (options === null || typeof options !== 'object')
    throw new ValueError(`${op}: options must be an object`);
  for (const key of Object.keys(options)) {
    if (!OPTION_KEYS.has(key) && !extraKeys.has(key)) {
      throw new ValueError(`${op}: unknown option '${key}'`);
    }
  }
  const o = options;
  const num = (name: keyof SamplingOptions, ok: (v: number) => boolean, rule: string) => {
    const v = o[name];
    if (v === undefined) return;
    if (typeof v !== 'number' || Number.isNaN(v) || !ok(v)) {
      throw new ValueError(`${op}: ${name} must be ${rule}, got ${String(v)}`);
    }
  };
  num('temperature', (v) => v >= 0 && Number.isFinite(v), 'a finite number ≥ 0');
  num('topK', (v) => Number.isInteger(v) && v >= 1, 'an integer ≥ 1');
  num('topP', (v) => v > 0 && v <= 1, 'in (0, 1]');
  num('minP', (v) => v >= 0 && v <= 1, 'in [0, 1]');
  num('repetitionPenalty', (v) => v > 0 && Number.isFinite(v), 'a finite number > 0');
  num('frequencyPenalty', Number.isFinite, 'a finite number');
  num('presencePenalty', Number.isFinite, 'a finite number');
  if (o.greedy !== undefined && typeof o.greedy !== 'boolean') {
    throw new ValueError(`${op}: greedy must be a boolean, got ${String(o.greedy)}`);
  }
}

function isGreedy(o: SamplingOptions): boolean {
  return o.greedy === true || o.temperature === 0;
}

/** Steps 1–2: penalties from the previous ids, in place. */
export function applyPenalties(
  logits: Float64Array,
  previous: ArrayLike<number> | undefined,
  o: SamplingOptions,
): void {
  if (previous === undefined || previous.length === 0) return;
  const r = o.repetitionPenalty ?? 1;
  const f = o.frequencyPenalty ?? 0;
  const p = o.presencePenalty ?? 0;
  if (r === 1 && f === 0 && p === 0) return;
  const counts = new Map<number, number>();
  for (let i = 0; i < previous.length; i++) {
    const id = previous[i];
    if (Number.isInteger(id) && id >= 0 && id < logits.length) counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  for (const [id, count] of counts) {
    let z = logits[id];
    if (r !== 1) z = z > 0 ? z / r : z * r;
    z -= count * f + p;
    logits[id] = z;
  }
}

/** Softmax over the finite entries of `z` (−∞ entries get probability 0). */
function softmaxHost(z: Float64Array): Float64Array {
  let max = -Infinity;
  for (let i = 0; i < z.length; i++) if (z[i] > max) max = z[i];
  const p = new Float64Array(z.length);
  if (max === -Infinity) return p;
  let sum = 0;
  for (let i = 0; i < z.length; i++) {
    const e = z[i] === -Infinity ? 0 : Math.exp(z[i] - max);
    p[i] = e;
    sum += e;
  }
  for (let i = 0; i < z.length; i++) p[i] /= sum;
  return p;
}

/** The k-th largest value of `z` (k ≥ 1, k ≤ z.length). */
function kthLargest(z: Float64Array, k: number): number {
  if (k * 8 >= z.length) return Float64Array.from(z).sort()[z.length - k];
  // A min-heap of the k largest seen so far: O(V log k).
  const heap = new Float64Array(k);
  let size = 0;
  const siftDown = (i: number) => {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < size && heap[l] < heap[m]) m = l;
      if (r < size && heap[r] < heap[m]) m = r;
      if (m === i) return;
      const t = heap[i];
      heap[i] = heap[m];
      heap[m] = t;
      i = m;
    }
  };
  for (let i = 0; i < z.length; i++) {
    const v = z[i];
    if (size < k) {
      let j = size++;
      heap[j] = v;
      while (j > 0) {
        const p = (j - 1) >> 1;
        if (heap[p] <= heap[j]) break;
        const t = heap[p];
        heap[p] = heap[j];
        heap[j] = t;
        j = p;
      }
    } else if (v > heap[0]) {
      heap[0] = v;
      siftDown(0);
    }
  }
  return heap[0];
}

/**
 * Steps 1–6 on one row: returns the processed logits (float64), with filtered-out tokens at −∞.
 * In greedy mode only the penalties apply and every other token is −∞ except the argmax.
 */
export function processLogits(
  row: ArrayLike<number>,
  options: SamplingOptions = {},
  previous?: ArrayLike<number>,
): Float64Array {
  const z = Float64Array.from(row as ArrayLike<number>);
  applyPenalties(z, previous, options);
  if (isGreedy(options)) {
    const best = argmaxOf(z);
    z.fill(-Infinity);
    if (best >= 0) z[best] = 0;
    return z;
  }
  const t = options.temperature ?? 1;
  if (t !== 1) for (let i = 0; i < z.length; i++) z[i] /= t;
  const k = options.topK;
  if (k !== undefined && k < z.length) {
    const threshold = kthLargest(z, k);
    for (let i = 0; i < z.length; i++) if (z[i] < threshold) z[i] = -Infinity;
  }
  const topP = options.topP ?? 1;
  if (topP < 1) {
    const p = softmaxHost(z);
    const order: number[] = [];
    for (let i = 0; i < z.length; i++) if (p[i] > 0) order.push(i);
    order.sort((a, b) => p[b] - p[a] || a - b);
    let cum = 0;
    let keep = 0;
    while (keep < order.length) {
      cum += p[order[keep++]];
      if (cum >= topP) break;
    }
    for (let j = keep; j < order.length; j++) z[order[j]] = -Infinity;
  }
  const minP = options.minP ?? 0;
  if (minP > 0) {
    const p = softmaxHost(z);
    let pmax = 0;
    for (let i = 0; i < p.length; i++) if (p[i] > pmax) pmax = p[i];
    for (let i = 0; i < p.length; i++) if (p[i] < minP * pmax) z[i] = -Infinity;
  }
  return z;
}

function argmaxOf(z: ArrayLike<number>): number {
  let best = -1;
  let bestValue = -Infinity;
  for (let i = 0; i < z.length; i++) {
    if (z[i] > bestValue || (best < 0 && !Number.isNaN(z[i]))) {
      bestValue = z[i];
      best = i;
    }
  }
  return best;
}

/** Step 7 on one row: the probabilities the sampler draws from (float64, sums to 1). */
export function rowProbabilities(
  row: ArrayLike<number>,
  options: SamplingOptions = {},
  previous?: ArrayLike<number>,
): Float64Array {
  return softmaxHost(processLogits(row, options, previous));
}

/**
 * Samples one token id from one row of logits (host arrays; the core of {@link sample}).
 * Greedy mode draws no random number; otherwise exactly one `generator.nextFloat()` is used.
 */
export function sampleRow(
  row: ArrayLike<number>,
  options: SamplingOptions = {},
  generator: Generator = getDefaultGenerator(),
  previous?: ArrayLike<number>,
): number {
  if (row.length === 0) throw new ValueError('sample: a row of logits is empty');
  for (let i = 0; i < row.length; i++) {
    if (Number.isNaN(row[i])) throw new ValueError(`sample: logit ${i} is NaN`);
  }
  if (isGreedy(options)) {
    const z = Float64Array.from(row as ArrayLike<number>);
    applyPenalties(z, previous, options);
    return argmaxOf(z);
  }
  const p = rowProbabilities(row, options, previous);
  const u = generator.nextFloat();
  let cum = 0;
  let last = -1;
  for (let i = 0; i < p.length; i++) {
    if (p[i] === 0) continue;
    cum += p[i];
    last = i;
    if (u < cum) return i;
  }
  if (last < 0) throw new ValueError('sample: every logit is -Infinity; nothing to sample');
  return last; // rounding left cum a hair below 1
}

/** Options of {@link sample}: sampling options plus where randomness and history come from. */
export interface SampleOptions extends SamplingOptions {
  /** Source of randomness (default: the generator `manualSeed` sets in @dendrite/tensor). */
  generator?: Generator;
  /** Previous token ids of each row, for the penalties. */
  previousIds?: readonly ArrayLike<number>[];
}

const SAMPLE_KEYS = new Set(['generator', 'previousIds']);

function rowsOf(logits: Tensor, op: string): [number, number] {
  if (logits.rank === 1) return [1, logits.shape[0]];
  if (logits.rank !== 2) {
    throw new ShapeError(
      `${op}: logits must be [batch, vocab] (or [vocab]), got shape [${logits.shape.join(', ')}]`,
    );
  }
  return [logits.shape[0], logits.shape[1]];
}

function sampleValues(values: TypedArray, batch: number, vocab: number, options: SampleOptions, op: string) {
  validateSamplingOptions(options, op, SAMPLE_KEYS);
  if (options.previousIds !== undefined && options.previousIds.length !== batch) {
    throw new ValueError(
      `${op}: previousIds has ${options.previousIds.length} rows but logits have ${batch}`,
    );
  }
  const generator = options.generator ?? getDefaultGenerator();
  if (typeof generator?.nextFloat !== 'function')
    throw new ValueError(`${op}: generator must be a Generator`);
  const out: number[] = [];
  for (let b = 0; b < batch; b++) {
    out.push(
      sampleRow(values.subarray(b * vocab, (b + 1) * vocab), options, generator, options.previousIds?.[b]),
    );
  }
  return out;
}

/**
 * Samples one token per row from logits `[batch, vocab]` (a `[vocab]` tensor is one row).
 * Works on every backend (reads with `await logits.data()`).
 *
 * @example const [next] = await sample(logits, { temperature: 0.8, topK: 40, generator: new Generator(42) });
 */
export async function sample(logits: Tensor, options: SampleOptions = {}): Promise<number[]> {
  const [batch, vocab] = rowsOf(logits, 'sample');
  return sampleValues(await logits.data(), batch, vocab, options, 'sample');
}

/**
 * {@link sample}, synchronously (where the backend can read synchronously: CPU, WebAssembly). On
 * a device that reads only asynchronously (WebGPU) it throws a `BackendError` naming the backend
 * and `await sample(...)`, before drawing any random number.
 */
export function sampleSync(logits: Tensor, options: SampleOptions = {}): number[] {
  const [batch, vocab] = rowsOf(logits, 'sampleSync');
  if (!logits.backend.canReadSync) {
    throw new BackendError(
      `sampleSync: backend '${logits.backend.name}' cannot read synchronously; use 'await sample(logits, options)'`,
    );
  }
  return sampleValues(logits.dataSync(), batch, vocab, options, 'sampleSync');
}

/**
 * The probabilities sampling would draw from, as a float32 tensor of the logits' shape: steps 1–6
 * on the host, then `softmax` from @dendrite/tensor over the last axis.
 */
export async function probabilities(
  logits: Tensor,
  options: SamplingOptions = {},
  previousIds?: readonly ArrayLike<number>[],
): Promise<Tensor> {
  const [batch, vocab] = rowsOf(logits, 'probabilities');
  validateSamplingOptions(options, 'probabilities');
  if (previousIds !== undefined && previousIds.length !== batch) {
    throw new ValueError(
      `probabilities: previousIds has ${previousIds.length} rows but logits have ${batch}`,
    );
  }
  const values = await logits.data();
  const z = new Float32Array(batch * vocab);
  for (let b = 0; b < batch; b++) {
    z.set(processLogits(values.subarray(b * vocab, (b + 1) * vocab), options, previousIds?.[b]), b * vocab);
  }
  // tidy frees the filtered logits and softmax's intermediates, keeping only the result.
  return tidy(() => softmax(tensor(z, { shape: logits.shape, backend: logits.backend }), -1));
}
