/**
 * The "why this matters" page: small training runs that go wrong the way real ones do, and the
 * numbers that show it. One `Lab` is an MLP (nn.Linear, an activation, optionally nn.LayerNorm)
 * trained on the playground's 2-D points with a real optimizer; each `step()` reports the loss, the
 * validation loss, the gradient norm of every layer, the spread of every layer's activations and
 * the fraction of hidden units that never fired on the data.
 */
import { noGrad } from '@dendrite/autograd';
import { crossEntropy, init, LayerNorm, Linear } from '@dendrite/nn';
import { Adam, AdamW, clipGradNorm, type Optimizer, SGD } from '@dendrite/optim';
import { Generator, keep, type Tensor, tensor, tidy } from '@dendrite/tensor';
import { type ActivationName, activate } from './neuron.js';
import { accuracyOf, type DatasetName, makeDataset } from './playground.js';

/** How the weights of every Linear start. */
export type WeightInit =
  /** nn.Linear's own: uniform in ±1/√fanIn. */
  | 'default'
  /** Kaiming/He normal: std √2/√fanIn, which keeps ReLU activations the same size layer after layer. */
  | 'kaiming'
  /** N(0, 1): far too large for wide layers; every layer multiplies the activations' size. */
  | 'large'
  /** N(0, 0.01²): far too small; every layer shrinks them. */
  | 'small';

export interface LabOptions {
  dataset: DatasetName;
  /** Training points. */
  points: number;
  /** Validation points (another seed of the same distribution); 0 for none. */
  valPoints: number;
  noise: number;
  seed: number;
  hidden: number[];
  activation: ActivationName;
  weightInit: WeightInit;
  /** Every hidden bias starts at this value (null: nn.Linear's default). */
  biasInit: number | null;
  /** nn.LayerNorm after each hidden Linear, before the activation. */
  layerNorm: boolean;
  optimizer: 'sgd' | 'adam' | 'adamw';
  lr: number;
  /** AdamW's decoupled weight decay (only with 'adamw'). */
  weightDecay: number;
  /** clipGradNorm's max norm, or null for no clipping. */
  clip: number | null;
}

export const DEFAULT_LAB: LabOptions = {
  dataset: 'circles',
  points: 200,
  valPoints: 0,
  noise: 0.05,
  seed: 1,
  hidden: [16, 16],
  activation: 'relu',
  weightInit: 'default',
  biasInit: null,
  layerNorm: false,
  optimizer: 'adam',
  lr: 0.01,
  weightDecay: 0,
  clip: null,
};

export interface LabStep {
  step: number;
  /** Training loss (before this step's update). */
  loss: number;
  /** Validation loss of the same weights (NaN without a validation set). */
  valLoss: number;
  accuracy: number;
  valAccuracy: number;
  /** ‖∂loss/∂W‖ of each Linear's weight, first to last (before clipping). */
  gradNorms: number[];
  /** The norm of all gradients together (before clipping). */
  totalGradNorm: number;
  /** Standard deviation of each hidden layer's activations (its output after the activation). */
  actStd: number[];
  /**
   * Fraction of hidden units that are dead: their output is the same for every training point (a
   * ReLU's is 0 everywhere: it never fires, so no gradient flows through it and it cannot recover).
   */
  dead: number;
}

const isFiniteAll = (xs: readonly number[]) => xs.every(Number.isFinite);

/** One network, one dataset, one optimizer. */
export class Lab {
  readonly options: LabOptions;
  readonly linears: Linear[] = [];
  readonly norms: LayerNorm[] = [];
  readonly history: LabStep[] = [];
  private readonly optimizer: Optimizer;
  private readonly x: Tensor;
  private readonly y: Tensor;
  private readonly labels: number[];
  private readonly valX: Tensor | null;
  private readonly valY: Tensor | null;
  private readonly valLabels: number[];

