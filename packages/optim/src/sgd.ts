import { type Tensor, ValueError } from '@dendrite/tensor';
import { type BaseOptions, Optimizer, type ParamGroup, type ParamsInput } from './optimizer.js';
import { checkBoolean, checkNumber, checkStateKeys, groupSuffix } from './validate.js';

/** Options of {@link SGD} (PyTorch's names, camelCased). */
export interface SGDOptions extends BaseOptions {
  /** Learning rate η (default 1e-3, as PyTorch 2). */
  lr: number;
  /** Momentum factor μ (default 0: plain gradient descent). */
  momentum: number;
  /** Dampening τ of the momentum's gradient term (default 0). */
  dampening: number;
  /** L2 penalty λ added to the gradient (default 0). */
  weightDecay: number;
  /** Nesterov momentum (default false; needs momentum > 0 and dampening 0). */
  nesterov: boolean;
  /** Maximize the objective instead of minimizing it (default false). */
  maximize: boolean;
}

/** Per-parameter state of SGD: the momentum buffer b (only with momentum). */
export interface SGDState {
  [key: string]: Tensor | number | undefined;
  momentumBuffer: Tensor;
}

const DEFAULTS: SGDOptions = {
  lr: 1e-3,
  momentum: 0,
  dampening: 0,
  weightDecay: 0,
  nesterov: false,
  maximize: false,
};

/**
 * Stochastic gradient descent, with PyTorch's `torch.optim.SGD` update (momentum, dampening,
 * Nesterov, weight decay). Each step, for every parameter θ with gradient g:
 *
 * ```text
 * g ← g + λθ                               (weight decay λ)
 * b ← g on the first step, else μb + (1−τ)g (momentum μ, dampening τ)
 * g ← g + μb (Nesterov) or g ← b
 * θ ← θ − ηg
 * ```
 *
 * @example
 * const opt = new SGD([w, b], { lr: 0.01, momentum: 0.9 });
 */
export class SGD extends Optimizer<SGDOptions, SGDState> {
  constructor(params: ParamsInput<SGDOptions>, options: Partial<SGDOptions> = {}) {
    super('SGD', params, DEFAULTS, options);
  }

  protected override checkOptions(o: SGDOptions, group?: number): void {
    checkNumber('SGD', 'lr', o.lr, { group });
    checkNumber('SGD', 'momentum', o.momentum, { group });
    checkNumber('SGD', 'dampening', o.dampening, { group });
    checkNumber('SGD', 'weightDecay', o.weightDecay, { group });
    checkBoolean('SGD', 'nesterov', o.nesterov, group);
    checkBoolean('SGD', 'maximize', o.maximize, group);
    if (o.nesterov && (o.momentum <= 0 || o.dampening !== 0)) {
      throw new ValueError(
        `SGD: nesterov requires momentum > 0 and dampening 0, got momentum ${o.momentum}, dampening ${o.dampening}${groupSuffix(group)}`,
      );
    }
  }

  protected override checkState(entry: Record<string, unknown>, where: string): void {
    checkStateKeys(where, entry, { tensors: ['momentumBuffer'] });
  }

  protected override updateGroup(group: ParamGroup<SGDOptions>): void {
    const { lr, momentum, dampening, weightDecay, nesterov, maximize } = group;
    for (const p of group.params) {
      const grad = p.grad;
      if (grad === null) continue;
      let g = maximize ? grad.neg() : grad; // g ← −g when maximizing
      if (weightDecay !== 0) g = g.add(p.mul(weightDecay)); // g ← g + λθ
      if (momentum !== 0) {
        const s = this.state.get(p);
        let buf: Tensor;
        if (s === undefined) {
          buf = this.keepState(g.clone()); // b ← g (first step)
          this.state.set(p, { momentumBuffer: buf });
        } else {
          buf = s.momentumBuffer;
          buf.assign(buf.mul(momentum).add(g.mul(1 - dampening))); // b ← μb + (1−τ)g
        }
        g = nesterov ? g.add(buf.mul(momentum)) : buf; // g ← g + μb (Nesterov), else g ← b
      }
      p.assign(p.sub(g.mul(lr))); // θ ← θ − ηg
    }
  }
}
