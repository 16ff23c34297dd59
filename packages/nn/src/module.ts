import { noGrad } from '@dendrite/autograd';
import {
  type Backend,
  BackendError,
  type DType,
  DTypeError,
  fmtShape,
  getBackend,
  listBackends,
  Tensor,
  type TypedArray,
  tensor,
  tidy,
  typeNameOf,
  ValueError,
  withBackend,
} from '@dendrite/tensor';
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
 * One tensor's values as plain data, as `decodeSafetensors` gives them per name: a typed array in
 * row-major order, its shape, and optionally its dtype (else the typed array's).
 */
export interface StateDictEntry {
  dtype?: DType;
  shape: readonly number[];
  data: TypedArray;
}

/**
 * What {@link Module.loadStateDict} accepts: tensors or `{ dtype, shape, data }` entries by dotted
 * name, or the `{ tensors, metadata }` object `decodeSafetensors` / `loadSafetensors` return.
 */
export type StateDictInput =
  | Readonly<Record<string, Tensor | StateDictEntry>>
  | {
      readonly tensors: Readonly<Record<string, StateDictEntry>>;
      readonly metadata?: Record<string, string>;
    };

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

function isTypedArray(v: unknown): v is TypedArray {
  return ArrayBuffer.isView(v) && !(v instanceof DataView);
}

/** The name → value map of a state-dict input (unwrapping `{ tensors, metadata }`). */
function stateDictEntries(sd: unknown, where: string): Record<string, unknown> {
  if (!isPlainObject(sd)) {
    const what = sd instanceof Map ? 'a Map (use Object.fromEntries(map))' : describeValue(sd);
    throw new StateDictError(`${where}: expected an object of tensors by name, got ${what}`);
  }
  const keys = Object.keys(sd);
  const decoded =
    isPlainObject(sd.tensors) &&
    !('data' in sd.tensors) &&
    keys.every((k) => k === 'tensors' || k === 'metadata');
  return decoded ? (sd.tensors as Record<string, unknown>) : sd;
}

function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (isTypedArray(v)) return `a ${v.constructor.name} of ${v.length} values without a shape`;
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object')
    return `an object with keys ${Object.keys(v).slice(0, 5).join(', ') || '(none)'}`;
  return `a ${typeof v}`;
}

/** `value` as a Tensor or a checked entry; a StateDictError naming the key and the fix otherwise. */
function checkValue(value: unknown, key: string, where: string): Tensor | StateDictEntry {
  if (value instanceof Tensor) {
    value.assertLive(where);
    return value;
  }
  if (isPlainObject(value) && isTypedArray(value.data) && Array.isArray(value.shape)) {
    const { shape, data } = value as { shape: unknown[]; data: TypedArray };
    if (shape.some((d) => !Number.isInteger(d) || (d as number) < 0)) {
      throw new StateDictError(
        `${where}: '${key}' has shape [${shape.join(', ')}]; dims must be integers ≥ 0`,
      );
    }
    const size = (shape as number[]).reduce((a, b) => a * b, 1);
    if (size !== data.length) {
      throw new StateDictError(
        `${where}: '${key}' has shape ${fmtShape(shape as number[])} (${size} values) but ${data.length} values`,
      );
    }
    return value as unknown as StateDictEntry;
  }
  throw new StateDictError(
    `${where}: '${key}' is ${describeValue(value)}, not a Tensor or a { dtype, shape, data } entry; pass model.stateDict(), or what decodeSafetensors/loadSafetensors return (or its .tensors) — or load a file in one call with loadWeights(model, path) from '@dendrite/nn/node'`,
  );
}

/**
 * When every unexpected key is a missing key behind one extra prefix (`_orig_mod.` from
 * `torch.compile`, `module.` from `DataParallel`), says so: the keys, not the weights, are wrong.
 */
function prefixHint(missing: readonly string[], unexpected: readonly string[]): string | undefined {
  if (missing.length === 0 || unexpected.length === 0) return undefined;
  const dot = unexpected[0].indexOf('.');
  if (dot < 0) return undefined;
  const prefix = unexpected[0].slice(0, dot + 1);
  const want = new Set(missing);
  if (!unexpected.every((k) => k.startsWith(prefix) && want.has(k.slice(prefix.length)))) return undefined;
  return `every unexpected key is a missing key with the prefix '${prefix}' (as torch.compile or DataParallel save them): remove the prefix from the names before loading`;
}

