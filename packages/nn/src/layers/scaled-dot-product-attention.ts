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

const OP = 'scaledDotProductAttention';

function check(q: Tensor, k: Tensor, v: Tensor, isCausal: boolean, scale: number): void {
  const shapes = `q ${fmtShape(q.shape)}, k ${fmtShape(k.shape)}, v ${fmtShape(v.shape)}`;
  if (q.rank < 2 || k.rank < 2 || v.rank < 2) {
    throw new ShapeError(`${OP}: q, k and v must be [..., T, d], got ${shapes}`);
  }
  const d = q.shape[q.rank - 1];
  const tq = q.shape[q.rank - 2];
  const tk = k.shape[k.rank - 2];
  if (k.shape[k.rank - 1] !== d)
    throw new ShapeError(`${OP}: q and k must share the last dim, got ${shapes}`);
  if (v.shape[v.rank - 2] !== tk) {
    throw new ShapeError(`${OP}: k and v must have the same number of positions, got ${shapes}`);
  }
  if (isCausal && tk < tq) {
    throw new ShapeError(`${OP}: causal attention needs at least as many keys as queries, got ${shapes}`);
  }
  if (typeof scale !== 'number' || !Number.isFinite(scale)) {
    throw new ValueError(`${OP}: scale must be a finite number, got ${scale}`);
  }
}

/**
 * Attention of queries `q` `[..., Tq, d]` over keys `k` `[..., Tk, d]` and values `v` `[..., Tk, dv]`
 * (batch dims broadcast): att = softmax(scale·Q·Kᵀ), causally masked when `isCausal`, then
 * dropout, then y = att·V `[..., Tq, dv]`. A causal mask never exists as a tensor: the scores go
 * through one fused `causalSoftmax`.
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
  check(q, k, v, isCausal, scale);
  const scores = q.matmul(k.mT); // [..., Tq, Tk]
  // att = softmax(scale·Q·Kᵀ) over the keys each query may see
  const att = isCausal
    ? causalSoftmax(scores, scale)
    : (scale === 1 ? scores : scores.mul(scale)).softmax(-1);
  return dropout(att, options.dropoutP ?? 0, options.training ?? true, options.generator).matmul(v);
}
