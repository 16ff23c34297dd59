/** The activation-function page: curves, softmax, and a stack of linear layers collapsing to one matrix. */
import { Generator, linspace, matmul, randn, type Tensor, tensor } from '@dendrite/tensor';
import { type ActivationName, activate } from './neuron.js';

/** `n` points of f over [lo, hi], computed by the tensor ops. */
export function curve(name: ActivationName, lo = -4, hi = 4, n = 161): { xs: number[]; ys: number[] } {
  const x = linspace(lo, hi, n, { dtype: 'float64' });
  return { xs: Array.from(x.dataSync()), ys: Array.from(activate(x, name).dataSync()) };
}

/** softmax(logits / temperature), as plain numbers. */
export function softmaxOf(logits: readonly number[], temperature = 1): number[] {
  return Array.from(
    tensor([...logits], { dtype: 'float64' })
      .div(temperature)
      .softmax(-1)
      .dataSync(),
  );
}

const rows = (t: Tensor): number[][] => t.toArraySync() as number[][];

export interface CollapseResult {
  W1: number[][];
  W2: number[][];
  /** W1·W2: the one matrix the two layers amount to. */
  W: number[][];
  x: number[][];
  /** (x·W1)·W2: layer after layer. */
  stacked: number[][];
  /** x·W: the single matrix. */
  single: number[][];
  /** Largest |stacked − single|. */
  maxDiff: number;
  /** f(a) + f(c) − f(a + c) for the linear stack (zero) and with a ReLU between the layers (not zero). */
  additivity: { linear: number[]; relu: number[] };
}

/** Two random linear layers (3 → 4 → 2) on two inputs, and the single matrix they collapse to. */
export function linearCollapse(seed: number): CollapseResult {
  const gen = new Generator(seed);
  const W1 = randn([3, 4], { generator: gen, dtype: 'float64' });
  const W2 = randn([4, 2], { generator: gen, dtype: 'float64' });
  const x = randn([2, 3], { generator: gen, dtype: 'float64' });
  const stacked = matmul(matmul(x, W1), W2);
  const W = matmul(W1, W2);
  const single = matmul(x, W);
  const a = x.slice(0, 0, 1);
  const c = x.slice(0, 1, 2);
  const linear = (v: Tensor) => matmul(matmul(v, W1), W2);
  const relu = (v: Tensor) => matmul(matmul(v, W1).relu(), W2);
  const gap = (f: (v: Tensor) => Tensor) =>
    Array.from(
      f(a)
        .add(f(c))
        .sub(f(a.add(c)))
        .dataSync(),
    );
  return {
    W1: rows(W1),
    W2: rows(W2),
    W: rows(W),
    x: rows(x),
    stacked: rows(stacked),
    single: rows(single),
    maxDiff: stacked.sub(single).abs().max().itemSync(),
    additivity: { linear: gap(linear), relu: gap(relu) },
  };
}
