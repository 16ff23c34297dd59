/** The gradient-descent page: SGD from @dendrite/optim on L(w) = w², from w = 1. */
import '@dendrite/autograd'; // adds requiresGrad_(), backward() and .grad to every Tensor
import { SGD } from '@dendrite/optim';
import { tensor } from '@dendrite/tensor';

export interface DescentPoint {
  step: number;
  w: number;
  loss: number;
}

export type Verdict = 'converges' | 'crawls' | 'oscillates' | 'diverges';

/** `steps` SGD steps on w², recording w and the loss before each step and after the last. */
export function descend(lr: number, steps = 20, w0 = 1): DescentPoint[] {
  const w = tensor(w0, { dtype: 'float64' }).requiresGrad_();
  const opt = new SGD([w], { lr });
  const path: DescentPoint[] = [];
  for (let step = 0; step <= steps; step++) {
    const value = w.itemSync();
    path.push({ step, w: value, loss: value * value });
    if (step === steps || !Number.isFinite(value) || Math.abs(value) > 1e12) break;
    opt.zeroGrad();
    w.square().backward(); // dL/dw = 2w
    opt.step(); // w ← w − lr·2w
  }
  return path;
}

/** What a run did: the loss fell fast, fell slowly, bounced without settling, or grew. */
export function verdict(path: readonly DescentPoint[]): Verdict {
  const first = path[0].loss;
  const last = path[path.length - 1].loss;
  if (!Number.isFinite(last) || last > first) return 'diverges';
  const signFlips = path.slice(1).filter((p, i) => Math.sign(p.w) !== Math.sign(path[i].w)).length;
  if (signFlips > path.length / 2 && last > first * 0.1) return 'oscillates';
  return last > first * 0.5 ? 'crawls' : 'converges';
}
