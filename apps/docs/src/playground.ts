/**
 * The decision-boundary playground of the layers page: 2-D points of two classes, an MLP built from
 * @dendrite/nn layers, cross-entropy from @dendrite/nn, Adam from @dendrite/optim, gradients from
 * @dendrite/autograd. One `step()` is one full-batch training iteration; `grid()` is the model's
 * probability of class 1 over the plane, which the page draws as a heat map under the points.
 */
import { noGrad } from '@dendrite/autograd';
import {
  crossEntropy,
  GELU,
  Identity,
  Linear,
  ReLU,
  Sequential,
  Sigmoid,
  Tanh,
  type TensorModule,
} from '@dendrite/nn';
import { Adam } from '@dendrite/optim';
import { Generator, keep, type Tensor, tensor, tidy } from '@dendrite/tensor';
import type { ActivationName } from './neuron.js';

export const DATASETS = ['xor', 'circles', 'spiral'] as const;
export type DatasetName = (typeof DATASETS)[number];

/** Points in [−1, 1]² with a class (0 or 1) each. */
export interface Dataset {
  /** [x, y] per point. */
  points: [number, number][];
  labels: (0 | 1)[];
}

/**
 * `n` seeded points of a two-class problem, jittered by `noise`:
 * - `xor`: uniform in the square, class 1 where x·y > 0 (kept a small margin from the axes, and the
 *   jitter is smaller than the margin, so every point stays in its quadrant);
 * - `circles`: class 1 inside radius 0.45, class 0 on a ring from 0.65 to 1;
 * - `spiral`: two interleaved spiral arms.
 */
export function makeDataset(name: DatasetName, n = 200, seed = 1, noise = 0.05): Dataset {
  const gen = new Generator(seed);
  const u = (lo: number, hi: number) => lo + (hi - lo) * gen.nextFloat();
  const points: [number, number][] = [];
  const labels: (0 | 1)[] = [];
  const margin = 0.1;
  for (let i = 0; i < n; i++) {
    const label: 0 | 1 = i % 2 === 0 ? 1 : 0;
    let x: number;
    let y: number;
    if (name === 'xor') {
      // |x|, |y| in [margin, 1]; the signs give the quadrant, and the class follows.
      const ax = u(margin, 1);
      const ay = u(margin, 1);
      const sx = gen.nextFloat() < 0.5 ? -1 : 1;
      const sy = label === 1 ? sx : -sx;
      const j = Math.min(noise, margin * 0.9);
      x = sx * Math.max(ax + u(-j, j), margin * 0.1);
      y = sy * Math.max(ay + u(-j, j), margin * 0.1);
    } else if (name === 'circles') {
      const angle = u(0, 2 * Math.PI);
      const r = label === 1 ? u(0, 0.45) : u(0.65, 1);
      x = r * Math.cos(angle) + noise * gen.nextNormal();
      y = r * Math.sin(angle) + noise * gen.nextNormal();
    } else {
      // r grows from 0 to 1 while the angle turns 1.5 times around; class 1 is rotated by π.
      const t = u(0, 1);
      const angle = 3 * Math.PI * t + (label === 1 ? Math.PI : 0);
      x = 0.95 * t * Math.cos(angle) + noise * gen.nextNormal();
      y = 0.95 * t * Math.sin(angle) + noise * gen.nextNormal();
    }
    points.push([x, y]);
    labels.push(label);
  }
  return { points, labels };
}

export interface PlaygroundOptions {
  dataset: DatasetName;
  /** Neurons in each hidden layer, first to last ([] is a single linear layer). */
  hidden: number[];
  activation: ActivationName;
  /** Adam's learning rate. */
  lr: number;
  seed: number;
  /** Points in the dataset. */
  points: number;
  noise: number;
}

export const DEFAULT_PLAYGROUND: PlaygroundOptions = {
  dataset: 'xor',
  hidden: [8],
  activation: 'tanh',
  lr: 0.03,
  seed: 1,
  points: 200,
  noise: 0.05,
};

function activationModule(name: ActivationName): TensorModule {
  switch (name) {
    case 'relu':
      return new ReLU();
    case 'gelu':
      return new GELU();
    case 'sigmoid':
      return new Sigmoid();
    case 'tanh':
      return new Tanh();
    case 'identity':
      return new Identity();
  }
}

/** 2 inputs → the hidden layers (each a Linear and the activation) → 2 logits, one per class. */
export function buildMlp(hidden: readonly number[], activation: ActivationName, seed: number): Sequential {
  const generator = new Generator(seed);
  const layers: TensorModule[] = [];
  let width = 2;
  for (const h of hidden) {
    layers.push(new Linear(width, h, { generator }), activationModule(activation));
    width = h;
  }
  layers.push(new Linear(width, 2, { generator }));
  return new Sequential(...layers);
}

/** The fraction of points whose most likely class (from two logits per row) is their label. */
export function accuracyOf(logits: Tensor, labels: readonly number[]): number {
  const predicted = logits.argmax(-1).dataSync();
  let right = 0;
  for (let i = 0; i < labels.length; i++) if (predicted[i] === labels[i]) right++;
  return labels.length ? right / labels.length : 0;
}

export interface StepResult {
  step: number;
  loss: number;
  accuracy: number;
}