  constructor(options: Partial<LabOptions> = {}) {
    const o = { ...DEFAULT_LAB, ...options };
    this.options = o;
    const train = makeDataset(o.dataset, o.points, o.seed, o.noise);
    const val = makeDataset(o.dataset, o.valPoints, o.seed + 1000, o.noise);
    const asX = (pts: [number, number][]) =>
      keep(tensor(Float32Array.from(pts.flat()), { shape: [pts.length, 2] }));
    const asY = (ls: number[]) => keep(tensor(Int32Array.from(ls), { shape: [ls.length] }));
    this.x = asX(train.points);
    this.y = asY(train.labels);
    this.labels = train.labels;
    this.valX = o.valPoints > 0 ? asX(val.points) : null;
    this.valY = o.valPoints > 0 ? asY(val.labels) : null;
    this.valLabels = val.labels;
    const generator = new Generator(o.seed);
    tidy(() => {
      let width = 2;
      for (const h of [...o.hidden, 2]) {
        const layer = new Linear(width, h, { generator });
        const hiddenLayer = this.linears.length < o.hidden.length;
        if (o.weightInit === 'kaiming') init.kaimingNormal(layer.weight, { nonlinearity: 'relu', generator });
        if (o.weightInit === 'large') init.normal(layer.weight, 0, 1, { generator });
        if (o.weightInit === 'small') init.normal(layer.weight, 0, 0.01, { generator });
        if (o.biasInit !== null && hiddenLayer && layer.bias) init.constant(layer.bias, o.biasInit);
        this.linears.push(layer);
        if (hiddenLayer && o.layerNorm) this.norms.push(new LayerNorm(h));
        width = h;
      }
      for (const p of this.parameters()) keep(p);
    });
    const params = this.parameters();
    this.optimizer =
      o.optimizer === 'sgd'
        ? new SGD(params, { lr: o.lr })
        : o.optimizer === 'adamw'
          ? new AdamW(params, { lr: o.lr, weightDecay: o.weightDecay })
          : new Adam(params, { lr: o.lr });
  }

  parameters(): Tensor[] {
    return [...this.linears, ...this.norms].flatMap((m) => m.parameters());
  }

  get stepCount(): number {
    return this.history.length;
  }

  /** logits for `x`; `inputs`/`outputs`, when given, collect each hidden activation's input and output. */
  forward(x: Tensor, inputs?: Tensor[], outputs?: Tensor[]): Tensor {
    let h = x;
    this.linears.forEach((layer, i) => {
      h = layer.forward(h);
      if (i === this.linears.length - 1) return;
      if (this.norms[i]) h = this.norms[i].forward(h);
      inputs?.push(h);
      h = activate(h, this.options.activation);
      outputs?.push(h);
    });
    return h;
  }

  private lossOn(x: Tensor, y: Tensor, labels: number[]): { loss: number; accuracy: number } {
    return noGrad(() =>
      tidy(() => {
        const logits = this.forward(x);
        return { loss: crossEntropy(logits, y).itemSync(), accuracy: accuracyOf(logits, labels) };
      }),
    );
  }

  /** Loss and accuracy of the current weights on the training and validation sets. */
  evaluate(): { loss: number; accuracy: number; valLoss: number; valAccuracy: number } {
    const train = this.lossOn(this.x, this.y, this.labels);
    const val =
      this.valX && this.valY
        ? this.lossOn(this.valX, this.valY, this.valLabels)
        : { loss: Number.NaN, accuracy: Number.NaN };
    return { ...train, valLoss: val.loss, valAccuracy: val.accuracy };
  }

