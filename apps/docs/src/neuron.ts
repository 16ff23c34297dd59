/** The neuron demo: output = f(w₁x₁ + w₂x₂ + w₃x₃ + b), computed with @dendrite/tensor. */
import { matmul, type Tensor, tensor } from '@dendrite/tensor';

export const ACTIVATIONS = ['relu', 'gelu', 'sigmoid', 'tanh', 'identity'] as const;
export type ActivationName = (typeof ACTIVATIONS)[number];

/** Applies an activation by name (tensor ops; `identity` returns the input). */
export function activate(z: Tensor, name: ActivationName): Tensor {
  switch (name) {
    case 'relu':
      return z.relu();
    case 'gelu':
      return z.gelu();
    case 'sigmoid':
      return z.sigmoid();
    case 'tanh':
      return z.tanh();
    case 'identity':
      return z;
  }
}

export interface NeuronResult {
  /** wᵢ·xᵢ for each input. */
  products: number[];
  /** The weighted sum plus the bias (the pre-activation). */
  z: number;
  /** f(z). */
  output: number;
}

/** One neuron on one input vector, in float64. */
export function neuron(
  x: readonly number[],
  w: readonly number[],
  b: number,
  f: ActivationName,
): NeuronResult {
  const xs = tensor([...x], { dtype: 'float64' });
  const ws = tensor([...w], { dtype: 'float64' });
  const products = xs.mul(ws);
  const z = products.sum().add(b);
  return {
    products: Array.from(products.dataSync()),
    z: z.itemSync(),
    output: activate(z, f).itemSync(),
  };
}

/** A layer of neurons: y = x·W + b for one input row (W holds one column per neuron). */
export function layerOutput(
  x: readonly number[],
  W: readonly (readonly number[])[],
  b: readonly number[],
): number[] {
  const xs = tensor([[...x]], { dtype: 'float64' });
  const ws = tensor(
    W.map((r) => [...r]),
    { dtype: 'float64' },
  );
  return Array.from(
    matmul(xs, ws)
      .add(tensor([...b], { dtype: 'float64' }))
      .dataSync(),
  );
}

/** The same layer written as loops: yⱼ = Σᵢ xᵢ·Wᵢⱼ + bⱼ, one value per neuron (per column of W). */
export function layerByHand(
  x: readonly number[],
  W: readonly (readonly number[])[],
  b: readonly number[],
): number[] {
  return b.map((bj, j) => x.reduce((sum, xi, i) => sum + xi * W[i][j], bj));
}