/**
 * The base class of every layer and model, shaped like PyTorch's `nn.Module`.
 *
 * Submodules and parameters register by assignment: any property holding a Module or a
 * {@link parameter} tensor is part of the tree, named by its property (`blocks.0.attn.c_attn.weight`),
 * in assignment order. Non-learnable state (running statistics, masks) goes in `registerBuffer`.
 */
export abstract class Module {
  /**
   * The class name `toString()` and error messages print. A minifying bundler renames classes,
   * so every Dendrite module declares its own (`static override readonly typeName = 'Linear'`);
   * a module class of yours without one is named by its constructor — declare one too (or turn
   * on your bundler's keep-names option) if you minify and print models.
   */
  static readonly typeName: string = 'Module';

  /** Training mode (dropout active); `eval()` turns it off. */
  training = true;
  private readonly bufferNames = new Map<string, boolean>();

  /** This module's class name as `toString()` prints it (its class's static `typeName`). */
  get typeName(): string {
    return typeNameOf(this.constructor as typeof Module);
  }

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
   * Copies values into this module's parameters and buffers, keeping each tensor's identity (and
   * converting dtype and backend to each one's own). `stateDict` may be
   *
   * - a state dict of tensors (`other.stateDict()`, `toTensors(decoded)`),
   * - what `decodeSafetensors` / `loadSafetensors` return (`{ tensors, metadata }`), or its
   *   `.tensors`: plain `{ dtype, shape, data }` entries, uploaded straight to each parameter's
   *   backend and dtype.
   *
   * Mismatched shapes always fail; with `strict` (default), missing or unexpected keys fail too,
   * all listed in one {@link StateDictError}. A tied weight counts as present when any of its
   * names is. Nothing changes unless every value can be loaded. (To read a file in one call, use
   * `loadWeights(model, path)` from `@dendrite/nn/node`.)
   */
  loadStateDict(stateDict: StateDictInput, options: LoadStateDictOptions = {}): LoadStateDictResult {
    const strict = options.strict ?? true;
    const where = `loadStateDict into ${this.typeName}`;
    const source = stateDictEntries(stateDict, where);
    const own = this.stateDict();
    const names = new Map<Tensor, string[]>();
    for (const [k, t] of Object.entries(own)) names.set(t, [...(names.get(t) ?? []), k]);
    const missing: string[] = [];
    const mismatched: string[] = [];
    const plan: [Tensor, Tensor | StateDictEntry][] = [];
    for (const [target, keys] of names) {
      const key = keys.find((k) => Object.hasOwn(source, k));
      if (key === undefined) {
        missing.push(...keys);
        continue;
      }
      const src = checkValue(source[key], key, where);
      if (src.shape.length !== target.shape.length || src.shape.some((d, i) => d !== target.shape[i])) {
        mismatched.push(`${key}: expected ${fmtShape(target.shape)}, got ${fmtShape(src.shape)}`);
        continue;
      }
      plan.push([target, src]);
    }
    const unexpected = Object.keys(source).filter((k) => !Object.hasOwn(own, k));
    if (mismatched.length > 0 || (strict && (missing.length > 0 || unexpected.length > 0))) {
      const parts: string[] = [];
      if (missing.length) parts.push(`missing keys: ${missing.join(', ')}`);
      if (unexpected.length) parts.push(`unexpected keys: ${unexpected.join(', ')}`);
      if (mismatched.length) parts.push(`shape mismatches: ${mismatched.join('; ')}`);
      const hint = prefixHint(missing, unexpected);
      if (hint) parts.push(hint);
      throw new StateDictError(`${where}: ${parts.join('; ')}`, missing, unexpected, mismatched);
    }
    for (const [target, src] of plan) {
      if (src instanceof Tensor && src.backend !== target.backend && !src.backend.canReadSync) {
        const key = names.get(target)?.find((k) => Object.hasOwn(source, k));
        throw new BackendError(
          `${where}: '${key}' is on backend '${src.backend.name}', which cannot read synchronously, so it cannot be copied to '${target.backend.name}'; read the state dict first: loadStateDict(decodeSafetensors(await serializeStateDict(stateDict)))`,
        );
      }
    }
    noGrad(() =>
      tidy(() => {
        // Convert everything first, so a failure leaves every parameter as it was.
        const values = plan.map(([target, src]) => {
          if (!(src instanceof Tensor)) {
            return tensor(src.data, { shape: src.shape, dtype: target.dtype, backend: target.backend });
          }
          let value = src.backend === target.backend ? src : src.to(target.backend);
          if (value.dtype !== target.dtype) value = value.to(target.dtype);
          return value.contiguous().clone();
        });
        plan.forEach(([target], i) => {
          target.assign(values[i]);
        });
      }),
    );
    return { missingKeys: missing, unexpectedKeys: unexpected };
  }

  /**
   * Moves every parameter, its gradient, and every buffer to another backend (instance or
   * registered name), or converts the floating-point ones to another dtype — in place, as
   * PyTorch's `module.to()`: each tensor keeps its identity (`Tensor.to_`), so an optimizer
   * created before keeps updating these very parameters (its state follows them on its next
   * step), tied weights stay tied, and references you hold stay valid. Returns this.
   *
   * Everything is checked before anything moves: a tensor whose backend cannot read
   * synchronously, or a target without one of the dtypes, is an error that leaves the module as
   * it was.
   */
  to(target: Backend | DType | string): this {
    const isDType = target === 'float32' || target === 'float64' || target === 'int32' || target === 'bool';
    const backend = isDType ? undefined : backendNamed(target as Backend | string, `${this.typeName}.to`);
    const tensors = new Set<Tensor>();
    for (const m of this.modules()) {
      for (const [key, value] of Object.entries(m)) {
        if (!(value instanceof Tensor) || (!isParameter(value) && !m.bufferNames.has(key))) continue;
        if (isDType && !value.isFloatingPoint) continue; // int32/bool buffers keep their dtype
        tensors.add(value);
        const grad = isParameter(value) ? value.grad : null;
        if (grad !== null) tensors.add(grad);
      }
    }
    for (const t of tensors) {
      t.assertLive(`${this.typeName}.to`);
      if (backend !== undefined && t.backend !== backend) {
        if (!t.backend.canReadSync) {
          throw new BackendError(
            `${this.typeName}.to: backend '${t.backend.name}' cannot read synchronously, so its tensors cannot move to '${backend.name}'; save the state dict and load it into a model built there`,
          );
        }
        if (!backend.dtypes.has(t.dtype)) {
          throw new DTypeError(
            `${this.typeName}.to: backend '${backend.name}' does not support ${t.dtype}; convert first with .to('float32')`,
          );
        }
      } else if (isDType && !t.backend.dtypes.has(target as DType)) {
        throw new DTypeError(`${this.typeName}.to: backend '${t.backend.name}' does not support ${target}`);
      }
    }
    noGrad(() => {
      for (const t of tensors) t.to_(backend ?? (target as DType));
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

  // As PyTorch prints a module: `Name(extra)` on one line without children; with them, the extra
  // (if any) and then each child on lines of their own, and the closing parenthesis on its own line.
  private render(depth: number): string {
    const children = [...this.namedChildren()];
    const count = this.numParameters();
    const extra = this.extraRepr();
    const tail = count > 0 ? `  # ${count.toLocaleString('en-US')} params` : '';
    if (children.length === 0) return `${this.typeName}(${extra})${tail}`;
    const pad = '  '.repeat(depth + 1);
    const lines = children.map(([name, child]) => `${pad}(${name}): ${child.render(depth + 1)}`);
    if (extra) lines.unshift(`${pad}${extra}`);
    return `${this.typeName}(\n${lines.join('\n')}\n${'  '.repeat(depth)})${tail}`;
  }
}

/** A backend instance, or the registered backend of that name. */
function backendNamed(target: Backend | string, where: string): Backend {
  if (typeof target !== 'string') return target;
  if (!listBackends().includes(target)) {
    throw new ValueError(
      `${where}: no backend or dtype named '${target}' (backends: ${listBackends().join(', ')})`,
    );
  }
  return withBackend(target, getBackend);
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
