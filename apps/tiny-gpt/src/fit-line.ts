// One neuron with no activation: ŷ = w·x + b, fitted to (x, y) pairs by gradient descent.
// The gradients are written by hand here; @dendrite/autograd computes them for real models.
import { add, Generator, mean, mul, randn, sub, tidy } from '@dendrite/tensor';

export interface FitOptions {
  /** How many (x, y) examples to make. */
  samples?: number;
  /** Gradient-descent steps. */
  steps?: number;
  /** Learning rate: how far each step moves the weight and the bias. */
  learningRate?: number;
  /** Standard deviation of the noise added to y. */
  noise?: number;
  /** Seed for the data, so every run is the same. */
  seed?: number;
  /** Called every `logEvery` steps (and after the last) with the loss. */
  onStep?: (step: number, loss: number) => void;
  logEvery?: number;
}

export interface FitResult {
  weight: number;
  bias: number;
  loss: number;
}

/** Makes y = 3x − 2 + noise and fits ŷ = w·x + b to it, minimising the mean squared error. */
export function fitLine(options: FitOptions = {}): FitResult {
  const { samples = 256, steps = 80, learningRate = 0.05, noise = 0.1, seed = 42, logEvery = 10 } = options;
  const generator = new Generator(seed);
  const [x, y] = tidy(() => {
    const x = randn([samples], { generator });
    return [x, add(sub(mul(x, 3), 2), randn([samples], { generator, std: noise }))]; // y = 3x − 2 + ε
  });

  let weight = 0;
  let bias = 0;
  let loss = Number.NaN;
  for (let step = 1; step <= steps; step++) {
    const grads = tidy(() => {
      const prediction = add(mul(x, weight), bias); // ŷ = w·x + b
      const error = sub(prediction, y); // ŷ − y
      const l = mean(mul(error, error)); // L = mean((ŷ − y)²)
      const dw = mul(mean(mul(error, x)), 2); // ∂L/∂w = 2·mean((ŷ − y)·x)
      const db = mul(mean(error), 2); // ∂L/∂b = 2·mean(ŷ − y)
      return [l.itemSync(), dw.itemSync(), db.itemSync()] as const;
    });
    loss = grads[0];
    weight -= learningRate * grads[1]; // w ← w − η·∂L/∂w
    bias -= learningRate * grads[2]; // b ← b − η·∂L/∂b
    if (options.onStep && (step % logEvery === 0 || step === 1 || step === steps)) options.onStep(step, loss);
  }
  x.dispose();
  y.dispose();
  return { weight, bias, loss };
}
