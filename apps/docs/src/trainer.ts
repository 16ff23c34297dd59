/**
 * The capstone: train a tiny GPT in the browser. One call to `step()` is one training iteration
 * (batch → forward → loss → backward → clip → AdamW); the capstone page runs it in a Web Worker
 * (train-session.ts), so the page's own thread only draws. Everything the trainer makes — weights,
 * AdamW state, batches — lives on the backend it was given, without touching the global current
 * backend, so other demos on the same page keep using theirs.
 */
import { noGrad } from '@dendrite/autograd'; // and: requiresGrad_(), backward() and .grad on every Tensor
import { GPT, type GPTCache, type GPTConfig } from '@dendrite/gpt';
import { AdamW, clipGradNorm, decayGroups } from '@dendrite/optim';
import { type Backend, Generator, getBackend, keep, type Tensor, tensor, tidy } from '@dendrite/tensor';
import { type CausalLM, CharTokenizer, generate } from '@dendrite/tokenizer';
import { runFolderFiles } from 'tiny-gpt/format';
import { encodeKnown } from './tokens.js';

export interface TrainerOptions {
  nLayer: number;
  nHead: number;
  nEmbd: number;
  /** Context length in characters. */
  blockSize: number;
  /** Sequences per batch. */
  batch: number;
  /** AdamW learning rate. */
  lr: number;
  seed: number;
  /**
   * The share of the text, at its end, held out for {@link TinyTrainer.evaluate} and never trained
   * on (0: none, every window is a training window; `tiny-gpt train` holds out 0.1).
   */
  valFraction?: number;
  /** Where the model, its optimizer state and its batches live (default: the current backend). */
  backend?: Backend;
}

/** Small enough that a step takes a few milliseconds on the CPU backend, big enough to learn words. */
export const DEFAULT_TRAINER_OPTIONS: TrainerOptions = {
  nLayer: 1,
  nHead: 2,
  nEmbd: 32,
  blockSize: 32,
  batch: 8,
  lr: 1e-2,
  seed: 1337,
};

export class TinyTrainer {
  readonly tokenizer: CharTokenizer;
  readonly model: GPT;
  readonly config: GPTConfig;
  readonly options: TrainerOptions;
  /** The backend every tensor of this trainer lives on. */
  readonly backend: Backend;
  /** Training loss after each step. */
  readonly losses: number[] = [];
  /** Token ids of the training part of the text, and of the held-out part (empty without one). */
  private readonly ids: Int32Array;
  private readonly valIds: Int32Array;
  private readonly optimizer: AdamW;
  private readonly batches: Generator;

  constructor(text: string, options: Partial<TrainerOptions> = {}) {
    this.options = { ...DEFAULT_TRAINER_OPTIONS, ...options };
    const o = this.options;
    this.backend = o.backend ?? getBackend();
    this.tokenizer = CharTokenizer.fromCorpus(text);
    const all = Int32Array.from(this.tokenizer.encodeOrdinary(text));
    const held = Math.floor(all.length * (o.valFraction ?? 0));
    this.ids = all.subarray(0, all.length - held);
    this.valIds = all.subarray(all.length - held);
    if (held > 0 && this.valIds.length < o.blockSize + 2)
      throw new Error(
        `valFraction ${o.valFraction} holds out ${held} tokens: fewer than a window of ${o.blockSize}`,
      );
    this.config = {
      vocabSize: this.tokenizer.vocabSize,
      blockSize: o.blockSize,
      nLayer: o.nLayer,
      nHead: o.nHead,
      nEmbd: o.nEmbd,
      dropout: 0,
      bias: true,
    };
    // In tidy: initialisation's temporaries (the random values each weight is assigned from) are
    // freed now instead of whenever the garbage collector gets to them; the weights are kept.
    this.model = tidy(() => {
      const model = new GPT(this.config, { generator: new Generator(o.seed), backend: this.backend });
      for (const t of [...model.parameters(), ...model.buffers()]) keep(t);
      return model;
    });
    // AdamW makes its state on each parameter's backend, so it follows the model.
    this.optimizer = new AdamW(decayGroups(this.model.parameters(), 0.1), { lr: o.lr, betas: [0.9, 0.99] });
    this.batches = new Generator(o.seed + 1);
  }

  /** The backend the model's tensors live on (its registry name: 'cpu', 'wasm'). */
  get backendName(): string {
    return this.model.parameters()[0]?.backend.name ?? this.backend.name;
  }

  get parameterCount(): number {
    return this.model.numParameters();
  }

  /** Whether part of the text is held out for {@link evaluate}. */
  get hasValidation(): boolean {
    return this.valIds.length > 0;
  }

