import { IndexError, type Tensor, ValueError } from '@dendrite/tensor';
import { Module } from './module.js';

/** A module whose forward takes one tensor and returns one. */
export interface TensorModule extends Module {
  forward(x: Tensor): Tensor;
}

/** Holds submodules in a list; they register as `0`, `1`, … (`blocks.0.attn…`). */
export class ModuleList<M extends Module = Module> extends Module implements Iterable<M> {
  static override readonly typeName: string = 'ModuleList';
  private count = 0;

  constructor(modules: Iterable<M> = []) {
    super();
    for (const m of modules) this.push(m);
  }

  push(m: M): this {
    if (!(m instanceof Module)) throw new ValueError('ModuleList: can only hold Modules');
    (this as unknown as Record<string, M>)[String(this.count)] = m;
    this.count++;
    return this;
  }

  get length(): number {
    return this.count;
  }

  at(i: number): M {
    const j = i < 0 ? i + this.count : i;
    if (!Number.isInteger(j) || j < 0 || j >= this.count) {
      throw new IndexError(`ModuleList: index ${i} is out of range for ${this.count} modules`);
    }
    return (this as unknown as Record<string, M>)[String(j)];
  }

  *[Symbol.iterator](): Iterator<M> {
    for (let i = 0; i < this.count; i++) yield this.at(i);
  }

  forward(..._args: never[]): unknown {
    throw new ValueError('ModuleList has no forward(); iterate over its modules');
  }
}

/** Holds submodules by name. */
export class ModuleDict<M extends Module = Module> extends Module {
  static override readonly typeName: string = 'ModuleDict';
  constructor(modules: Record<string, M> = {}) {
    super();
    for (const [k, m] of Object.entries(modules)) this.set(k, m);
  }

  set(key: string, m: M): this {
    if (!(m instanceof Module)) throw new ValueError(`ModuleDict: '${key}' must be a Module`);
    if (key in this && !((this as unknown as Record<string, unknown>)[key] instanceof Module)) {
      throw new ValueError(`ModuleDict: '${key}' clashes with a Module property`);
    }
    (this as unknown as Record<string, M>)[key] = m;
    return this;
  }

  get(key: string): M {
    const m = (this as unknown as Record<string, unknown>)[key];
    if (!(m instanceof Module)) throw new IndexError(`ModuleDict: no module named '${key}'`);
    return m as M;
  }

  keys(): string[] {
    return [...this.namedChildren()].map(([k]) => k);
  }

  forward(): never {
    throw new ValueError('ModuleDict has no forward(); get its modules by name');
  }
}

/** Runs modules one after another: y = fₙ(…f₂(f₁(x))). */
export class Sequential extends ModuleList<TensorModule> {
  static override readonly typeName: string = 'Sequential';
  constructor(...modules: TensorModule[]) {
    super(modules);
  }

  override forward(x: Tensor): Tensor {
    let y = x;
    for (const m of this) y = m.forward(y);
    return y;
  }
}
