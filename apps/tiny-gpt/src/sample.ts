import { GPT } from '@dendrite/gpt';
import { generate } from '@dendrite/tokenizer';
import { loadRunFiles, loadWeights } from './checkpoint.js';
import { UserError } from './errors.js';
import { checkFits, estimateMemory } from './memory.js';

export interface SampleOptions {
  /** Run folder with config.json, tokenizer.json and model.safetensors. */
  ckpt: string;
  /** Text to continue (default: a newline). */
  prompt?: string;
  /** Tokens to generate (default 300). */
  tokens?: number;
  temperature?: number;
  topK?: number;
  topP?: number;
  seed?: number;
}

/** Streams text continued from `prompt` by the model in `ckpt`, a chunk per whole character decoded. */
export async function* sampleText(options: SampleOptions): AsyncGenerator<string, void, undefined> {
  const id = await loadRunFiles(options.ckpt);
  const { config, tokenizer } = id;
  checkFits(estimateMemory(config, 1, { training: false }), `the checkpoint's config (${options.ckpt})`);
  const model = new GPT(config);
  await loadWeights(options.ckpt, model, id);
  model.eval();
  yield* continueText(model, tokenizer, options);
}

/** Streams a continuation of `prompt` from a model in memory. */
export async function* continueText(
  model: GPT,
  tokenizer: import('@dendrite/tokenizer').Tokenizer,
  options: Omit<SampleOptions, 'ckpt'>,
): AsyncGenerator<string, void, undefined> {
  const prompt = options.prompt ?? '\n';
  let ids: number[];
  try {
    ids = tokenizer.encodeOrdinary(prompt.length > 0 ? prompt : '\n');
  } catch (err) {
    throw new UserError(`--prompt cannot be encoded by this model's tokenizer: ${(err as Error).message}`);
  }
  const tokens = options.tokens ?? 300;
  if (!Number.isInteger(tokens) || tokens < 0)
    throw new UserError(`--tokens must be an integer ≥ 0, got ${tokens}`);
  const decoder = tokenizer.createDecoder();
  let stream: AsyncGenerator<number, unknown, undefined>;
  try {
    stream = generate(model, ids, {
      maxTokens: tokens,
      temperature: options.temperature ?? 0.8,
      topK: options.topK,
      topP: options.topP,
      seed: options.seed ?? 1337,
    });
    for await (const id of stream) {
      const text = decoder.push(id);
      if (text) yield text;
    }
  } catch (err) {
    if ((err as Error).name === 'ValueError') throw new UserError((err as Error).message);
    throw err;
  }
  const rest = decoder.flush();
  if (rest) yield rest;
}
