import { enableGrad, noGrad } from '@dendrite/autograd';
import { fmtShape, keep, Tensor, tidy, ValueError, zerosLike } from '@dendrite/tensor';
import {
  deserializeTensor,
  isSerializedTensor,
  type OptimizerStateDict,
  type OptimizerStateInput,
  type SerializedTensor,
  type StateValue,
} from './state-dict.js';
import { checkKnownKeys } from './validate.js';

/** Options every optimizer has: the learning rate η, the size of each step. */
export interface BaseOptions {
  /** Learning rate η. */
  lr: number;
}

/** A parameter's optimizer state: counters (`step`) and tensors shaped like the parameter. */
export type ParamState = { [key: string]: StateValue | undefined };

/** A parameter group as given to a constructor: its parameters and any options to override. */
export type ParamGroupSpec<O> = Partial<O> & { params: Iterable<Tensor> };

/** What an optimizer takes: parameters (one group), or an array of groups with their own options. */
export type ParamsInput<O> = Iterable<Tensor> | Iterable<ParamGroupSpec<O>>;

/** A parameter group inside an optimizer: every option resolved, and its parameters. */
export type ParamGroup<O> = O & { params: Tensor[] };

function isGroupSpec(v: unknown): v is ParamGroupSpec<unknown> {
  return typeof v === 'object' && v !== null && !(v instanceof Tensor) && 'params' in v;
}

function cloneOption(v: unknown): unknown {
  return Array.isArray(v) ? [...v] : v;
}

/**
 * The base of every optimizer, as PyTorch's `torch.optim.Optimizer`: parameter groups with
 * per-group options, per-parameter state, `step()`, `zeroGrad()`, `stateDict()` /
 * `loadStateDict()`. Subclasses write only the update rule of one group ({@link updateGroup}).
 *
 * State tensors live on the parameters' backend and are updated by rebinding (`assign`), so
 * their memory is replaced, not accumulated, step after step.
 */
export abstract class Optimizer<O extends BaseOptions = BaseOptions, S extends ParamState = ParamState> {
  /** The class name used in error messages (`SGD`, `Adam`, …). */
  readonly name: string;
  /** The options of the constructor call (with defaults filled in); new groups start from them. */
  readonly defaults: Readonly<O>;
  /** The groups; change an option (`paramGroups[0].lr = 0.01`) to affect the next `step()`. */
  readonly paramGroups: ParamGroup<O>[] = [];
  /** Per-parameter state (created by the first `step()` that sees a gradient). */
  protected state = new Map<Tensor, S>();
  private readonly optionKeys: readonly string[];

  /**
   * @param name class name for messages
   * @param params parameters, or parameter groups
   * @param defaults the optimizer's own defaults (every option)
   * @param options the caller's options, overriding `defaults`
   */
  protected constructor(name: string, params: ParamsInput<O>, defaults: O, options: Partial<O>) {
    this.name = name;
    this.optionKeys = Object.keys(defaults);
    if (typeof options !== 'object' || options === null) {
      throw new ValueError(`${name}: options must be an object, got ${String(options)}`);
    }
    checkKnownKeys(name, options, this.optionKeys);
    const merged = { ...defaults } as O;
    for (const [k, v] of Object.entries(options)) {
      if (v !== undefined) (merged as Record<string, unknown>)[k] = cloneOption(v);
    }
    this.checkOptions(merged);
    this.defaults = Object.freeze(merged);

    if (
      params instanceof Tensor ||
      params === null ||
      typeof params !== 'object' ||
      !(Symbol.iterator in params)
    ) {
      throw new ValueError(
        `${name}: params must be an iterable of Tensors or of parameter groups ({ params, ...options })`,
      );
    }
    const items = [...(params as Iterable<unknown>)];
    if (items.length === 0) throw new ValueError(`${name}: got an empty parameter list`);
    if (items.every(isGroupSpec)) {
      for (const spec of items) this.addParamGroup(spec as ParamGroupSpec<O>);
    } else {
      this.addParamGroup({ params: items as Tensor[] } as unknown as ParamGroupSpec<O>);
    }
  }

