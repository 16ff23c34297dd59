import { ValueError } from '@dendrite/tensor';
import { Sequential, type TensorModule } from '../containers.js';
import { checkPositiveInt, checkProbability } from '../module.js';
import { ReLU } from './activations.js';
import { Dropout } from './dropout.js';
import { Linear } from './linear.js';
import type { LayerOptions } from './options.js';

/** Options of {@link MLP}. */
export interface MLPOptions extends LayerOptions {
  /** Makes the activation after each hidden layer (default `() => new ReLU()`). */
  activation?: () => TensorModule;
  /** Learn biases (default true). */
  bias?: boolean;
  /** Dropout probability after each layer (default 0). */
  dropout?: number;
}

/**
 * A multi-layer perceptron: Linear layers with an activation between them, laid out as
 * torchvision's `ops.MLP` (a {@link Sequential}, so its state-dict keys are `0.weight`, `3.weight`, …):
 * for each width but the last, Linear → activation → Dropout; then Linear → Dropout.
 * y = W₂·act(W₁·x + b₁) + b₂ for two widths. Dropout at p = 0 passes values through.
 *
 * @example
 * const net = new MLP(2, [16, 16, 3]); // 2 inputs → 16 → 16 → 3 outputs, ReLU between
 * const logits = net.forward(x);       // x: [batch, 2] → [batch, 3]
 */
export class MLP extends Sequential {
  static override readonly typeName: string = 'MLP';
  /** Input features, then every layer's width (the last is the output size). */
  readonly widths: readonly number[];

  /**
   * @param inFeatures size of each input row
   * @param hiddenFeatures the width of every layer, the last being the output size
   */
  constructor(inFeatures: number, hiddenFeatures: readonly number[], options: MLPOptions = {}) {
    super(...mlpLayers(inFeatures, hiddenFeatures, options));
    this.widths = [inFeatures, ...hiddenFeatures];
  }

  override extraRepr(): string {
    return this.widths.join(' → ');
  }
}

function mlpLayers(
  inFeatures: number,
  hiddenFeatures: readonly number[],
  options: MLPOptions,
): TensorModule[] {
  checkPositiveInt(inFeatures, 'inFeatures', 'MLP');
  if (!Array.isArray(hiddenFeatures) || hiddenFeatures.length === 0) {
    throw new ValueError(
      `MLP: hiddenFeatures must be a non-empty array of layer widths (the last is the output size), got ${String(hiddenFeatures)}`,
    );
  }
  hiddenFeatures.forEach((w, i) => {
    checkPositiveInt(w, `hiddenFeatures[${i}]`, 'MLP');
  });
  const { activation = () => new ReLU(), bias = true, dropout = 0, dtype, backend, generator } = options;
  if (typeof activation !== 'function') {
    throw new ValueError('MLP: activation must be a function returning a module, e.g. () => new GELU()');
  }
  checkProbability(dropout, 'dropout', 'MLP');
  const layers: TensorModule[] = [];
  let width = inFeatures;
  hiddenFeatures.forEach((next, i) => {
    layers.push(new Linear(width, next, { bias, dtype, backend, generator }));
    if (i < hiddenFeatures.length - 1) layers.push(activation());
    layers.push(new Dropout(dropout, { generator }));
    width = next;
  });
  return layers;
}
