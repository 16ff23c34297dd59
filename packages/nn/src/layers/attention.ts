import { concat, keep, ShapeError, type Tensor, ValueError } from '@dendrite/tensor';
import { checkPositiveInt, Module } from '../module.js';
import { Dropout } from './dropout.js';
import { Linear } from './linear.js';
import type { LayerOptions } from './options.js';
import { attentionWeights, scaledDotProductAttention } from './scaled-dot-product-attention.js';

export interface AttentionOptions extends LayerOptions {
  /** Number of attention heads; must divide nEmbd. */
  nHead: number;
  /** Learn biases in the projections (default true). */
  bias?: boolean;
  /** Dropout on the attention weights and on the output (default 0). */
  dropout?: number;
}

/**
 * Keys and values of the positions seen so far, per layer, so generation feeds only the new
 * token instead of re-running the whole context.
 */
export class KVCache {
  k: Tensor | null = null;
  v: Tensor | null = null;

  /** Number of cached positions. */
  get length(): number {
    return this.k ? this.k.shape[2] : 0;
  }

  /** Stores the keys and values of all positions so far (freeing the previous ones). */
  update(k: Tensor, v: Tensor): void {
    const nextK = keep(k.contiguous());
    const nextV = keep(v.contiguous());
    if (this.k !== nextK) this.k?.dispose();
    if (this.v !== nextV) this.v?.dispose();
    this.k = nextK;
    this.v = nextV;
  }

  /** Frees the cached tensors. */
  clear(): void {
    this.k?.dispose();
    this.v?.dispose();
    this.k = null;
    this.v = null;
  }
}

/**
 * Multi-head causal self-attention. Each position asks (query) every earlier position (keys) how
 * relevant it is, and takes a weighted mix of their values:
 * att = causalSoftmax(Q·Kᵀ/√d) (each position sees itself and the past), y = att·V, heads
 * concatenated and projected.
 * Names follow nanoGPT: `c_attn` makes Q, K, V in one matmul; `c_proj` projects the output.
 */
export class CausalSelfAttention extends Module {
  static override readonly typeName: string = 'CausalSelfAttention';
  readonly c_attn: Linear;
  readonly c_proj: Linear;
  readonly attn_dropout: Dropout;
  readonly resid_dropout: Dropout;
  readonly nHead: number;
  readonly nEmbd: number;

  constructor(nEmbd: number, options: AttentionOptions) {
    super();
    checkPositiveInt(nEmbd, 'nEmbd', 'CausalSelfAttention');
    checkPositiveInt(options?.nHead, 'nHead', 'CausalSelfAttention');
    if (nEmbd % options.nHead !== 0) {
      throw new ValueError(`CausalSelfAttention: nEmbd ${nEmbd} is not divisible by nHead ${options.nHead}`);
    }
    this.nEmbd = nEmbd;
    this.nHead = options.nHead;
    this.c_attn = new Linear(nEmbd, 3 * nEmbd, options);
    this.c_proj = new Linear(nEmbd, nEmbd, options);
    const p = options.dropout ?? 0;
    this.attn_dropout = new Dropout(p, { generator: options.generator });
    this.resid_dropout = new Dropout(p, { generator: options.generator });
  }

  /**
   * `x` is `[batch, time, nEmbd]` (or `[time, nEmbd]` for one sequence). With a `cache`, `x` holds
   * only the new positions; their keys and values are appended and attention spans all of them.
   */
  forward(x: Tensor, cache?: KVCache): Tensor {
    const { single, B, T, C, q, k: kNew, v: vNew } = this.project(x);
    let k = kNew;
    let v = vNew;
    if (cache) {
      if (cache.k && cache.v) {
        k = concat([cache.k, kNew], 2);
        v = concat([cache.v, vNew], 2);
      }
      cache.update(k, v);
    }
    const y = attend(q, k, v, this.attn_dropout);
    const merged = y.transpose(1, 2).reshape(B, T, C);
    const out = this.resid_dropout.forward(this.c_proj.forward(merged));
    return single ? out.squeeze(0) : out;
  }

  /**
   * The attention weights each head computes for `x` (`[batch, time, nEmbd]`, or `[time, nEmbd]`):
   * causalSoftmax(Q·Kᵀ/√hs) as `[batch, nHead, time, time]` (`[nHead, time, time]` for one
   * sequence). Row i of a head says how much position i takes from each position j ≤ i; rows sum
   * to 1 and everything above the diagonal is 0. Same projections and the same
   * {@link attentionWeights} as {@link CausalSelfAttention.forward}, before attention dropout (which
   * is off in eval mode): weights·V, heads concatenated, then `c_proj` is the forward pass.
   */
  attentionWeights(x: Tensor): Tensor {
    const { single, q, k } = this.project(x);
    const att = attentionWeights(q, k, { isCausal: true });
    return single ? att.squeeze(0) : att;
  }

  /** Q, K, V of every head, `[B, nh, T, hs]` each: one `c_attn` matmul, split and reshaped. */
  private project(x: Tensor) {
    const single = x.rank === 2;
    const input = single ? x.unsqueeze(0) : x;
    if (input.rank !== 3 || input.shape[2] !== this.nEmbd) {
      throw new ShapeError(
        `CausalSelfAttention: input must be [batch, time, ${this.nEmbd}], got [${x.shape.join(',')}]`,
      );
    }
    const [B, T, C] = input.shape;
    const hs = C / this.nHead;
    const heads = (t: Tensor) => t.reshape(B, T, this.nHead, hs).transpose(1, 2); // [B, nh, T, hs]
    const [q, k, v] = this.c_attn.forward(input).split(C, 2).map(heads);
    return { single, B, T, C, q, k, v };
  }

  override extraRepr(): string {
    return `nEmbd=${this.nEmbd}, nHead=${this.nHead}`;
  }
}

/**
 * causalSoftmax(Q·Kᵀ/√d)·V for `[B, nh, Tq, d]` queries and `[B, nh, Tk, d]` keys/values. The new
 * queries are the last Tq of the Tk positions (Tk − Tq cached before them), so query i sees keys
 * j ≤ i + Tk − Tq; one new token (Tq = 1) sees the whole cache: a plain softmax.
 */
function attend(q: Tensor, k: Tensor, v: Tensor, dropout: Dropout): Tensor {
  return scaledDotProductAttention(q, k, v, {
    isCausal: q.shape[2] > 1,
    dropoutP: dropout.p,
    training: dropout.training,
    generator: dropout.generator,
  });
}
