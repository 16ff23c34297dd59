import type { Tensor } from '@dendrite/tensor';
import { Module } from '../module.js';
import { type AttentionOptions, CausalSelfAttention, type KVCache } from './attention.js';
import { FeedForward } from './feed-forward.js';
import { LayerNorm } from './layernorm.js';

export interface BlockOptions extends AttentionOptions {
  /** GELU form in the feed-forward block (default exact). */
  approximate?: 'none' | 'tanh';
}

/**
 * A pre-LayerNorm transformer block (GPT-2's layout, nanoGPT's names):
 * x = x + attn(ln_1(x));  x = x + mlp(ln_2(x)).
 */
export class Block extends Module {
  static override readonly typeName: string = 'Block';
  readonly ln_1: LayerNorm;
  readonly attn: CausalSelfAttention;
  readonly ln_2: LayerNorm;
  /** The feed-forward block (named `mlp`, as nanoGPT's state-dict keys have it). */
  readonly mlp: FeedForward;

  constructor(nEmbd: number, options: BlockOptions) {
    super();
    const norm = { dtype: options.dtype, backend: options.backend, bias: options.bias };
    this.ln_1 = new LayerNorm(nEmbd, norm);
    this.attn = new CausalSelfAttention(nEmbd, options);
    this.ln_2 = new LayerNorm(nEmbd, norm);
    this.mlp = new FeedForward(nEmbd, options);
  }

  forward(x: Tensor, cache?: KVCache): Tensor {
    const h = x.add(this.attn.forward(this.ln_1.forward(x), cache));
    return h.add(this.mlp.forward(this.ln_2.forward(h)));
  }
}
