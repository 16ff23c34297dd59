import {
  causalSoftmax,
  fmtShape,
  type Generator,
  ShapeError,
  type Tensor,
  ValueError,
} from '@dendrite/tensor';
import { dropout } from './dropout.js';

/** Options of {@link scaledDotProductAttention} (PyTorch's `F.scaled_dot_product_attention`). */
export interface ScaledDotProductAttentionOptions {
  /**
   * Causal attention: query i sees only keys j ≤ i + (Tk − Tq), so with Tq = Tk each position sees
   * itself and the past, and with fewer queries than keys (a KV cache: the queries are the last Tq
   * positions) the last query sees every key. Default false. PyTorch aligns a non-square causal
   * mask top-left instead; the two agree whenever Tq = Tk.
   */
  isCausal?: boolean;
  /** Multiplies the scores Q·Kᵀ before the softmax (default 1/√d, d = the queries' last dim). */
  scale?: number;
  /** Dropout probability on the attention weights (default 0). */
  dropoutP?: number;
  /** Whether dropout is active (default true: `dropoutP` applies whenever it is > 0, as in PyTorch). */
  training?: boolean;
  /** Source of the dropout masks (default: the generator `manualSeed` sets). */
  generator?: Generator;
}

/** Options of {@link attentionWeights}: the part of {@link ScaledDotProductAttentionOptions} before the values. */
export interface AttentionWeightsOptions {
  /** Causal attention: query i sees only keys j ≤ i + (Tk − Tq) (see {@link ScaledDotProductAttentionOptions.isCausal}). Default false. */
  isCausal?: boolean;
  /** Multiplies the scores Q·Kᵀ before the softmax (default 1/√d, d = the queries' last dim). */
  scale?: number;
}

/** Checks q and k (and v when given); `op` names the public function in the message. */
function check(op: string, q: Tensor, k: Tensor, v: Tensor | null, isCausal: boolean, scale: number): void {
  const shapes = `q ${fmtShape(q.shape)}, k ${fmtShape(k.shape)}${v ? `, v ${fmtShape(v.shape)}` : ''}`;
  if (q.rank < 2 || k.rank < 2 || (v && v.rank < 2)) {
    throw new ShapeError(`${op}: ${v ? 'q, k and v' : 'q and k'} must be [..., T, d], got ${shapes}`);
  }
  const d = q.shape[q.rank - 1];
  const tq = q.shape[q.rank - 2];
  const tk = k.shape[k.rank - 2];
  if (k.shape[k.rank - 1] !== d)
    throw new ShapeError(`${op}: q and k must share the last dim, got ${shapes}`);
  if (v && v.shape[v.rank - 2] !== tk) {
    throw new ShapeError(`${op}: k and v must have the same number of positions, got ${shapes}`);
  }
  if (isCausal && tk < tq) {
    throw new ShapeError(`${op}: causal attention needs at least as many keys as queries, got ${shapes}`);
  }
  if (typeof scale !== 'number' || !Number.isFinite(scale)) {
    throw new ValueError(`${op}: scale must be a finite number, got ${scale}`);
  }
}

/** att = softmax(scale·Q·Kᵀ) over the keys each query may see: the one definition both public functions use. */
function weights(q: Tensor, k: Tensor, isCausal: boolean, scale: number): Tensor {
  const scores = q.matmul(k.mT); // [..., Tq, Tk]
  return isCausal ? causalSoftmax(scores, scale) : (scale === 1 ? scores : scores.mul(scale)).softmax(-1);
}

/**
 * The attention weights of queries `q` `[..., Tq, d]` over keys `k` `[..., Tk, d]` (batch dims
 * broadcast): att = softmax(scale·Q·Kᵀ) `[..., Tq, Tk]`, causally masked when `isCausal` (the
 * scores of the keys a query may not see count as −∞, so their weights are exactly 0). Row i says
 * how much query i takes from each key; every row sums to 1. This is the same code
 * {@link scaledDotProductAttention} runs before it applies dropout and multiplies by the values, so
 * the weights a page draws are the ones the model used. Differentiable.
 *
 * @example const att = attentionWeights(q, k, { isCausal: true }); // [B, nh, T, T], rows sum to 1
 */
export function attentionWeights(q: Tensor, k: Tensor, options: AttentionWeightsOptions = {}): Tensor {
  const isCausal = options.isCausal ?? false;
  const scale = options.scale ?? 1 / Math.sqrt(q.shape[q.rank - 1]);
  check('attentionWeights', q, k, null, isCausal, scale);
  return weights(q, k, isCausal, scale);
}

/**
 * Attention of queries `q` `[..., Tq, d]` over keys `k` `[..., Tk, d]` and values `v` `[..., Tk, dv]`
 * (batch dims broadcast): att = softmax(scale·Q·Kᵀ), causally masked when `isCausal`, then
 * dropout, then y = att·V `[..., Tq, dv]`. A causal mask never exists as a tensor: the scores go
 * through one fused `causalSoftmax`. The weights alone: {@link attentionWeights}.
 *
 * @example const y = scaledDotProductAttention(q, k, v, { isCausal: true }); // GPT self-attention
 */
export function scaledDotProductAttention(
  q: Tensor,
  k: Tensor,
  v: Tensor,
  options: ScaledDotProductAttentionOptions = {},
): Tensor {
  const isCausal = options.isCausal ?? false;
  const scale = options.scale ?? 1 / Math.sqrt(q.shape[q.rank - 1]);
  check('scaledDotProductAttention', q, k, v, isCausal, scale);
  const att = weights(q, k, isCausal, scale); // what attentionWeights(q, k) returns
  return dropout(att, options.dropoutP ?? 0, options.training ?? true, options.generator).matmul(v);
}
