import { type GeluOptions, type Tensor, ValueError } from '@dendrite/tensor';
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