  /**
   * Checks a group's options; throws `ValueError` naming the bad option.
   * @param group the group's index, for the message (undefined for the constructor's options)
   */
  protected abstract checkOptions(options: O, group?: number): void;

  /**
   * Checks the keys of one parameter's state in a state dict being loaded (shapes are checked by
   * the base class); throws `ValueError`. `entry` values are numbers, Tensors or serialized tensors.
   */
  protected abstract checkState(entry: Record<string, unknown>, where: string): void;

  /** Updates the parameters of one group from their `.grad` (runs under `noGrad` and `tidy`). */
  protected abstract updateGroup(group: ParamGroup<O>): void;

  /**
   * Adds a group of parameters with its own options (PyTorch's `add_param_group`), e.g. to start
   * training layers that were frozen. Every parameter must require grad, be a leaf, and not be in
   * another group.
   */
  addParamGroup(spec: ParamGroupSpec<O>): void {
    const index = this.paramGroups.length;
    if (!isGroupSpec(spec)) throw new ValueError(`${this.name}: a parameter group needs \`params\``);
    const { params, ...options } = spec as ParamGroupSpec<O> & Record<string, unknown>;
    checkKnownKeys(this.name, options, this.optionKeys, index);
    if (
      params instanceof Tensor ||
      params === null ||
      typeof params !== 'object' ||
      !(Symbol.iterator in params)
    ) {
      throw new ValueError(`${this.name}: params of param group ${index} must be an iterable of Tensors`);
    }
    const list = [...params];
    const seen = new Set(this.paramGroups.flatMap((g) => g.params));
    list.forEach((p, i) => {
      const where = `parameter ${i} of param group ${index}`;
      if (!(p instanceof Tensor)) throw new ValueError(`${this.name}: ${where} is not a Tensor`);
      if (p.isDisposed) throw new ValueError(`${this.name}: ${where} was disposed`);
      if (!p.requiresGrad) {
        throw new ValueError(
          `${this.name}: ${where} ${fmtShape(p.shape)} does not require grad; call requiresGrad_() or leave it out`,
        );
      }
      if (!p.isLeaf) {
        throw new ValueError(
          `${this.name}: ${where} is not a leaf tensor; optimize the leaves (weights) instead`,
        );
      }
      if (seen.has(p)) {
        throw new ValueError(`${this.name}: ${where} appears more than once (in one group or in two groups)`);
      }
      seen.add(p);
    });
    const group = { ...this.defaults } as Record<string, unknown>;
    for (const [k, v] of Object.entries(options)) if (v !== undefined) group[k] = cloneOption(v);
    this.checkOptions(group as unknown as O, index);
    group.params = list;
    this.paramGroups.push(group as unknown as ParamGroup<O>);
  }

  /**
   * One optimization step: every parameter with a `.grad` moves by the update rule (parameters
   * whose `.grad` is null are skipped). With a `closure` (which should zero the gradients,
   * compute the loss, call `backward()` and return the loss), it is called first and its loss
   * returned, as in PyTorch.
   *
   * Parameters moved in place since the last step (`module.to(backend)`, `Tensor.to_`) take
   * their state along: it moves to each parameter's backend and dtype first. A parameter that
   * was disposed, or whose `.grad` lives on another backend, is a `ValueError` naming it, before
   * anything changes.
   */
  step(closure?: () => Tensor): Tensor | undefined {
    const loss = closure === undefined ? undefined : enableGrad(closure);
    this.checkParameters();
    noGrad(() =>
      tidy(() => {
        for (const group of this.paramGroups) this.updateGroup(group);
      }),
    );
    return loss;
  }

