import { type DType, getOpInfo, keep, type OpEvent, type Tensor } from '@dendrite/tensor';
import type { GradRule } from './rules/registry.js';

let nextNodeId = 1;

/** Shape and dtype of a tensor as the backward pass needs them (no data). */
export interface TensorMeta {
  readonly shape: readonly number[];
  readonly dtype: DType;
}

/** Where an input's gradient goes: the node that produced it, or the leaf tensor that accumulates it. */
export type Edge =
  | { readonly kind: 'node'; readonly node: Node }
  | { readonly kind: 'leaf'; readonly tensor: Tensor }
  | null;

/**
 * One recorded op of the graph (PyTorch's `grad_fn`). It keeps its rule, the op's attributes, the
 * shapes of its inputs and only the tensors its rule asked to save — nothing else of the forward.
 */
export class Node {
  readonly id = nextNodeId++;
  private savedTensors: Tensor[] | null;
  private released = false;
  /** Tensors whose `.grad` should be kept when this node's output gradient is computed. */
  retained: WeakRef<Tensor> | null = null;

  constructor(
    readonly op: string,
    readonly rule: GradRule,
    readonly attrs: Readonly<Record<string, unknown>>,
    readonly inputs: readonly TensorMeta[],
    readonly edges: readonly Edge[],
    readonly output: TensorMeta,
    saved: readonly Tensor[],
  ) {
    // Aliases share storage with the forward tensors but are owned by the graph: no tidy scope
    // disposes them, and releasing the graph disposes exactly these.
    // They share the original's gradient bookkeeping, so a backward recorded with createGraph
    // still reaches the graph through them (gradients of gradients).
    this.savedTensors = saved.map((t) => {
      const a = keep(t.alias());
      a.meta = t.meta;
      return a;
    });
  }

  static fromEvent(e: OpEvent, rule: GradRule, edges: Edge[]): Node {
    const saved = rule.save ? rule.save(e) : [];
    return new Node(
      e.op,
      rule,
      e.attrs,
      e.inputs.map((t) => ({ shape: t.shape, dtype: t.dtype })),
      edges,
      { shape: e.output.shape, dtype: e.output.dtype },
      saved,
    );
  }

  /** The tensors saved for backward; throws once the graph has been freed. */
  get saved(): readonly Tensor[] | null {
    return this.savedTensors;
  }

  get isReleased(): boolean {
    return this.released;
  }

  /** One-line math of the op, from the tensor core's registry. */
  get math(): string {
    return getOpInfo(this.op)?.math ?? '';
  }

  /** Frees what backward needed; a later backward through this node is an error. */
  release(): void {
    if (this.released) return;
    this.released = true;
    for (const t of this.savedTensors ?? []) t.dispose();
    this.savedTensors = null;
  }
}
