import { noGrad } from '@dendrite/autograd';
import { type Backend, type DType, fmtShape, Tensor, ValueError } from '@dendrite/tensor';
import { StateDictError } from './errors.js';

const PARAMETERS = new WeakSet<Tensor>();

/**
 * Marks a tensor as a learnable parameter (weights, biases): it requires gradients, and a Module
 * holding it in a property lists it in `parameters()`. Returns the same tensor.
 */
export function parameter(t: Tensor): Tensor {
  t.requiresGrad_(true);
  PARAMETERS.add(t);
  return t;
}

/** Whether `t` was made a parameter with {@link parameter}. */
export function isParameter(t: unknown): t is Tensor {
  return t instanceof Tensor && PARAMETERS.has(t);
}

/** Options of {@link Module.loadStateDict}. */
export interface LoadStateDictOptions {
  /** Require the keys to match exactly (default true). Shapes must always match. */
  strict?: boolean;
}

/** The keys {@link Module.loadStateDict} could not match (non-strict loads). */
export interface LoadStateDictResult {
  missingKeys: string[];
  unexpectedKeys: string[];
}

/**
 * The base class of every layer and model, shaped like PyTorch's `nn.Module`.
 *
 * Submodules and parameters register by assignment: any property holding a Module or a
 * {@link parameter} tensor is part of the tree, named by its property (`blocks.0.attn.c_attn.weight`),
 * in assignment order. Non-learnable state (running statistics, masks) goes in `registerBuffer`.
 */
export abstract class Module {
  /** Training mode (dropout active); `eval()` turns it off. */
  training = true;
  private readonly bufferNames = new Map<string, boolean>();

  /** Runs the layer. Subclasses define their own argument list. */
  abstract forward(...args: never[]): unknown;

  /** Registers a non-parameter tensor saved in the state dict (unless `persistent` is false). */
  registerBuffer(name: string, value: Tensor, persistent = true): void {
    (this as unknown as Record<string, unknown>)[name] = value;
    this.bufferNames.set(name, persistent);
  }

  /** Direct submodules with their property names. */
  *namedChildren(): Generator<[string, Module]> {
    for (const [key, value] of Object.entries(this)) {
      if (value instanceof Module) yield [key, value];
    }
  }

  *children(): Generator<Module> {
    for (const [, m] of this.namedChildren()) yield m;
  }

  /** This module and every module below it, with dotted names ('' for this one). */
  *namedModules(prefix = ''): Generator<[string, Module]> {
    yield [prefix, this];
    for (const [name, child] of this.namedChildren()) {
      yield* child.namedModules(prefix ? `${prefix}.${name}` : name);
    }
  }

  *modules(): Generator<Module> {
    for (const [, m] of this.namedModules()) yield m;
  }

  /** Parameters of this module only (not of submodules). */
  *ownParameters(): Generator<[string, Tensor]> {
    for (const [key, value] of Object.entries(this)) {
      if (isParameter(value)) yield [key, value];
    }
  }

  /**
   * Every parameter with its dotted name, each tensor once (a weight tied into two places is listed
   * under the first name), in registration order.
   */
  *namedParameters(): Generator<[string, Tensor]> {
    const seen = new Set<Tensor>();
    for (const [prefix, m] of this.namedModules()) {
      for (const [key, p] of m.ownParameters()) {
        if (seen.has(p)) continue;
        seen.add(p);
        yield [prefix ? `${prefix}.${key}` : key, p];
      }
    }
  }

  /** Every parameter, each once. */
  parameters(): Tensor[] {
    return [...this.namedParameters()].map(([, p]) => p);
  }

  /** Buffers with dotted names. */
  *namedBuffers(options: { persistentOnly?: boolean } = {}): Generator<[string, Tensor]> {
    for (const [prefix, m] of this.namedModules()) {
      for (const [key, persistent] of m.bufferNames) {
        if (options.persistentOnly && !persistent) continue;
        const t = (m as unknown as Record<string, unknown>)[key];
        if (t instanceof Tensor) yield [prefix ? `${prefix}.${key}` : key, t];
      }
    }
  }

  buffers(): Tensor[] {
    return [...this.namedBuffers()].map(([, b]) => b);
  }

  /** Total number of parameter elements (tied weights counted once). */
  numParameters(options: { trainableOnly?: boolean } = {}): number {
    let n = 0;
    for (const p of this.parameters()) if (!options.trainableOnly || p.requiresGrad) n += p.size;
    return n;
  }

  /** Sets training mode here and below (dropout on); returns this. */
  train(mode = true): this {
    for (const m of this.modules()) m.training = mode;
    return this;
  }

  /** Evaluation mode (dropout off); returns this. */
  eval(): this {
    return this.train(false);
  }

  /** Clears every parameter's `.grad` (set to null and freed, as `zero_grad(set_to_none=True)`). */
  zeroGrad(): void {
    for (const p of this.parameters()) {
      const g = p.grad;
      p.grad = null;
      g?.dispose();
    }
  }

  /** Turns gradient tracking of every parameter on or off (freezing); returns this. */
  requiresGrad_(flag = true): this {
    for (const p of this.parameters()) p.requiresGrad_(flag);
    return this;
  }

  /** Calls `fn` on every submodule (children first) and then this module; returns this. */
  apply(fn: (m: Module) => void): this {
    for (const child of this.children()) child.apply(fn);
    fn(this);
    return this;
  }

