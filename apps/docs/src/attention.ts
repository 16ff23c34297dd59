/**
 * The attention page, built up in steps: averaging the past with a triangular matrix, turning
 * scores into weights with a causal mask and a softmax, queries and keys from Linear layers, the
 * heads of a trained GPT, and multi-head attention with its output projection. Every weight shown
 * comes from @dendrite/tensor's causal softmax or @dendrite/nn's `attentionWeights`, the code the
 * model's forward pass runs.
 */
import '@dendrite/autograd'; // adds requiresGrad_(), backward() and .grad to every Tensor
import { noGrad } from '@dendrite/autograd';
import type { GPT } from '@dendrite/gpt';
import {
  attentionWeights,
  type Block,
  CausalSelfAttention,
  Embedding,
  type LayerNorm,
  Linear,
  type ModuleList,
  scaledDotProductAttention,
  serializeStateDict,
} from '@dendrite/nn';
import { arange, causalSoftmax, Generator, ones, randn, type Tensor, tensor, tidy } from '@dendrite/tensor';
import type { CharTokenizer } from '@dendrite/tokenizer';
import { encodeKnown } from './tokens.js';

/** A matrix as rows of numbers. */
export type Matrix = number[][];

const rows = (t: Tensor): Matrix => t.toArraySync() as Matrix;

/** The largest |a − b| over two tensors of one shape. */
function maxDiff(a: Tensor, b: Tensor): number {
  return a.sub(b).abs().max().itemSync();
}

/** Five tokens with two numbers each: small whole numbers, so every average can be checked by eye. */
export const TOY_TOKENS: { token: string; vector: [number, number] }[] = [
  { token: 'h', vector: [1, 0] },
  { token: 'e', vector: [0, 1] },
  { token: 'l', vector: [2, 2] },
  { token: 'l', vector: [2, 2] },
  { token: 'o', vector: [-1, 1] },
];

/**
 * Step 1, "average the past": wei = tril(ones(T, T)) with each row divided by its sum, and
 * out = wei·x — row t of `out` is the mean of the vectors 0…t.
 */
export function averagePast(x: Matrix): { wei: Matrix; out: Matrix } {
  return noGrad(() => {
    const T = x.length;
    const tri = ones([T, T]).tril(); // 1 on and below the diagonal
    const wei = tri.div(tri.sum(-1, true)); // each row sums to 1
    return { wei: rows(wei), out: rows(wei.matmul(tensor(x))) };
  });
}

/**
 * Step 2, from uniform to weighted averages: scores = sharpness·x·xᵀ (how alike two tokens are),
 * the causal mask sets the scores of later tokens to −∞, softmax turns each row into weights.
 * `weights` comes from `causalSoftmax`, the fused op attention runs; `masked` is the same mask
 * written out (for the table), and `check` the gap between the two routes.
 */
export function maskedWeights(
  x: Matrix,
  sharpness: number,
): { scores: Matrix; masked: Matrix; weights: Matrix; out: Matrix; check: number } {
  return noGrad(() => {
    const T = x.length;
    const v = tensor(x);
    const scores = v.matmul(v.mT).mul(sharpness);
    const future = ones([T, T]).triu(1).ne(0); // true above the diagonal
    const masked = scores.maskedFill(future, Number.NEGATIVE_INFINITY);
    const weights = causalSoftmax(scores);
    return {
      scores: rows(scores),
      masked: rows(masked),
      weights: rows(weights),
      out: rows(weights.matmul(v)),
      check: maxDiff(weights, masked.softmax(-1)),
    };
  });
}

/** What {@link queryKeyValue} computes, every matrix `[T × …]`. */
export interface QKVTrace {
  tokens: string[];
  x: Matrix;
  q: Matrix;
  k: Matrix;
  v: Matrix;
  /** Q·Kᵀ/√hs, with −∞ where the mask hides a later token. */
  scores: Matrix;
  /** `attentionWeights(q, k, { isCausal: true })` from @dendrite/nn. */
  weights: Matrix;
  /** weights·V: one mixed value vector per token. */
  out: Matrix;
  /** Largest |weights·V − scaledDotProductAttention(q, k, v)|. */
  check: number;
}

/** The letters step 3 embeds. */
export const QKV_ALPHABET = 'abcdefghijklmnopqrstuvwxyz ';