/** One model training on one dataset. */
export class Playground {
  readonly options: PlaygroundOptions;
  readonly data: Dataset;
  readonly model: Sequential;
  /** Steps taken so far. */
  stepCount = 0;
  /** Loss and accuracy after the last step (before any step: of the untrained model). */
  loss: number;
  accuracy: number;
  private readonly x: Tensor;
  private readonly y: Tensor;
  private readonly optimizer: Adam;

  constructor(options: Partial<PlaygroundOptions> = {}) {
    this.options = { ...DEFAULT_PLAYGROUND, ...options };
    const o = this.options;
    this.data = makeDataset(o.dataset, o.points, o.seed, o.noise);
    this.x = keep(
      tensor(Float32Array.from(this.data.points.flat()), { shape: [this.data.points.length, 2] }),
    );
    this.y = keep(tensor(Int32Array.from(this.data.labels), { shape: [this.data.labels.length] }));
    this.model = tidy(() => {
      const model = buildMlp(o.hidden, o.activation, o.seed);
      for (const p of model.parameters()) keep(p);
      return model;
    });
    this.optimizer = new Adam(this.model.parameters(), { lr: o.lr });
    const { loss, accuracy } = this.evaluate();
    this.loss = loss;
    this.accuracy = accuracy;
  }

  /** Loss and accuracy of the current weights on the whole dataset (no gradients recorded). */
  evaluate(): { loss: number; accuracy: number } {
    return noGrad(() =>
      tidy(() => {
        const logits = this.model.forward(this.x);
        return {
          loss: crossEntropy(logits, this.y).itemSync(),
          accuracy: accuracyOf(logits, this.data.labels),
        };
      }),
    );
  }

  /** One step: forward → cross-entropy → backward → Adam. Returns the loss and accuracy before the update. */
  step(): StepResult {
    const { loss, accuracy } = tidy(() => {
      const logits = this.model.forward(this.x);
      const l = crossEntropy(logits, this.y);
      this.optimizer.zeroGrad();
      l.backward();
      this.optimizer.step();
      return { loss: l.itemSync(), accuracy: accuracyOf(logits, this.data.labels) };
    });
    this.stepCount++;
    this.loss = loss;
    this.accuracy = accuracy;
    return { step: this.stepCount, loss, accuracy };
  }

  /** `n` steps; returns the last. */
  train(n: number): StepResult {
    let last: StepResult = { step: this.stepCount, loss: this.loss, accuracy: this.accuracy };
    for (let i = 0; i < n; i++) last = this.step();
    return last;
  }

  /**
   * The probability of class 1 at the centre of each cell of a `size` × `size` grid over
   * [−extent, extent]², row by row from the top (y = +extent) down.
   */
  grid(size = 40, extent = 1.1): Float32Array {
    const coords = new Float32Array(size * size * 2);
    for (let r = 0; r < size; r++) {
      for (let c = 0; c < size; c++) {
        const i = (r * size + c) * 2;
        coords[i] = -extent + ((c + 0.5) * 2 * extent) / size;
        coords[i + 1] = extent - ((r + 0.5) * 2 * extent) / size;
      }
    }
    return noGrad(() =>
      tidy(() => {
        const logits = this.model.forward(tensor(coords, { shape: [size * size, 2] }));
        return Float32Array.from(logits.softmax(-1).slice(1, 1, 2).dataSync());
      }),
    );
  }

  /**
   * How far the model's decision function is from a plane: the margin m = logit₁ − logit₀ is fitted
   * by m ≈ a·x + b·y + c over a grid (least squares), and the largest gap between m and the fit is
   * returned, relative to the spread of m. Zero (rounding only) means the boundary m = 0 is a straight
   * line — what any stack of linear layers gives; a network with a bend scores well above zero.
   */
  curvature(size = 21, extent = 1): number {
    const xs: number[] = [];
    const ys: number[] = [];
    for (let r = 0; r < size; r++) {
      for (let c = 0; c < size; c++) {
        xs.push(-extent + (2 * extent * c) / (size - 1));
        ys.push(-extent + (2 * extent * r) / (size - 1));
      }
    }
    const input = new Float64Array(xs.length * 2);
    xs.forEach((x, i) => {
      input[2 * i] = x;
      input[2 * i + 1] = ys[i];
    });
    const m = noGrad(() =>
      tidy(() => {
        const logits = this.model.forward(tensor(Float32Array.from(input), { shape: [xs.length, 2] }));
        const out = logits.dataSync();
        return xs.map((_, i) => out[2 * i + 1] - out[2 * i]);
      }),
    );
    // The grid is symmetric, so the least-squares plane has a = Σxm/Σx², b = Σym/Σy², c = mean(m).
    const mean = m.reduce((s, v) => s + v, 0) / m.length;
    const sxx = xs.reduce((s, v) => s + v * v, 0);
    const a = xs.reduce((s, v, i) => s + v * m[i], 0) / sxx;
    const b = ys.reduce((s, v, i) => s + v * m[i], 0) / sxx;
    let worst = 0;
    let spread = 0;
    for (let i = 0; i < m.length; i++) {
      worst = Math.max(worst, Math.abs(m[i] - (a * xs[i] + b * ys[i] + mean)));
      spread = Math.max(spread, Math.abs(m[i] - mean));
    }
    return spread > 0 ? worst / spread : 0;
  }

  /** Frees the weights, Adam's state and the data tensors. */
  dispose(): void {
    this.optimizer.dispose();
    this.model.zeroGrad();
    for (const p of this.model.parameters()) p.dispose();
    this.x.dispose();
    this.y.dispose();
  }
}
