import { type GeluOptions, type SoftplusOptions, softplus, type Tensor, ValueError } from '@dendrite/tensor';
import { Module } from '../module.js';

/** y = max(x, 0) */
export class ReLU extends Module {
  static override readonly typeName: string = 'ReLU';
  forward(x: Tensor): Tensor {
    return x.relu();
  }
}

/** y = x·Φ(x) (exact) or GPT-2's tanh approximation with `{ approximate: 'tanh' }`. */
export class GELU extends Module {
  static override readonly typeName: string = 'GELU';
  readonly approximate: 'none' | 'tanh';
  constructor(options: GeluOptions = {}) {
    super();
    this.approximate = options.approximate ?? 'none';
    if (this.approximate !== 'none' && this.approximate !== 'tanh') {
      throw new ValueError(
        `GELU: approximate must be 'none' or 'tanh', got ${JSON.stringify(this.approximate)}`,
      );
    }
  }
  forward(x: Tensor): Tensor {
    return x.gelu({ approximate: this.approximate });
  }
  override extraRepr(): string {
    return this.approximate === 'tanh' ? "approximate='tanh'" : '';
  }
}

/** y = 1/(1 + e⁻ˣ) */
export class Sigmoid extends Module {
  static override readonly typeName: string = 'Sigmoid';
  forward(x: Tensor): Tensor {
    return x.sigmoid();
  }
}

/** y = (1/β)·ln(1 + e^(βx)), and y = x where βx > threshold (`torch.nn.Softplus`, β 1, threshold 20). */
export class Softplus extends Module {
  static override readonly typeName: string = 'Softplus';
  readonly beta: number;
  readonly threshold: number;
  constructor(options: SoftplusOptions = {}) {
    super();
    this.beta = options.beta ?? 1;
    this.threshold = options.threshold ?? 20;
    if (typeof this.beta !== 'number' || !Number.isFinite(this.beta) || this.beta === 0) {
      throw new ValueError(`Softplus: beta must be a finite number other than 0, got ${String(this.beta)}`);
    }
    if (typeof this.threshold !== 'number' || Number.isNaN(this.threshold)) {
      throw new ValueError(`Softplus: threshold must be a number, got ${String(this.threshold)}`);
    }
  }
  forward(x: Tensor): Tensor {
    return softplus(x, { beta: this.beta, threshold: this.threshold });
  }
  override extraRepr(): string {
    return `beta=${this.beta}, threshold=${this.threshold}`;
  }
}

/** y = tanh x */
export class Tanh extends Module {
  static override readonly typeName: string = 'Tanh';
  forward(x: Tensor): Tensor {
    return x.tanh();
  }
}

/** yᵢ = e^xᵢ / Σⱼ e^xⱼ along `axis` (default last). */
export class Softmax extends Module {
  static override readonly typeName: string = 'Softmax';
  constructor(readonly axis = -1) {
    super();
  }
  forward(x: Tensor): Tensor {
    return x.softmax(this.axis);
  }
  override extraRepr(): string {
    return `axis=${this.axis}`;
  }
}

/** yᵢ = xᵢ − log Σⱼ e^xⱼ along `axis` (default last). */
export class LogSoftmax extends Module {
  static override readonly typeName: string = 'LogSoftmax';
  constructor(readonly axis = -1) {
    super();
  }
  forward(x: Tensor): Tensor {
    return x.logSoftmax(this.axis);
  }
  override extraRepr(): string {
    return `axis=${this.axis}`;
  }
}

/** y = x */
export class Identity extends Module {
  static override readonly typeName: string = 'Identity';
  forward(x: Tensor): Tensor {
    return x;
  }
}