  /**
   * Before a step: every parameter is live and its gradient on its backend, and the state follows
   * parameters that moved (backend or dtype) since the last step.
   */
  private checkParameters(): void {
    this.paramGroups.forEach((group, g) => {
      group.params.forEach((p, i) => {
        const where = `${this.name}.step: parameter ${i} of param group ${g}`;
        if (p.isDisposed) {
          throw new ValueError(
            `${where} ${fmtShape(p.shape)} was disposed; the optimizer holds a stale tensor (rebuild it from model.parameters())`,
          );
        }
        const grad = p.grad;
        if (grad !== null && (grad.backend !== p.backend || grad.dtype !== p.dtype)) {
          throw new ValueError(
            `${where} ${fmtShape(p.shape)} is ${p.dtype} on '${p.backend.name}' but its .grad is ${grad.dtype} on '${grad.backend.name}'; move both (module.to(…) moves gradients too) or zeroGrad() first`,
          );
        }
        const s = this.state.get(p);
        if (s === undefined) return;
        for (const v of Object.values(s)) {
          if (v instanceof Tensor && (v.backend !== p.backend || v.dtype !== p.dtype)) {
            noGrad(() => v.to_(p.backend).to_(p.dtype));
          }
        }
      });
    });
  }

  /**
   * Resets the gradients of every parameter: to null, freeing them (`setToNone`, the default, as
   * PyTorch), or to zeros.
   */
  zeroGrad(setToNone = true): void {
    for (const p of this.parameters()) {
      const g = p.grad;
      if (g === null) continue;
      if (setToNone) {
        p.grad = null;
        g.dispose();
      } else {
        noGrad(() => tidy(() => void g.assign(zerosLike(g))));
      }
    }
  }

  /** Every parameter, group after group (the order state-dict indices follow). */
  parameters(): Tensor[] {
    return this.paramGroups.flatMap((g) => g.params);
  }

  /** A parameter's state (undefined before its first step). */
  stateOf(param: Tensor): Readonly<S> | undefined {
    return this.state.get(param);
  }

  /** A new state tensor of zeros shaped like `param`, on its backend, surviving any `tidy`. */
  protected zerosState(param: Tensor): Tensor {
    return keep(zerosLike(param));
  }

  /** Marks a tensor made during `step()` as state: it survives the step's `tidy`. */
  protected keepState(t: Tensor): Tensor {
    return keep(t);
  }