/**
 * Step 3, one head: token vectors x (an `nn.Embedding` of the letters of `word`, `nEmbd` wide),
 * three `nn.Linear` layers without bias make queries, keys and values `[T × headSize]`, and
 * @dendrite/nn's `attentionWeights` gives softmax(Q·Kᵀ/√headSize) under the causal mask.
 * Letters outside a–z and space are dropped; at most 8 are kept.
 */
export function queryKeyValue(word: string, headSize: number, seed: number, nEmbd = 8): QKVTrace {
  const tokens = [...word.toLowerCase()].filter((c) => QKV_ALPHABET.includes(c)).slice(0, 8);
  if (tokens.length === 0) tokens.push(' ');
  const g = new Generator(seed);
  const embedding = new Embedding(QKV_ALPHABET.length, nEmbd, { generator: g });
  const layer = () => new Linear(nEmbd, headSize, { bias: false, generator: g });
  const [query, key, value] = [layer(), layer(), layer()];
  return noGrad(() => {
    const ids = tensor(
      tokens.map((c) => QKV_ALPHABET.indexOf(c)),
      { dtype: 'int32' },
    );
    const x = embedding.forward(ids); // [T, nEmbd]
    const q = query.forward(x); // [T, hs]
    const k = key.forward(x);
    const v = value.forward(x);
    const T = tokens.length;
    const scores = q
      .matmul(k.mT)
      .div(Math.sqrt(headSize))
      .maskedFill(ones([T, T]).triu(1).ne(0), Number.NEGATIVE_INFINITY);
    const weights = attentionWeights(q, k, { isCausal: true });
    const out = weights.matmul(v);
    return {
      tokens,
      x: rows(x),
      q: rows(q),
      k: rows(k),
      v: rows(v),
      scores: rows(scores),
      weights: rows(weights),
      out: rows(out),
      check: maxDiff(out, scaledDotProductAttention(q, k, v, { isCausal: true })),
    };
  });
}

/** A sentence as the model sees it: the characters kept, their ids, and what was left out. */
export interface ModelInput {
  chars: string[];
  ids: number[];
  /** Characters not in the vocabulary (each once, in order of appearance). */
  dropped: string[];
  /** Known characters past the block size, cut from the end. */
  cut: number;
}

/** Keeps the characters the tokenizer knows, then the first `blockSize` of them. */
export function modelInput(tok: CharTokenizer, sentence: string, blockSize: number): ModelInput {
  const known = encodeKnown(tok, sentence);
  const dropped = [...new Set([...sentence].filter((c) => !known.chars.includes(c)))];
  return {
    chars: known.chars.slice(0, blockSize),
    ids: known.ids.slice(0, blockSize),
    dropped,
    cut: Math.max(0, known.ids.length - blockSize),
  };
}

/**
 * Every head's attention weights in a GPT for one sequence of ids: `[layer][head][T][T]`. The
 * residual stream is followed block by block as `GPT.forward` does (token + position embeddings,
 * then each block), and each block's weights are `block.attn.attentionWeights(block.ln_1(x))`.
 * `check` is the largest |logits − model.forward(ids).logits|: the walk is the model's own pass.
 */
export async function modelAttention(
  model: GPT,
  ids: readonly number[],
): Promise<{ layers: Matrix[][]; check: number }> {
  const backend = model.lm_head.weight.backend;
  const t = model.transformer;
  const wte = t.get('wte') as Embedding;
  const wpe = t.get('wpe') as Embedding;
  const h = t.get('h') as ModuleList<Block>;
  const lnF = t.get('ln_f') as LayerNorm;
  const wasTraining = model.training;
  model.eval();
  // tidy frees the pass's intermediates at once (on wasm, blocks of linear memory); maps and check are kept
  const { maps, check } = tidy(() =>
    noGrad(() => {
      const input = tensor([ids as number[]], { dtype: 'int32', backend });
      const pos = arange(0, ids.length, 1, { dtype: 'int32', backend });
      let x = wte.forward(input).add(wpe.forward(pos));
      const maps: Tensor[] = [];
      for (const block of h) {
        maps.push(block.attn.attentionWeights(block.ln_1.forward(x)).squeeze(0)); // [nh, T, T]
        x = block.forward(x);
      }
      const logits = model.lm_head.forward(lnF.forward(x));
      return { maps, check: logits.sub(model.forward(input).logits).abs().max() };
    }),
  );
  if (wasTraining) model.train();
  const layers = await Promise.all(
    maps.map(async (m) => {
      const [nh, T] = m.shape;
      const data = await m.data();
      return Array.from({ length: nh }, (_, head) =>
        Array.from({ length: T }, (_, i) =>
          Array.from(data.subarray((head * T + i) * T, (head * T + i + 1) * T)),
        ),
      );
    }),
  );
  const checkValue = await check.item();
  for (const m of maps) m.dispose();
  check.dispose();
  return { layers, check: checkValue };
}

