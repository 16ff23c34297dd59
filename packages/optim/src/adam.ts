import { adamUpdate, type Tensor, ValueError } from '@dendrite/tensor';
import { type BaseOptions, Optimizer, type ParamGroup, type ParamsInput } from './optimizer.js';
import { checkBoolean, checkNumber, checkStateKeys, checkUnitInterval } from './validate.js';

/** Options of {@link Adam} and {@link AdamW} (PyTorch's names, camelCased). */
export interface AdamOptions extends BaseOptions {
  /** Learning rate η (default 1e-3). */
  lr: number;
  /** Decay rates (β₁, β₂) of the first and second moment averages (default [0.9, 0.999]). */
  betas: [number, number];
  /** ε added to the denominator for numerical stability (default 1e-8). */
  eps: number;
  /** Weight decay λ: L2 penalty in the gradient for Adam (default 0), decoupled for AdamW (default 1e-2). */
  weightDecay: number;
  /** Use the maximum of past second moments (AMSGrad, default false). */
  amsgrad: boolean;
  /** Maximize the objective instead of minimizing it (default false). */
  maximize: boolean;
}

/** Per-parameter state of Adam/AdamW: the step count t and the moment averages m, v (and max v). */
export interface AdamState {
  [key: string]: Tensor | number | undefined;
  step: number;
  expAvg: Tensor;
  expAvgSq: Tensor;
  maxExpAvgSq?: Tensor;
}

const ADAM_DEFAULTS: AdamOptions = {
  lr: 1e-3,
  betas: [0.9, 0.999],
  eps: 1e-8,
  weightDecay: 0,
  amsgrad: false,
  maximize: false,
};

/** Adam and AdamW: one update rule, two ways to apply weight decay. */
abstract class AdamBase extends Optimizer<AdamOptions, AdamState> {
  /** true: decay the weights directly (AdamW); false: add λθ to the gradient (Adam's L2). */
  protected abstract readonly decoupled: boolean;

  protected override checkOptions(o: AdamOptions, group?: number): void {
    checkNumber(this.name, 'lr', o.lr, { group });
    if (!Array.isArray(o.betas) || o.betas.length !== 2) {
      throw new ValueError(`${this.name}: betas must be a pair [β₁, β₂], got ${String(o.betas)}`);
    }
    checkUnitInterval(this.name, 'betas[0]', o.betas[0], group);
    checkUnitInterval(this.name, 'betas[1]', o.betas[1], group);
    checkNumber(this.name, 'eps', o.eps, { exclusive: true, group });
    checkNumber(this.name, 'weightDecay', o.weightDecay, { group });
    checkBoolean(this.name, 'amsgrad', o.amsgrad, group);
    checkBoolean(this.name, 'maximize', o.maximize, group);
  }

  protected override checkState(entry: Record<string, unknown>, where: string): void {
    checkStateKeys(where, entry, {
      numbers: ['step'],
      tensors: ['expAvg', 'expAvgSq'],
      optional: ['maxExpAvgSq'],
    });
  }

  /**
   * One step per parameter through the backend's `adamUpdate` kernel: its own one-pass kernel, or
   * the default composed from primitives (`adamUpdateComposite` in `@dendrite/tensor/backend`,
   * the reference every kernel is checked against):
   * m ← β₁m + (1−β₁)g;  v ← β₂v + (1−β₂)g²;  θ ← θ − η/(1−β₁ᵗ) · m / (√v/√(1−β₂ᵗ) + ε)
   */
  protected override updateGroup(group: ParamGroup<AdamOptions>): void {
    const { lr, betas, eps, weightDecay, amsgrad, maximize } = group;
    for (const p of group.params) {
      const grad = p.grad;
      if (grad === null) continue;
      let s = this.state.get(p);
      if (s === undefined) {
        s = { step: 0, expAvg: this.zerosState(p), expAvgSq: this.zerosState(p) };
        this.state.set(p, s);
      }
      if (amsgrad && s.maxExpAvgSq === undefined) s.maxExpAvgSq = this.zerosState(p);
      s.step += 1; // t ← t + 1
      const next = adamUpdate(p, grad, s.expAvg, s.expAvgSq, amsgrad ? (s.maxExpAvgSq ?? null) : null, {
        lr,
        beta1: betas[0],
        beta2: betas[1],
        eps,
        weightDecay,
        decoupled: this.decoupled,
        step: s.step,
        amsgrad,
        maximize,
      });
      p.assign(next.param);
      s.expAvg.assign(next.expAvg);
      s.expAvgSq.assign(next.expAvgSq);
      if (next.maxExpAvgSq && s.maxExpAvgSq) s.maxExpAvgSq.assign(next.maxExpAvgSq);
    }
  }
}

/**
 * Adam (Kingma & Ba), PyTorch's `torch.optim.Adam`: moving averages of the gradient (m) and of
 * its square (v), bias-corrected, give every weight its own step size. `weightDecay` adds λθ to
 * the gradient (L2), which Adam then rescales — use {@link AdamW} for decoupled decay.
 *
 * ```text
 * g ← g + λθ;  m ← β₁m + (1−β₁)g;  v ← β₂v + (1−β₂)g²
 * θ ← θ − η/(1−β₁ᵗ) · m / (√v/√(1−β₂ᵗ) + ε)
 * ```
 *
 * @example
 * const opt = new Adam(model.parameters(), { lr: 3e-4 });
 */
export class Adam extends AdamBase {
  protected readonly decoupled = false;
  constructor(params: ParamsInput<AdamOptions>, options: Partial<AdamOptions> = {}) {
    super('Adam', params, ADAM_DEFAULTS, options);
  }
}

/**
 * AdamW (Loshchilov & Hutter), PyTorch's `torch.optim.AdamW`: Adam with decoupled weight decay —
 * the weights shrink by a factor (1 − ηλ) each step, apart from the gradient statistics.
 * Default `weightDecay` 1e-2.
 *
 * ```text
 * θ ← θ·(1 − ηλ);  m ← β₁m + (1−β₁)g;  v ← β₂v + (1−β₂)g²
 * θ ← θ − η/(1−β₁ᵗ) · m / (√v/√(1−β₂ᵗ) + ε)
 * ```
 *
 * @example
 * const opt = new AdamW(decayGroups(params, 0.1), { lr: 6e-4, betas: [0.9, 0.95] });
 */
export class AdamW extends AdamBase {
  protected readonly decoupled = true;
  constructor(params: ParamsInput<AdamOptions>, options: Partial<AdamOptions> = {}) {
    super('AdamW', params, { ...ADAM_DEFAULTS, weightDecay: 1e-2 }, options);
  }
}