  /**
   * The optimizer's state as PyTorch lays it out (see {@link OptimizerStateDict}). Tensors in it
   * are copies: later steps do not change them, and the caller owns (and may dispose) them.
   */
  stateDict(): OptimizerStateDict {
    const state: Record<number, Record<string, StateValue>> = {};
    let next = 0;
    const paramGroups = this.paramGroups.map((group) => {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(group)) if (k !== 'params') out[k] = cloneOption(v);
      const indices = group.params.map((p) => {
        const index = next++;
        const s = this.state.get(p);
        if (s !== undefined) {
          const entry: Record<string, StateValue> = {};
          for (const [k, v] of Object.entries(s)) {
            if (v !== undefined) entry[k] = typeof v === 'number' ? v : noGrad(() => v.clone());
          }
          state[index] = entry;
        }
        return index;
      });
      return { ...out, params: indices };
    });
    return { state, paramGroups };
  }

  /**
   * Restores a state dict from `stateDict()` (or its JSON form) so training continues exactly:
   * the groups' options and every parameter's state. The optimizer must hold the same number of
   * groups, of parameters per group, and of the same shapes, else a `ValueError` and nothing
   * changes. Tensors are copied onto each parameter's backend and dtype.
   */
  loadStateDict(sd: OptimizerStateInput): void {
    const where = `${this.name}.loadStateDict`;
    if (
      typeof sd !== 'object' ||
      sd === null ||
      typeof sd.state !== 'object' ||
      !Array.isArray(sd.paramGroups)
    ) {
      throw new ValueError(`${where}: expected an object with \`state\` and \`paramGroups\``);
    }
    if (sd.paramGroups.length !== this.paramGroups.length) {
      throw new ValueError(
        `${where}: the state dict has ${sd.paramGroups.length} parameter groups, the optimizer ${this.paramGroups.length}`,
      );
    }
    const byIndex = new Map<number, Tensor>();
    const options = sd.paramGroups.map((saved, g) => {
      const { params, ...rest } = saved;
      const mine = this.paramGroups[g].params;
      if (!Array.isArray(params) || params.length !== mine.length) {
        throw new ValueError(
          `${where}: parameter group ${g} has ${Array.isArray(params) ? params.length : 'no'} parameters in the state dict, ${mine.length} in the optimizer`,
        );
      }
      params.forEach((index, i) => {
        byIndex.set(index, mine[i]);
      });
      checkKnownKeys(where, rest, this.optionKeys, g);
      const merged = { ...this.paramGroups[g] } as unknown as Record<string, unknown>;
      for (const [k, v] of Object.entries(rest)) merged[k] = cloneOption(v);
      delete merged.params;
      this.checkOptions(merged as unknown as O, g);
      return merged;
    });
    for (const [key, entry] of Object.entries(sd.state)) {
      const p = byIndex.get(Number(key));
      if (p === undefined) throw new ValueError(`${where}: state for parameter ${key}, which no group lists`);
      if (typeof entry !== 'object' || entry === null) {
        throw new ValueError(`${where}: state of parameter ${key} must be an object`);
      }
      this.checkState(entry, `${where}: state of parameter ${key}`);
      for (const [name, v] of Object.entries(entry)) {
        if (typeof v === 'number') continue;
        const shape = v instanceof Tensor ? v.shape : isSerializedTensor(v) ? v.shape : undefined;
        if (shape === undefined) {
          throw new ValueError(
            `${where}: state '${name}' of parameter ${key} is not a number, Tensor or { shape, dtype, data }`,
          );
        }
        if (fmtShape(shape) !== fmtShape(p.shape)) {
          throw new ValueError(
            `${where}: state '${name}' of parameter ${key} has shape ${fmtShape(shape)}, the parameter ${fmtShape(p.shape)}`,
          );
        }
      }
    }
    // Everything checked: build the new state, then swap it in.
    const next = new Map<Tensor, S>();
    for (const [key, entry] of Object.entries(sd.state)) {
      const p = byIndex.get(Number(key)) as Tensor;
      const s: Record<string, StateValue> = {};
      for (const [name, v] of Object.entries(entry)) {
        s[name] =
          typeof v === 'number'
            ? v
            : this.copyForParam(v, p, `${where}: state '${name}' of parameter ${key}`);
      }
      next.set(p, s as S);
    }
    this.disposeState();
    this.state = next;
    options.forEach((o, g) => {
      Object.assign(this.paramGroups[g], o);
    });
  }

  /** A copy of a state tensor on `p`'s backend, in `p`'s dtype, owned by this optimizer. */
  private copyForParam(v: Tensor | SerializedTensor, p: Tensor, where: string): Tensor {
    return noGrad(() =>
      tidy(() => {
        if (!(v instanceof Tensor))
          return keep(deserializeTensor(v, { dtype: p.dtype, backend: p.backend }, where));
        let t = v.backend === p.backend ? v : v.to(p.backend);
        if (t.dtype !== p.dtype) t = t.to(p.dtype);
        return keep(t === v ? v.clone() : t);
      }),
    );
  }

  private disposeState(): void {
    for (const s of this.state.values())
      for (const v of Object.values(s)) if (v instanceof Tensor) v.dispose();
  }

  /** Frees every state tensor (the parameters are the caller's). The optimizer starts afresh after. */
  dispose(): void {
    this.disposeState();
    this.state.clear();
  }
}
