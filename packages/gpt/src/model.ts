import { noGrad } from '@dendrite/autograd';
import {
  Block,
  crossEntropy,
  Dropout,
  Embedding,
  init,
  KVCache,
  LayerNorm,
  Linear,
  Module,
  ModuleDict,
  ModuleList,
} from '@dendrite/nn';
import { arange, type Backend, type Generator, ShapeError, type Tensor } from '@dendrite/tensor';
import type { CausalLM } from '@dendrite/tokenizer';
import { type GPTConfig, validateConfig } from './config.js';
import { ConfigError } from './errors.js';

/** Options of the {@link GPT} constructor. */
export interface GPTOptions {
  /** Source of initial weights and dropout masks (default: the generator `manualSeed` sets). */
  generator?: Generator;
  /** Backend for the parameters (default: the current backend). */
  backend?: Backend | string;
  /**
   * The target id {@link GPT.forward}'s loss skips (default −100, PyTorch's `ignore_index`;
   * nanoGPT's training script uses −1).
   */
  ignoreIndex?: number;
}

/** What {@link GPT.forward} returns. */
export interface GPTOutput {
  /** `[batch, time, vocab]` scores for the next token at each position. */
  logits: Tensor;
  /** Mean cross-entropy against `targets`, when given. */
  loss?: Tensor;
}

/** Per-layer keys and values of the positions generated so far. */
export class GPTCache {
  readonly layers: KVCache[];
  constructor(nLayer: number) {
    this.layers = Array.from({ length: nLayer }, () => new KVCache());
  }
  get length(): number {
    return this.layers[0]?.length ?? 0;
  }
  dispose(): void {
    for (const l of this.layers) l.clear();
  }
}

/**
 * GPT: token + learned position embeddings → N pre-LayerNorm transformer blocks → final
 * LayerNorm → LM head whose weight is the token embedding (tied), giving logits over the
 * vocabulary. Parameter names match nanoGPT (`transformer.wte.weight`,
 * `transformer.h.0.attn.c_attn.weight`, `lm_head.weight`, …) so checkpoints move both ways.
 */
export class GPT extends Module implements CausalLM<GPTCache> {
  static override readonly typeName: string = 'GPT';
  readonly config: GPTConfig;
  readonly transformer: ModuleDict;
  readonly lm_head: Linear;
  /** Targets equal to this id add no loss (see {@link GPTOptions.ignoreIndex}); may be changed. */
  ignoreIndex: number;
  private get wte(): Embedding {
    return this.transformer.get('wte') as Embedding;
  }
  private get wpe(): Embedding {
    return this.transformer.get('wpe') as Embedding;
  }
  private get drop(): Dropout {
    return this.transformer.get('drop') as Dropout;
  }
  private get h(): ModuleList<Block> {
    return this.transformer.get('h') as ModuleList<Block>;
  }
  private get ln_f(): LayerNorm {
    return this.transformer.get('ln_f') as LayerNorm;
  }

  constructor(config: GPTConfig, options: GPTOptions = {}) {
    super();
    this.config = validateConfig(config);
    const { vocabSize, blockSize, nLayer, nHead, nEmbd, dropout, bias } = this.config;
    const approximate = this.config.geluApproximate ?? 'none';
    this.ignoreIndex = options.ignoreIndex ?? -100;
    if (!Number.isInteger(this.ignoreIndex)) {
      throw new ConfigError(`GPT: ignoreIndex must be an integer, got ${String(options.ignoreIndex)}`);
    }
    const layer = { generator: options.generator, backend: options.backend };
    const wte = new Embedding(vocabSize, nEmbd, layer);
    const wpe = new Embedding(blockSize, nEmbd, layer);
    const drop = new Dropout(dropout, { generator: options.generator });
    const h = new ModuleList(
      Array.from({ length: nLayer }, () => new Block(nEmbd, { nHead, dropout, bias, approximate, ...layer })),
    );
    const lnF = new LayerNorm(nEmbd, { bias, backend: options.backend });
    this.transformer = new ModuleDict({ wte, wpe, drop, h, ln_f: lnF });
    this.lm_head = new Linear(nEmbd, vocabSize, { bias: false, ...layer });
    // Weight tying: the output projection reuses the token embedding (logits = h·Eᵀ).
    (this.lm_head as { weight: Tensor }).weight = wte.weight;
    init.gpt2Init(this, { nLayer, generator: options.generator });
  }

  get blockSize(): number {
    return this.config.blockSize;
  }

  /** Parameter count; `nonEmbedding` leaves out the position embeddings (as nanoGPT reports). */
  override numParameters(options: { nonEmbedding?: boolean; trainableOnly?: boolean } = {}): number {
    const n = super.numParameters(options);
    return options.nonEmbedding ? n - this.wpe.weight.size : n;
  }

  /**
   * `ids` int32 `[batch, time]` (time ≤ blockSize) → logits `[batch, time, vocab]`, and the loss
   * when `targets` (`[batch, time]`; ids equal to {@link GPT.ignoreIndex}, −100 by default, add
   * no loss) are given.
   */
  forward(ids: Tensor, targets?: Tensor, cache?: GPTCache): GPTOutput {
    if (ids.rank !== 2) throw new ShapeError(`GPT: ids must be [batch, time], got [${ids.shape.join(',')}]`);
    const [, T] = ids.shape;
    const start = cache?.length ?? 0;
    if (start + T > this.config.blockSize) {
      throw new ShapeError(
        `GPT: ${start + T} positions exceed the block size ${this.config.blockSize}; crop the context to the last ${this.config.blockSize} tokens`,
      );
    }
    const pos = arange(start, start + T, 1, { dtype: 'int32', backend: ids.backend });
    let x = this.drop.forward(this.wte.forward(ids).add(this.wpe.forward(pos)));
    let i = 0;
    for (const block of this.h) x = block.forward(x, cache?.layers[i++]);
    x = this.ln_f.forward(x);
    const logits = this.lm_head.forward(x);
    if (!targets) return { logits };
    if (targets.rank !== 2 || targets.shape[0] !== ids.shape[0] || targets.shape[1] !== T) {
      throw new ShapeError(
        `GPT: targets must match ids [${ids.shape.join(',')}], got [${targets.shape.join(',')}]`,
      );
    }
    return { logits, loss: crossEntropy(logits, targets, { ignoreIndex: this.ignoreIndex }) };
  }

  /**
   * Logits for every position (the `CausalLM` interface that `generate` drives). Unlike
   * `forward`, it takes `ids` from any backend that reads synchronously and copies them to the
   * model's: `generate` builds its ids on the current backend, which need not be the model's.
   */
  logits(ids: Tensor): Tensor {
    return noGrad(() => this.forward(this.onModelBackend(ids)).logits);
  }

  /** `ids` on the backend of the model's weights (a copy of a few int32 values when elsewhere). */
  private onModelBackend(ids: Tensor): Tensor {
    const backend = this.wte.weight.backend;
    return ids.backend === backend ? ids : ids.to(backend);
  }

  createCache(): GPTCache {
    return new GPTCache(this.config.nLayer);
  }

  /**
   * Logits for `ids` following the cached positions; appends their keys and values to `cache`.
   * `ids` may come from another backend, as in {@link GPT.logits}.
   */
  logitsWithCache(ids: Tensor, cache: GPTCache): Tensor {
    return noGrad(() => this.forward(this.onModelBackend(ids), undefined, cache).logits);
  }

  override extraRepr(): string {
    const c = this.config;
    return `vocab=${c.vocabSize}, block=${c.blockSize}, layers=${c.nLayer}, heads=${c.nHead}, embd=${c.nEmbd}`;
  }
}
