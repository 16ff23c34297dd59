import type { OpEvent, Tensor } from '@dendrite/tensor';
import type { TensorMeta } from '../node.js';

/** What a gradient rule sees during backward. */
export interface GradContext {
  /** Op attributes recorded in the forward (axes, shapes, flags). */
  readonly attrs: Readonly<Record<string, unknown>>;
  /** Shapes and dtypes of the op's inputs. */
  readonly inputs: readonly TensorMeta[];
  /** Shape and dtype of the op's output. */
  readonly output: TensorMeta;
  /** The tensors the rule's `save` returned in the forward, in the same order. */
  readonly saved: readonly Tensor[];
  /** Which inputs need a gradient; a rule may skip work for the others (return null). */
  readonly needs: readonly boolean[];
}

/**
 * A gradient that is `grad` placed into zeros of the input's shape, starting at index `start`
 * along `axis` — what a slice's gradient is. Backward gathers the placed gradients that reach one
 * tensor (the q, k and v of one `split`) into one `concat` instead of zeros and a sum per piece.
 */
export interface PlacedGrad {
  readonly axis: number;
  readonly start: number;
  readonly grad: Tensor;
}

/**
 * The gradient of one op: given dL/dy (same shape as the output), return dL/dx for each input
 * (null where an input gets no gradient). `save` picks what the forward must keep alive — and
 * nothing more, so the graph holds only what backward needs.
 */
export interface GradRule {
  save?(event: OpEvent): Tensor[];
  backward(grad: Tensor, ctx: GradContext): (Tensor | null)[];
  /**
   * For a one-input op whose gradient is dL/dy placed into zeros (a slice with step 1): that
   * placement, or null to use `backward`. Backward uses it when the input came from another op,
   * so the pieces that reach one tensor are joined once; the values must equal `backward`'s.
   */
  place?(grad: Tensor, ctx: GradContext): PlacedGrad | null;
}

const rules = new Map<string, GradRule>();
const notDifferentiable = new Map<string, string>();

/** Registers the gradient rule of a tensor-core op. */
export function defineGrad(op: string, rule: GradRule): void {
  rules.set(op, rule);
}

/** Declares that an op has no gradient, with the reason users see when they ask. */
export function markNotDifferentiable(op: string, reason: string): void {
  notDifferentiable.set(op, reason);
}

/** The gradient rule registered for `op`, if any. */
export function gradRule(op: string): GradRule | undefined {
  return rules.get(op);
}

/** Why `op` has no gradient, or undefined when it has one (or is unknown). */
export function notDifferentiableReason(op: string): string | undefined {
  return notDifferentiable.get(op);
}

/** Whether ops has a gradient rule (true), is marked not differentiable (false), or neither (undefined). */
export function isDifferentiable(op: string): boolean | undefined {
  if (rules.has(op)) return true;
  if (notDifferentiable.has(op)) return false;
  return undefined;
}