/** One stage of multi-head attention: what it is, nanoGPT's name for it, and the shape it has. */
export interface HeadStage {
  name: string;
  code: string;
  shape: number[];
}

/**
 * Step 5, multi-head attention on a batch of one: the shapes from x through `c_attn`, the split
 * into heads `[B, nh, T, hs]`, each head's weights and values, the heads put back side by side and
 * `c_proj`, computed stage by stage with a `CausalSelfAttention`'s own layers; `check` is the
 * largest gap to `attn.forward(x)`.
 */
export function multiHead(
  nEmbd: number,
  nHead: number,
  T: number,
  seed = 3,
): { stages: HeadStage[]; check: number; params: { c_attn: number; c_proj: number } } {
  const g = new Generator(seed);
  const attn = new CausalSelfAttention(nEmbd, { nHead, generator: g });
  attn.eval();
  return noGrad(() => {
    const x = randn([1, T, nEmbd], { generator: g });
    const B = 1;
    const hs = nEmbd / nHead;
    const stages: HeadStage[] = [{ name: 'input x', code: 'x', shape: [...x.shape] }];
    const qkv = attn.c_attn.forward(x);
    stages.push({
      name: 'queries, keys and values in one product',
      code: 'self.c_attn(x)',
      shape: [...qkv.shape],
    });
    const [q, , v] = qkv.split(nEmbd, 2);
    stages.push({ name: 'split into q, k, v', code: '.split(n_embd, dim=2)', shape: [...q.shape] });
    const heads = (t: Tensor) => t.reshape(B, T, nHead, hs).transpose(1, 2);
    const vh = heads(v);
    stages.push({
      name: 'one slice of width hs per head',
      code: 'q.view(B, T, nh, hs).transpose(1, 2)',
      shape: [...vh.shape],
    });
    const att = attn.attentionWeights(x);
    stages.push({
      name: 'attention weights of every head',
      code: 'att = softmax(masked q @ k.T / √hs)',
      shape: [...att.shape],
    });
    const y = att.matmul(vh);
    stages.push({ name: 'each head mixes its values', code: 'y = att @ v', shape: [...y.shape] });
    const merged = y.transpose(1, 2).reshape(B, T, nEmbd);
    stages.push({
      name: 'heads side by side again',
      code: 'y.transpose(1, 2).contiguous().view(B, T, C)',
      shape: [...merged.shape],
    });
    const out = attn.c_proj.forward(merged);
    stages.push({ name: 'output projection mixes the heads', code: 'self.c_proj(y)', shape: [...out.shape] });
    return {
      stages,
      check: maxDiff(out, attn.forward(x)),
      params: { c_attn: attn.c_attn.numParameters(), c_proj: attn.c_proj.numParameters() },
    };
  });
}

/**
 * The model step 4 trains (with the capstone's `TinyTrainer`): two blocks of four heads, 32 wide,
 * 32 characters of context. A fixed seed, so a browser trains the same model each time (another
 * engine, rounding differently, may train another; see the page).
 */
export const LAB_OPTIONS = { nLayer: 2, nHead: 4, nEmbd: 32, blockSize: 32, batch: 8, lr: 1e-2, seed: 1337 };

/** Training steps the page runs, and how often (in steps) it redraws the heat maps meanwhile. */
export const LAB_STEPS = 300;
export const LAB_REDRAW_EVERY = 25;

/** The sentence step 4 starts with. */
export const LAB_SENTENCE = 'the model reads the text';

/**
 * The weights of `model` as a safetensors file (what the page offers for download), with the
 * config and the training step in its metadata: load it with `model.loadStateDict(toTensors(
 * decodeSafetensors(bytes)))` into `new GPT(config)`.
 */
export function weightsFile(model: GPT, step: number): Promise<Uint8Array> {
  return serializeStateDict(model.stateDict(), { config: JSON.stringify(model.config), step: String(step) });
}
