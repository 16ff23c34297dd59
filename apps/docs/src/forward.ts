/** The forward-pass page: a real GPT from @dendrite/gpt, run stage by stage with the shapes shown. */
import '@dendrite/autograd'; // adds requiresGrad_(), backward() and .grad to every Tensor
import { noGrad } from '@dendrite/autograd';
import { GPT, type GPTConfig } from '@dendrite/gpt';
import type { Block, Embedding, LayerNorm, ModuleList } from '@dendrite/nn';
import { arange, Generator, type Tensor, tensor } from '@dendrite/tensor';
import { CharTokenizer } from '@dendrite/tokenizer';
import { encodeKnown } from './tokens.js';

export interface Stage {
  name: string;
  /** Shape without the batch dimension of one: `[seq_len × embed_dim]` and friends. */
  shape: number[];
  detail: string;
}

export interface ForwardTrace {
  tokens: string[];
  ids: number[];
  stages: Stage[];
  /** The first rows × columns of the residual stream after the embeddings (for a heat map). */
  stream: number[][];
  /** The most likely next characters after the last position. */
  next: { token: string; p: number }[];
  /** Largest |logits − model.forward(ids).logits|: the stages add up to the model's own forward. */
  check: number;
  /** What the input lost: characters outside the vocabulary, and how many were cut from the start to fit the context. */
  left: { unknown: string[]; cropped: number };
}

/** A tiny GPT over the characters of `alphabet`. */
export function tinyModel(
  alphabet: string,
  config: Partial<GPTConfig> = {},
  seed = 1,
): { model: GPT; tok: CharTokenizer } {
  const tok = CharTokenizer.fromCorpus(alphabet);
  const model = new GPT(
    {
      vocabSize: tok.vocabSize,
      blockSize: 32,
      nLayer: 2,
      nHead: 4,
      nEmbd: 32,
      dropout: 0,
      bias: true,
      ...config,
    },
    { generator: new Generator(seed) },
  );
  model.eval();
  return { model, tok };
}

/**
 * Runs `text` through the model's parts in order: characters outside the vocabulary are left out
 * and the last `blockSize` characters kept; `left` says what was left out.
 */
export function traceForward(model: GPT, tok: CharTokenizer, text: string): ForwardTrace {
  let { chars, ids, unknown } = encodeKnown(tok, text);
  const cropped = Math.max(0, chars.length - model.config.blockSize);
  chars = chars.slice(-model.config.blockSize);
  ids = ids.slice(-model.config.blockSize);
  if (ids.length === 0) {
    ids = [0];
    chars = [tok.decode([0])];
  }
  const T = ids.length;
  const C = model.config.nEmbd;
  return noGrad(() => {
    const input = tensor([ids], { dtype: 'int32' });
    const t = model.transformer;
    const wte = t.get('wte') as Embedding;
    const wpe = t.get('wpe') as Embedding;
    const h = t.get('h') as ModuleList<Block>;
    const lnF = t.get('ln_f') as LayerNorm;
    const stages: Stage[] = [{ name: 'token ids', shape: [T], detail: 'one integer per character' }];
    const tokEmb = wte.forward(input);
    stages.push({
      name: 'token embedding (wte)',
      shape: tokEmb.shape.slice(1),
      detail: `rows of a [${model.config.vocabSize} × ${C}] table`,
    });
    const posEmb = wpe.forward(arange(0, T, 1, { dtype: 'int32' }));
    stages.push({
      name: 'position embedding (wpe)',
      shape: [...posEmb.shape],
      detail: `rows 0…${T - 1} of a [${model.config.blockSize} × ${C}] table`,
    });
    let x: Tensor = tokEmb.add(posEmb);
    stages.push({
      name: 'sum: the residual stream',
      shape: x.shape.slice(1),
      detail: '[seq_len × embed_dim]',
    });
    const stream = (x.toArraySync() as number[][][])[0].slice(0, 12).map((row) => row.slice(0, 32));
    let i = 0;
    for (const block of h) {
      x = block.forward(x);
      stages.push({
        name: `block ${i++}`,
        shape: x.shape.slice(1),
        detail: 'x + attn(ln_1(x)), then x + mlp(ln_2(x))',
      });
    }
    x = lnF.forward(x);
    stages.push({
      name: 'final layer norm (ln_f)',
      shape: x.shape.slice(1),
      detail: 'same shape, normalised rows',
    });
    const logits = model.lm_head.forward(x);
    stages.push({
      name: 'LM head → logits',
      shape: logits.shape.slice(1),
      detail: '[seq_len × vocab_size], tied to wte',
    });
    const last = logits.select(1, T - 1).softmax(-1);
    const probs = Array.from(last.dataSync());
    const next = probs
      .map((p, id) => ({ token: tok.decode([id]), p }))
      .sort((a, b) => b.p - a.p)
      .slice(0, 5);
    const check = logits.sub(model.forward(input).logits).abs().max().itemSync();
    return { tokens: chars, ids, stages, stream, next, check, left: { unknown, cropped } };
  });
}