  /**
   * Parameters and persistent buffers by dotted name: the tensors themselves, not copies. Tied
   * weights appear under each of their names (as in PyTorch).
   */
  stateDict(): Record<string, Tensor> {
    const out: Record<string, Tensor> = {};
    for (const [prefix, m] of this.namedModules()) {
      for (const [key, p] of m.ownParameters()) out[prefix ? `${prefix}.${key}` : key] = p;
    }
    for (const [name, b] of this.namedBuffers({ persistentOnly: true })) out[name] = b;
    return out;
  }

  /**
   * Copies values from `stateDict` into this module's parameters and buffers (dtype and backend
   * converted to each parameter's own). Mismatched shapes always fail; with `strict` (default),
   * missing or unexpected keys fail too, all listed in one {@link StateDictError}. A tied weight
   * counts as present when any of its names is.
   */
  loadStateDict(stateDict: Record<string, Tensor>, options: LoadStateDictOptions = {}): LoadStateDictResult {
    const strict = options.strict ?? true;
    const own = this.stateDict();
    const names = new Map<Tensor, string[]>();
    for (const [k, t] of Object.entries(own)) names.set(t, [...(names.get(t) ?? []), k]);
    const missing: string[] = [];
    const mismatched: string[] = [];
    const plan: [Tensor, Tensor][] = [];
    for (const [target, keys] of names) {
      const key = keys.find((k) => k in stateDict);
      if (key === undefined) {
        missing.push(...keys);
        continue;
      }
      const src = stateDict[key];
      if (!(src instanceof Tensor)) throw new StateDictError(`loadStateDict: '${key}' is not a Tensor`);
      if (src.shape.length !== target.shape.length || src.shape.some((d, i) => d !== target.shape[i])) {
        mismatched.push(`${key}: expected ${fmtShape(target.shape)}, got ${fmtShape(src.shape)}`);
        continue;
      }
      plan.push([target, src]);
    }
    const unexpected = Object.keys(stateDict).filter((k) => !(k in own));
    if (mismatched.length > 0 || (strict && (missing.length > 0 || unexpected.length > 0))) {
      const parts: string[] = [];
      if (missing.length) parts.push(`missing keys: ${missing.join(', ')}`);
      if (unexpected.length) parts.push(`unexpected keys: ${unexpected.join(', ')}`);
      if (mismatched.length) parts.push(`shape mismatches: ${mismatched.join('; ')}`);
      throw new StateDictError(
        `loadStateDict into ${this.constructor.name}: ${parts.join('; ')}`,
        missing,
        unexpected,
        mismatched,
      );
    }
    noGrad(() => {
      for (const [target, src] of plan) {
        let value = src.backend === target.backend ? src : src.to(target.backend);
        if (value.dtype !== target.dtype) value = value.to(target.dtype);
        target.assign(value.contiguous().clone());
      }
    });
    return { missingKeys: missing, unexpectedKeys: unexpected };
  }

  /**
   * Moves every parameter and buffer to another backend, or converts float ones to another float
   * dtype. Parameters are replaced by new tensors: create optimizers after calling this.
   */
  to(target: Backend | DType | string): this {
    const isDType = target === 'float32' || target === 'float64' || target === 'int32' || target === 'bool';
    noGrad(() => {
      const moved = new Map<Tensor, Tensor>();
      for (const m of this.modules()) {
        const self = m as unknown as Record<string, unknown>;
        for (const [key, value] of Object.entries(m)) {
          if (!(value instanceof Tensor)) continue;
          const isParam = isParameter(value);
          if (!isParam && !m.bufferNames.has(key)) continue;
          if (isDType && !value.isFloatingPoint) continue;
          let next = moved.get(value);
          if (!next) {
            next = value.to(target).detach();
            if (isParam) {
              parameter(next);
              if (!value.requiresGrad) next.requiresGrad_(false);
            }
            moved.set(value, next);
          }
          self[key] = next;
        }
      }
    });
    return this;
  }

  /** Extra text inside this module's `toString()` parentheses, e.g. `in=128, out=512`. */
  extraRepr(): string {
    return '';
  }

  /** A readable tree with parameter counts per module. */
  toString(): string {
    return this.render(0);
  }

  private render(depth: number): string {
    const children = [...this.namedChildren()];
    const count = this.numParameters();
    const head = `${this.constructor.name}(${this.extraRepr()}`;
    const tail = count > 0 ? `  # ${count.toLocaleString('en-US')} params` : '';
    if (children.length === 0) return `${head})${tail}`;
    const pad = '  '.repeat(depth + 1);
    const lines = children.map(([name, child]) => `${pad}(${name}): ${child.render(depth + 1)}`);
    return `${head}\n${lines.join('\n')}\n${'  '.repeat(depth)})${tail}`;
  }
}

/** Rejects bad constructor numbers with a message naming the layer and the option. */
export function checkPositiveInt(value: number, what: string, layer: string): number {
  if (!Number.isInteger(value) || value <= 0)
    throw new ValueError(`${layer}: ${what} must be a positive integer, got ${value}`);
  return value;
}

export function checkProbability(value: number, what: string, layer: string): number {
  if (typeof value !== 'number' || !(value >= 0 && value < 1)) {
    throw new ValueError(`${layer}: ${what} must be in [0, 1), got ${value}`);
  }
  return value;
}