  /** One step: forward (recording the activations) → loss → backward → (clip) → optimizer step. */
  step(): LabStep {
    const val =
      this.valX && this.valY
        ? this.lossOn(this.valX, this.valY, this.valLabels)
        : { loss: Number.NaN, accuracy: Number.NaN };
    const record = tidy(() => {
      const inputs: Tensor[] = [];
      const outputs: Tensor[] = [];
      const logits = this.forward(this.x, inputs, outputs);
      const loss = crossEntropy(logits, this.y);
      this.optimizer.zeroGrad();
      loss.backward();
      const gradNorms = this.linears.map((l) =>
        l.weight.grad ? l.weight.grad.square().sum().sqrt().itemSync() : 0,
      );
      const totalGradNorm = Math.sqrt(
        this.parameters().reduce((s, p) => s + (p.grad ? p.grad.square().sum().itemSync() : 0), 0),
      );
      if (this.options.clip !== null) clipGradNorm(this.parameters(), this.options.clip);
      const lossValue = loss.itemSync();
      // Only step while everything is finite: a NaN would spread to every weight (the run has
      // already failed, and the page says so).
      if (Number.isFinite(lossValue) && Number.isFinite(totalGradNorm)) this.optimizer.step();
      let units = 0;
      let dead = 0;
      for (const h of outputs) {
        // A unit is dead when its output is the same for every point: for ReLU, 0 everywhere.
        const spread = h.amax(0).sub(h.amin(0)).dataSync();
        units += spread.length;
        for (const r of spread) if (!(r > 1e-6)) dead++;
      }
      return {
        loss: lossValue,
        accuracy: accuracyOf(logits, this.labels),
        gradNorms,
        totalGradNorm,
        actStd: outputs.map((h) => h.std().itemSync()),
        dead: units ? dead / units : 0,
      };
    });
    const result: LabStep = {
      step: this.history.length + 1,
      valLoss: val.loss,
      valAccuracy: val.accuracy,
      ...record,
    };
    this.history.push(result);
    return result;
  }

  /** `n` steps, stopping early once the loss is no longer finite; returns the last. */
  train(n: number): LabStep | undefined {
    for (let i = 0; i < n; i++) {
      const s = this.step();
      if (!Number.isFinite(s.loss)) break;
    }
    return this.history[this.history.length - 1];
  }

  /** True once a step's loss or gradient norm was NaN or infinite. */
  get failed(): boolean {
    return this.history.some((s) => !Number.isFinite(s.loss) || !isFiniteAll(s.gradNorms));
  }

  dispose(): void {
    this.optimizer.dispose();
    this.optimizer.zeroGrad();
    for (const p of this.parameters()) p.dispose();
    for (const t of [this.x, this.y, this.valX, this.valY]) t?.dispose();
  }
}

/** The four lessons of the page, each a network that breaks and the one-click changes that fix it. */
export type LessonId = 'dead-relu' | 'gradients' | 'learning-rate' | 'overfitting';

export interface Scenario {
  id: string;
  label: string;
  /** True for the settings that break training, false for the fixes. */
  broken: boolean;
  options: Partial<LabOptions>;
  /**
   * Early stopping: stop once the validation loss has not improved for this many steps, and go
   * back to the weights of the best step.
   */
  patience?: number;
}

export interface Lesson {
  id: LessonId;
  /** Steps each run takes (fewer when it fails or stops early). */
  steps: number;
  /** What every scenario of the lesson shares. */
  base: Partial<LabOptions>;
  scenarios: Scenario[];
}

const DEEP = { hidden: Array.from({ length: 10 }, () => 16), optimizer: 'sgd', lr: 0.05 } as const;

