import { noGrad } from '@dendrite/autograd';
import { GPT } from '@dendrite/gpt';
import { keep, tensor, tidy } from '@dendrite/tensor';
import { loadRunFiles, loadWeights } from './checkpoint.js';
import { type Batch, loadText } from './data.js';
import { UserError } from './errors.js';
import { checkFits, estimateMemory } from './memory.js';

export interface EvalOptions {
  ckpt: string;
  /** Text file or URL to score. */
  data: string;
  /** Encoding of `data`: `utf-8` (default, strict) or `latin1`. */
  encoding?: string;
  /** Windows per forward pass (default 8). */
  batch?: number;
}

export interface EvalResult {
  /** Mean cross-entropy per predicted token (nats). */
  loss: number;
  /** e^loss: how many equally likely choices the model is, on average, torn between. */
  perplexity: number;
  /** Tokens predicted. */
  tokens: number;
}

/**
 * Scores a checkpoint on a text: the mean next-token cross-entropy over consecutive,
 * non-overlapping windows of the model's block size, and its perplexity.
 */
export async function evaluateCheckpoint(options: EvalOptions): Promise<EvalResult> {
  const batch = options.batch ?? 8;
  const id = await loadRunFiles(options.ckpt);
  const { config, tokenizer } = id;
  checkFits(estimateMemory(config, batch, { training: false }), `the checkpoint's config (${options.ckpt})`);
  const { text, name } = await loadText(options.data, { encoding: options.encoding });
  const model = new GPT(config);
  const weights = await loadWeights(options.ckpt, model, id);
  model.eval();
  let ids: number[];
  try {
    ids = tokenizer.encodeOrdinary(text);
  } catch (err) {
    throw new UserError(`${name} cannot be encoded by this model's tokenizer: ${(err as Error).message}`);
  }
  const T = config.blockSize;
  if (ids.length < T + 1) {
    throw new UserError(
      `${name} has ${ids.length} tokens; evaluation needs at least the block size + 1 (${T + 1})`,
    );
  }
  const windows: number[] = [];
  for (let s = 0; s + T + 1 <= ids.length; s += T) windows.push(s);
  let total = 0;
  for (let i = 0; i < windows.length; i += batch) {
    const group = windows.slice(i, i + batch);
    const x = new Int32Array(group.length * T);
    const y = new Int32Array(group.length * T);
    group.forEach((s, b) => {
      x.set(ids.slice(s, s + T), b * T);
      y.set(ids.slice(s + 1, s + T + 1), b * T);
    });
    const loss = tidy(() =>
      keep(
        noGrad(
          () =>
            model.forward(tensor(x, { shape: [group.length, T] }), tensor(y, { shape: [group.length, T] }))
              .loss!,
        ),
      ),
    );
    total += (await loss.item()) * group.length;
    loss.dispose();
  }
  const loss = total / windows.length;
  if (!Number.isFinite(loss))
    throw new UserError(
      `the loss of ${weights.path} on ${name} is ${loss}: the weights overflow on this text`,
    );
  return { loss, perplexity: Math.exp(loss), tokens: windows.length * T };
}

/** Mean loss over fixed batches, in eval mode, without a graph (values read asynchronously: any backend). */
export async function meanLoss(model: GPT, batches: readonly Batch[]): Promise<number> {
  const wasTraining = model.training;
  model.eval();
  let sum = 0;
  try {
    for (const b of batches) {
      const loss = tidy(() => keep(noGrad(() => model.forward(b.x, b.y).loss!)));
      sum += await loss.item();
      loss.dispose();
    }
  } finally {
    model.train(wasTraining);
  }
  return sum / batches.length;
}
