/**
 * The capstone: train a tiny GPT in the page. One call to `step()` is one training iteration
 * (batch → forward → loss → backward → clip → AdamW); the page awaits a frame between steps so
 * it never freezes, and stops whenever asked. Everything the trainer makes — weights, AdamW state,
 * batches — lives on the backend it was given, without touching the global current backend, so
 * other demos on the same page keep using theirs.
 */
import '@dendrite/autograd'; // adds requiresGrad_(), backward() and .grad to every Tensor
import { GPT, type GPTCache, type GPTConfig } from '@dendrite/gpt';
import { AdamW, clipGradNorm, decayGroups } from '@dendrite/optim';
import { type Backend, Generator, getBackend, keep, type Tensor, tensor, tidy } from '@dendrite/tensor';
import { type CausalLM, CharTokenizer, generate } from '@dendrite/tokenizer';
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
  private readonly ids: Int32Array;
  private readonly optimizer: AdamW;
  private readonly batches: Generator;

  constructor(text: string, options: Partial<TrainerOptions> = {}) {
    this.options = { ...DEFAULT_TRAINER_OPTIONS, ...options };
    const o = this.options;
    this.backend = o.backend ?? getBackend();
    this.tokenizer = CharTokenizer.fromCorpus(text);
    this.ids = Int32Array.from(this.tokenizer.encodeOrdinary(text));
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

  /** Random windows of the text: inputs and the same windows shifted by one character. */
  private batch(): { x: Tensor; y: Tensor } {
    const { batch, blockSize: T } = this.options;
    const x = new Int32Array(batch * T);
    const y = new Int32Array(batch * T);
    for (let b = 0; b < batch; b++) {
      const start = this.batches.nextInt(0, this.ids.length - T - 1);
      x.set(this.ids.subarray(start, start + T), b * T);
      y.set(this.ids.subarray(start + 1, start + T + 1), b * T);
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
   * Text continued from `prompt` (seeded, so the same weights give the same text). `pause`, when
   * given, is awaited every 16 tokens so a page can paint while the model writes.
   */
  async sample(prompt = 'The ', maxTokens = 120, seed = 1, pause?: () => Promise<void>): Promise<string> {
    this.model.eval();
    const known = encodeKnown(this.tokenizer, prompt);
    const ids = known.ids.length > 0 ? known.ids : this.tokenizer.encodeOrdinary('\n');
    let text = '';
    for await (const id of generate(this.onBackend(), ids, { maxTokens, temperature: 0.8, topK: 20, seed })) {
      text += this.tokenizer.decode([id]);
      if (pause && text.length % 16 === 0) await pause();
    }
    return known.chars.join('') + text;
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
