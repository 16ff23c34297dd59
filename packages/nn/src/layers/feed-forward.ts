import type { Tensor } from '@dendrite/tensor';
import { checkPositiveInt, Module } from '../module.js';
import { Dropout } from './dropout.js';
import { Linear } from './linear.js';
import type { LayerOptions } from './options.js';

/** Options of {@link FeedForward}. */
export interface FeedForwardOptions extends LayerOptions {
  /** Hidden width (default 4 × nEmbd, as in GPT). */
  hidden?: number;
  /** Learn biases (default true). */
  bias?: boolean;
  /** Dropout after the output projection (default 0). */
  dropout?: number;
  /** GELU form (default exact; GPT-2 used 'tanh'). */
  approximate?: 'none' | 'tanh';
}

/**
 * The transformer feed-forward block (nanoGPT's `MLP`): expand, GELU, project back, applied to
 * each position on its own. y = dropout(W₂·gelu(W₁·x + b₁) + b₂), with nanoGPT's names `c_fc`
 * and `c_proj`. (For a general stack of Linear layers and activations, see `MLP`.)
 */
export class FeedForward extends Module {
  static override readonly typeName: string = 'FeedForward';
  readonly c_fc: Linear;
  readonly c_proj: Linear;
  readonly dropout: Dropout;
  readonly approximate: 'none' | 'tanh';

  constructor(nEmbd: number, options: FeedForwardOptions = {}) {
    super();
    checkPositiveInt(nEmbd, 'nEmbd', 'FeedForward');
    const hidden = options.hidden ?? 4 * nEmbd;
    checkPositiveInt(hidden, 'hidden', 'FeedForward');
    this.c_fc = new Linear(nEmbd, hidden, options);
    this.c_proj = new Linear(hidden, nEmbd, options);
    this.dropout = new Dropout(options.dropout ?? 0, { generator: options.generator });
    this.approximate = options.approximate ?? 'none';
  }

  forward(x: Tensor): Tensor {
    const h = this.c_fc.forward(x).gelu({ approximate: this.approximate });
    return this.dropout.forward(this.c_proj.forward(h));
  }
}