export const LESSONS: Record<LessonId, Lesson> = {
  'dead-relu': {
    id: 'dead-relu',
    steps: 300,
    base: { dataset: 'circles', hidden: [16, 16], activation: 'relu', optimizer: 'adam', lr: 0.01 },
    scenarios: [
      { id: 'large-lr', label: 'Break it: learning rate 0.3', broken: true, options: { lr: 0.3 } },
      { id: 'negative-bias', label: 'Break it: biases start at −1', broken: true, options: { biasInit: -1 } },
      { id: 'small-lr', label: 'Fix: learning rate 0.01', broken: false, options: { lr: 0.01 } },
      { id: 'gelu', label: 'Fix: GELU (at 0.3)', broken: false, options: { lr: 0.3, activation: 'gelu' } },
      {
        id: 'positive-bias',
        label: 'Fix: biases start at +0.1 (at 0.3)',
        broken: false,
        options: { lr: 0.3, biasInit: 0.1 },
      },
    ],
  },
  gradients: {
    id: 'gradients',
    steps: 150,
    base: { dataset: 'circles', points: 100, ...DEEP, hidden: [...DEEP.hidden], activation: 'relu' },
    scenarios: [
      {
        id: 'large-init',
        label: 'Break it: weights N(0, 1)',
        broken: true,
        options: { weightInit: 'large' },
      },
      {
        id: 'default-init',
        label: 'Break it: nn.Linear’s default, 10 layers deep',
        broken: true,
        options: { weightInit: 'default' },
      },
      { id: 'kaiming', label: 'Fix: Kaiming init', broken: false, options: { weightInit: 'kaiming' } },
      {
        id: 'layernorm',
        label: 'Fix: LayerNorm (weights still N(0, 1))',
        broken: false,
        options: { weightInit: 'large', layerNorm: true },
      },
      {
        id: 'clip',
        label: 'Fix: clipGradNorm(1) (weights still N(0, 1))',
        broken: false,
        options: { weightInit: 'large', clip: 1 },
      },
    ],
  },
  'learning-rate': {
    id: 'learning-rate',
    steps: 300,
    base: { dataset: 'circles', hidden: [16, 16], activation: 'relu', optimizer: 'sgd' },
    scenarios: [
      { id: 'too-large', label: 'Break it: SGD at 10', broken: true, options: { lr: 10 } },
      { id: 'too-small', label: 'Too small: 0.001', broken: true, options: { lr: 0.001 } },
      { id: 'good', label: 'Fix: 0.5', broken: false, options: { lr: 0.5 } },
    ],
  },
  overfitting: {
    id: 'overfitting',
    steps: 300,
    base: {
      dataset: 'circles',
      noise: 0.1,
      points: 40,
      valPoints: 200,
      hidden: [32, 32],
      activation: 'relu',
      optimizer: 'adam',
      lr: 0.01,
    },
    scenarios: [
      { id: 'small-data', label: 'Break it: 40 points, 2 × 32 neurons', broken: true, options: {} },
      { id: 'more-data', label: 'Fix: 300 points', broken: false, options: { points: 300 } },
      {
        id: 'weight-decay',
        label: 'Fix: weight decay 1 (AdamW)',
        broken: false,
        options: { optimizer: 'adamw', weightDecay: 1 },
      },
      { id: 'smaller', label: 'Fix: a smaller model (8 neurons)', broken: false, options: { hidden: [8] } },
      { id: 'early-stop', label: 'Fix: early stopping', broken: false, options: {}, patience: 40 },
    ],
  },
};

export function scenarioOf(lesson: LessonId, id: string): Scenario {
  const s = LESSONS[lesson].scenarios.find((x) => x.id === id);
  if (!s) throw new Error(`no scenario '${id}' in lesson '${lesson}'`);
  return s;
}

/** A lab for one scenario of one lesson. */
export function labFor(lesson: LessonId, id: string): Lab {
  const { base } = LESSONS[lesson];
  const s = scenarioOf(lesson, id);
  return new Lab({
    ...base,
    ...s.options,
    hidden: [...(s.options.hidden ?? base.hidden ?? DEFAULT_LAB.hidden)],
  });
}

/**
 * Runs a scenario a few steps at a time: `advance(n)` takes up to `n` steps and says whether the run
 * is over (all its steps taken, the loss no longer finite, or early stopping triggered).
 */
export class Run {
  readonly lab: Lab;
  readonly scenario: Scenario;
  readonly steps: number;
  /** The step whose weights early stopping kept (with `patience`), else null. */
  bestStep: number | null = null;
  done = false;
  private best: { valLoss: number; step: number; weights: Tensor[] } | null = null;

