/** The AdamW page: its first step, and SGD vs AdamW on a loss whose two weights differ in scale. */
import '@dendrite/autograd'; // adds requiresGrad_(), backward() and .grad to every Tensor
import { AdamW, type Optimizer, SGD } from '@dendrite/optim';
import { type Tensor, tensor } from '@dendrite/tensor';

export interface FirstStep {
  /** m after the step: β₁·0 + (1 − β₁)·g. */
  m: number;
  /** v after the step: β₂·0 + (1 − β₂)·g². */
  v: number;
  /** m / (1 − β₁): bias-corrected. */
  mHat: number;
  /** v / (1 − β₂): bias-corrected. */
  vHat: number;
  /** How far the weight moved. */
  moved: number;
}

/** One AdamW step (no decay) on a weight of 0.5 whose gradient is `g`, read back from the optimizer's state. */
export function adamFirstStep(g: number, lr = 0.001, betas: [number, number] = [0.9, 0.999]): FirstStep {
  const w = tensor(0.5, { dtype: 'float64' }).requiresGrad_();
  const opt = new AdamW([w], { lr, betas, weightDecay: 0 });
  w.grad = tensor(g, { dtype: 'float64' });
  opt.step();
  const state = opt.stateOf(w)!;
  const m = (state.expAvg as Tensor).itemSync();
  const v = (state.expAvgSq as Tensor).itemSync();
  return { m, v, mHat: m / (1 - betas[0]), vHat: v / (1 - betas[1]), moved: 0.5 - w.itemSync() };
}

export interface Trajectory {
  /** |a| and |b| after each step (index 0: the start). */
  a: number[];
  b: number[];
  loss: number[];
}

/** The loss L = 50·a² + 0.005·b²: a's gradients are 10,000 times b's. */
export const lossOf = (a: number, b: number) => 50 * a * a + 0.005 * b * b;

/** `steps` steps of an optimizer on L from a = b = 1. */
export function trajectory(kind: 'sgd' | 'adamw', lr: number, steps = 60): Trajectory {
  const a = tensor(1, { dtype: 'float64' }).requiresGrad_();
  const b = tensor(1, { dtype: 'float64' }).requiresGrad_();
  const opt: Optimizer = kind === 'sgd' ? new SGD([a, b], { lr }) : new AdamW([a, b], { lr, weightDecay: 0 });
  const out: Trajectory = { a: [], b: [], loss: [] };
  const record = () => {
    const [av, bv] = [a.itemSync(), b.itemSync()];
    out.a.push(Math.abs(av));
    out.b.push(Math.abs(bv));
    out.loss.push(lossOf(av, bv));
  };
  record();
  for (let i = 0; i < steps; i++) {
    opt.zeroGrad();
    a.square().mul(50).add(b.square().mul(0.005)).backward();
    opt.step();
    record();
    if (!Number.isFinite(out.loss[out.loss.length - 1]) || out.loss[out.loss.length - 1] > 1e12) break;
  }
  return out;
}