  /** Random windows of the text: inputs and the same windows shifted by one character. */
  private batch(ids = this.ids, rng = this.batches): { x: Tensor; y: Tensor } {
    const { batch, blockSize: T } = this.options;
    const x = new Int32Array(batch * T);
    const y = new Int32Array(batch * T);
    for (let b = 0; b < batch; b++) {
      const start = rng.nextInt(0, ids.length - T - 1);
      x.set(ids.subarray(start, start + T), b * T);
      y.set(ids.subarray(start + 1, start + T + 1), b * T);
    }
    const on = { shape: [batch, T], backend: this.backend };
    return { x: tensor(x, on), y: tensor(y, on) };
  }

  /** One training iteration; resolves to its loss. */
  async step(): Promise<number> {
    this.model.train();
    const loss = tidy(() => {
      const { x, y } = this.batch();
      const l = this.model.forward(x, y).loss!;
      this.optimizer.zeroGrad();
      l.backward();
      clipGradNorm(this.model.parameters(), 1);
      this.optimizer.step();
      return keep(l.detach());
    });
    const value = await loss.item();
    loss.dispose();
    this.losses.push(value);
    return value;
  }

  /**
   * The mean loss over `batches` fixed batches of the held-out text (the same windows at every
   * call, so the points of a validation curve compare), without gradients or dropout.
   */
  async evaluate(batches = 4): Promise<number> {
    if (!this.hasValidation) throw new Error('evaluate: no text is held out (set valFraction)');
    this.model.eval();
    const rng = new Generator(this.options.seed + 2);
    let sum = 0;
    for (let i = 0; i < batches; i++) {
      const loss = tidy(() =>
        noGrad(() => {
          const { x, y } = this.batch(this.valIds, rng);
          return keep(this.model.forward(x, y).loss!);
        }),
      );
      sum += await loss.item();
      loss.dispose();
    }
    return sum / batches;
  }

  /**
   * Text continued from `prompt` (seeded, so the same weights give the same text); characters the
   * tokenizer does not know are dropped from the prompt. `pause`, when given, is awaited every 16
   * tokens so a page can paint while the model writes. `sampling` defaults to temperature 0.8 and
   * top-k 20.
   */
  async sample(
    prompt = 'The ',
    maxTokens = 120,
    seed = 1,
    pause?: () => Promise<void>,
    sampling: { temperature?: number; topK?: number } = {},
  ): Promise<string> {
    this.model.eval();
    const known = encodeKnown(this.tokenizer, prompt);
    const ids = known.ids.length > 0 ? known.ids : this.tokenizer.encodeOrdinary('\n');
    const { temperature = 0.8, topK = 20 } = sampling;
    let text = '';
    for await (const id of generate(this.onBackend(), ids, { maxTokens, temperature, topK, seed })) {
      text += this.tokenizer.decode([id]);
      if (pause && text.length % 16 === 0) await pause();
    }
    return known.chars.join('') + text;
  }

  /**
   * The trained model as a `tiny-gpt` run folder — `config.json`, `tokenizer.json` and
   * `model.safetensors`, by file name — written by tiny-gpt's own format code, so
   * `tiny-gpt sample --ckpt` and `tiny-gpt eval --ckpt` read it.
   */
  checkpoint(): Promise<Record<string, string | Uint8Array>> {
    return runFolderFiles(this.model, this.losses.length, { config: this.config, tokenizer: this.tokenizer });
  }

  /**
   * Frees every tensor the trainer holds — weights, gradients, AdamW state — right away (on the
   * wasm backend, their blocks of linear memory go back to the allocator). The trainer is unusable
   * after.
   */
  dispose(): void {
    this.optimizer.dispose();
    this.model.zeroGrad();
    for (const t of new Set([...this.model.parameters(), ...this.model.buffers()])) t.dispose();
  }

  /**
   * The model as `generate` drives it. Each call runs in `tidy`, so the forward pass's
   * intermediates are freed at once (the cache keeps its keys and values itself). `generate` makes
   * its token tensors on the current backend: they are copied onto the model's (a few int32 values).
   */
  private onBackend(): CausalLM<GPTCache> {
    const { model, backend } = this;
    const run = (ids: Tensor, fn: (ids: Tensor) => Tensor): Tensor =>
      tidy(() => fn(ids.backend === backend ? ids : ids.to(backend)));
    return {
      blockSize: model.blockSize,
      logits: (ids) => run(ids, (x) => model.logits(x)),
      createCache: () => model.createCache(),
      logitsWithCache: (ids, cache) => run(ids, (x) => model.logitsWithCache(x, cache)),
    };
  }
}