  constructor(
    readonly lesson: LessonId,
    id: string,
  ) {
    this.lab = labFor(lesson, id);
    this.scenario = scenarioOf(lesson, id);
    this.steps = LESSONS[lesson].steps;
  }

  advance(n: number): boolean {
    for (let i = 0; i < n && !this.done; i++) {
      const s = this.lab.step();
      if (!Number.isFinite(s.loss) || this.lab.stepCount >= this.steps) this.done = true;
      const patience = this.scenario.patience;
      if (patience === undefined || this.done) continue;
      // Early stopping: the validation loss of the weights this step produced; keep the best.
      const { valLoss } = this.lab.evaluate();
      if (!this.best || valLoss < this.best.valLoss) {
        if (this.best) for (const w of this.best.weights) w.dispose();
        const weights = noGrad(() => this.lab.parameters().map((p) => keep(p.detach().clone())));
        this.best = { valLoss, step: this.lab.stepCount, weights };
      } else if (this.lab.stepCount - this.best.step >= patience) {
        this.done = true;
      }
    }
    if (this.done && this.best && this.bestStep === null) {
      const { weights, step } = this.best;
      noGrad(() => this.lab.parameters().forEach((p, i) => p.assign(weights[i])));
      this.bestStep = step;
    }
    return this.done;
  }

  /** Train/validation loss of the weights the run ends with (early stopping: the best step's). */
  result(): { loss: number; valLoss: number; accuracy: number; valAccuracy: number } {
    return this.lab.evaluate();
  }

  dispose(): void {
    if (this.best) for (const w of this.best.weights) w.dispose();
    this.lab.dispose();
  }
}

export type Verdict =
  | 'dead'
  | 'explodes'
  | 'vanishes'
  | 'stalls'
  | 'diverges'
  | 'crawls'
  | 'overfits'
  | 'learns'
  | 'converges'
  | 'generalises';

const HEALTHY: Verdict[] = ['learns', 'converges', 'generalises'];

export interface Diagnosis {
  verdict: Verdict;
  /** Whether the verdict is a failure. */
  broken: boolean;
  steps: number;
  /** The first step's numbers (the untrained network). */
  first: LabStep;
  /** The last step's numbers. */
  last: LabStep;
  /** Train and validation loss and accuracy of the weights the run ended with. */
  loss: number;
  valLoss: number;
  accuracy: number;
  valAccuracy: number;
  /** valLoss − loss. */
  gap: number;
}

/** What went wrong (or right) in a run, from its numbers. */
export function diagnose(run: Run): Diagnosis {
  const h = run.lab.history;
  const first = h[0];
  const last = h[h.length - 1];
  const failed = run.lab.failed;
  const end = failed
    ? { loss: last.loss, valLoss: last.valLoss, accuracy: last.accuracy, valAccuracy: last.valAccuracy }
    : run.result();
  const stalled = !(end.loss < 0.6); // ln 2 ≈ 0.693 is a coin toss between the two classes
  let verdict: Verdict;
  switch (run.lesson) {
    case 'dead-relu':
      verdict = last.dead >= 0.5 && stalled ? 'dead' : stalled ? 'stalls' : 'learns';
      break;
    case 'gradients':
      verdict = failed
        ? 'explodes'
        : first.gradNorms[0] < 1e-4 && stalled
          ? 'vanishes'
          : end.loss < 0.2
            ? 'learns'
            : 'stalls';
      break;
    case 'learning-rate':
      verdict =
        failed || !(end.loss <= first.loss)
          ? 'diverges'
          : end.loss > 0.9 * first.loss
            ? 'crawls'
            : 'converges';
      break;
    case 'overfitting':
      verdict = end.valLoss - end.loss > 0.3 ? 'overfits' : stalled ? 'stalls' : 'generalises';
      break;
  }
  return {
    verdict,
    broken: !HEALTHY.includes(verdict),
    steps: h.length,
    first,
    last,
    ...end,
    gap: end.valLoss - end.loss,
  };
}
