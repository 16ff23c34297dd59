import { ValueError } from './errors.js';
import type { Tensor } from './tensor.js';

/**
 * The op-dispatch hook: the one place where the tensor core tells the outside world that an op ran.
 *
 * Every *primitive* op (one registered with {@link registerOp}) calls {@link emitOp} once, after its
 * output exists, with its inputs and the attributes a gradient rule would need (axes, shapes,
 * flags). Composite ops (mean, clamp, stack, …) are built from primitives and emit nothing of their
 * own. `@dendrite/autograd` installs the hook to record a graph; the core itself knows nothing of
 * gradients. The hook must not throw for ops it does not care about.
 */
export interface OpEvent {
  /** Registered op name, e.g. `'add'`, `'matmul'`, `'reshape'`. */
  readonly op: string;
  /** Tensor inputs in the op's documented order. */
  readonly inputs: readonly Tensor[];
  /** Non-tensor arguments (axes, shapes, flags), frozen. */
  readonly attrs: Readonly<Record<string, unknown>>;
  /** The result. */
  readonly output: Tensor;
}

/** A function the core calls once per primitive op, after the op ran (see {@link setOpHook}). */
export type OpHook = (event: OpEvent) => void;

/** What kind of op a primitive is; a gradient system may treat kinds differently. */
export type OpKind =
  | 'unary'
  | 'binary'
  | 'comparison'
  | 'select'
  | 'reduce'
  | 'index'
  | 'view'
  | 'copy'
  | 'matmul'
  | 'normalize'
  | 'scan'
  | 'join';

/** A registered primitive op: its name, kind and one-line math. */
export interface OpInfo {
  readonly name: string;
  readonly kind: OpKind;
  /** One-line math of the op, shown in docs and graph exports. */
  readonly math: string;
}

const registry = new Map<string, OpInfo>();
let hook: OpHook | null = null;

/** Declares a primitive op. Called once per op at module load; names are unique. */
export function registerOp(name: string, kind: OpKind, math: string): string {
  if (registry.has(name)) throw new ValueError(`registerOp: op '${name}' is already registered`);
  registry.set(name, Object.freeze({ name, kind, math }));
  return name;
}

/** Every primitive op of the tensor core, in registration order. Tests enumerate this. */
export function listOps(): readonly OpInfo[] {
  return [...registry.values()];
}

/** The registry entry of a primitive op, or undefined for names that are not ops. */
export function getOpInfo(name: string): OpInfo | undefined {
  return registry.get(name);
}

/** Installs (or with `null` removes) the op hook; returns the previous one so callers can chain. */
export function setOpHook(next: OpHook | null): OpHook | null {
  const prev = hook;
  hook = next;
  return prev;
}

/** The installed op hook, or null. */
export function getOpHook(): OpHook | null {
  return hook;
}

/** Reports a primitive op to the hook. Returns `output` for chaining. */
export function emitOp(
  op: string,
  inputs: readonly Tensor[],
  output: Tensor,
  attrs: Record<string, unknown> = {},
): Tensor {
  if (hook !== null) hook({ op, inputs, attrs: Object.freeze(attrs), output });
  return output;
}
