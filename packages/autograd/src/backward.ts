import { concat, fmtShape, keep, onesLike, type Tensor, tidy, zeros } from '@dendrite/tensor';
import { AutogradError } from './errors.js';
import { ensureMeta, getMeta } from './meta.js';
import { setGradEnabled } from './mode.js';
import type { Node, TensorMeta } from './node.js';
import type { PlacedGrad } from './rules/registry.js';

/** Options of `backward()`. */
export interface BackwardOptions {
  /** Keep the graph's saved tensors so backward can run through it again (default: createGraph). */
  retainGraph?: boolean;
  /** Record the backward pass itself, for gradients of gradients (default false). */
  createGraph?: boolean;
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** Adds `g` into a leaf's (or retained tensor's) `.grad`, keeping the grad tensor's identity. */
export function accumulateGrad(t: Tensor, g: Tensor): void {
  const m = ensureMeta(t);
  if (!sameShape(g.shape, t.shape)) {
    throw new AutogradError(
      `backward: gradient of shape ${fmtShape(g.shape)} for a tensor of shape ${fmtShape(t.shape)}`,
    );
  }
  const grad = g.dtype === t.dtype ? g : g.to(t.dtype);
  // The grad tensor is an alias: an object of our own even when a rule passed its input through.
  // It shares the value's gradient bookkeeping, so with createGraph it is part of the new graph.
  if (m.grad === null || m.grad.isDisposed) {
    const own = keep(grad.alias());
    own.meta = grad.meta;
    m.grad = own;
  } else {
    const sum = m.grad.add(grad); // disposed by the backward scope; m.grad keeps its storage
    m.grad.assign(sum);
    m.grad.meta = sum.meta;
  }
}

/**
 * One tensor of `meta`'s shape from the placed gradients that reached it (slices of it): when
 * they lie along one axis without overlapping, one `concat` of them with zeros in the gaps (the
 * q, k and v of a split: one pass, not zeros, a copy and a sum per piece); otherwise each padded
 * with zeros and summed. `dense`, the sum of its other gradients, is added last.
 */
function gather(pieces: readonly PlacedGrad[], meta: TensorMeta, dense: Tensor | undefined): Tensor {
  const like = pieces[0].grad;
  const block = (axis: number, length: number) => {
    const shape = [...meta.shape];
    shape[axis] = length;
    return zeros(shape, { dtype: like.dtype, backend: like.backend });
  };
  // [zeros | grad | zeros | grad | zeros] along the axis, for pieces sorted by start, not overlapping
  const join = (axis: number, sorted: readonly PlacedGrad[]) => {
    const parts: Tensor[] = [];
    let at = 0;
    for (const p of sorted) {
      if (p.start > at) parts.push(block(axis, p.start - at));
      parts.push(p.grad);
      at = p.start + p.grad.shape[axis];
    }
    if (at < meta.shape[axis]) parts.push(block(axis, meta.shape[axis] - at));
    return parts.length === 1 ? parts[0] : concat(parts, axis);
  };
  const axis = pieces[0].axis;
  const sorted = [...pieces].sort((a, b) => a.start - b.start);
  const disjoint =
    pieces.every((p) => p.axis === axis) &&
    sorted.every((p, i) => i === 0 || p.start >= sorted[i - 1].start + sorted[i - 1].grad.shape[axis]);
  const placed = disjoint
    ? join(axis, sorted)
    : pieces.map((p) => join(p.axis, [p])).reduce((sum, t) => sum.add(t));
  return dense === undefined ? placed : dense.add(placed);
}

/** Orders the nodes reachable from `root` and counts, for each, how many reachable nodes feed it a gradient. */
function dependencies(root: Node): Map<Node, number> {
  const deps = new Map<Node, number>([[root, 0]]);
  const stack: Node[] = [root];
  while (stack.length > 0) {
    const node = stack.pop() as Node;
    for (const edge of node.edges) {
      if (edge?.kind !== 'node') continue;
      const next = edge.node;
      const seen = deps.has(next);
      deps.set(next, (deps.get(next) ?? 0) + 1);
      if (!seen) stack.push(next);
    }
  }
  return deps;
}

/**
 * Reverse-mode differentiation from `root`: walks the graph in reverse topological order, asks
 * each node's rule for its inputs' gradients, sums gradients that meet, and accumulates into the
 * `.grad` of leaves. Frees the graph afterwards unless `retainGraph`.
 */
export function backward(root: Tensor, gradient?: Tensor, options: BackwardOptions = {}): void {
  const meta = getMeta(root);
  if (!meta?.requiresGrad) {
    throw new AutogradError(
      `backward: tensor ${fmtShape(root.shape)} does not require grad (mark a leaf with requiresGrad_() before computing with it)`,
    );
  }
  if (gradient === undefined) {
    if (root.size !== 1) {
      throw new AutogradError(
        `backward: a gradient can be created implicitly only for one-element outputs; pass one of shape ${fmtShape(root.shape)}`,
      );
    }
  } else if (!sameShape(gradient.shape, root.shape)) {
    throw new AutogradError(
      `backward: gradient shape ${fmtShape(gradient.shape)} does not match the output shape ${fmtShape(root.shape)}`,
    );
  }
  // As in PyTorch, recording the backward keeps the forward graph (the new graph points into it).
  const retain = options.retainGraph ?? options.createGraph ?? false;
  const prevMode = setGradEnabled(options.createGraph ?? false);
  try {
    tidy(() => {
      // A fresh tensor either way (an alias shares the caller's storage): every tensor this
      // backward creates has a larger id than the seed, which is how it tells its own from yours.
      const seed = gradient ? gradient.alias() : onesLike(root);
      if (!meta.gradFn) {
        accumulateGrad(root, seed);
        return;
      }
      runGraph(meta.gradFn, seed, retain, !(options.createGraph ?? false));
    });
  } finally {
    setGradEnabled(prevMode);
  }
}

/**
 * Runs the rules in reverse topological order. With `eager` (the backward is not recorded), memory
 * is returned as soon as it is dead instead of when backward ends: each rule runs in its own
 * `tidy` (its temporaries go at once), and a gradient this backward created is disposed when the
 * last node or sum that needs it has used it — so the peak is the forward's tensors plus the
 * gradients in flight, not every gradient of the pass (what a backend with its own memory, like
 * WebAssembly or a GPU, has to hold). Tensors the rules return from elsewhere (inputs, saved
 * tensors, the caller's gradient) are never disposed: only ids newer than the seed are.
 */
function runGraph(rootNode: Node, seed: Tensor, retain: boolean, eager: boolean): void {
  const deps = dependencies(rootNode);
  const grads = new Map<Node, Tensor>([[rootNode, seed]]);
  /** How many entries of `grads` hold each gradient (one tensor can reach several nodes). */
  const pending = new Map<Tensor, number>();
  const hold = (t: Tensor) => pending.set(t, (pending.get(t) ?? 0) + 1);
  const unhold = (t: Tensor) => {
    const n = (pending.get(t) ?? 0) - 1;
    if (n > 0) pending.set(t, n);
    else pending.delete(t);
  };
  const freeIfDead = (t: Tensor) => {
    if (eager && t.id > seed.id && !pending.has(t) && !t.isDisposed) t.dispose();
  };
  /** Sends a rule's input gradients along the node's edges: into leaves' .grad, or summed per node. */
  const sendGrads = (node: Node, inputGrads: (Tensor | null)[]) => {
    if (inputGrads.length !== node.edges.length) {
      throw new AutogradError(
        `autograd: the rule for '${node.op}' returned ${inputGrads.length} gradients for ${node.edges.length} inputs`,
      );
    }
    node.edges.forEach((edge, i) => {
      const gi = inputGrads[i];
      if (edge === null || gi === null || gi === undefined) return;
      if (!sameShape(gi.shape, node.inputs[i].shape)) {
        throw new AutogradError(
          `autograd: the rule for '${node.op}' returned a gradient of shape ${fmtShape(gi.shape)} for input ${i} of shape ${fmtShape(node.inputs[i].shape)}`,
        );
      }
      if (edge.kind === 'leaf') accumulateGrad(edge.tensor, gi);
      else {
        const prev = grads.get(edge.node);
        const next = prev === undefined ? gi : prev.add(gi);
        grads.set(edge.node, next);
        hold(next);
        if (prev !== undefined) {
          unhold(prev);
          freeIfDead(prev);
        }
      }
    });
    for (const gi of inputGrads) if (gi) freeIfDead(gi);
  };
  /** Runs `f` in a tidy scope of its own when the backward is not recorded (its temporaries go at once). */
  const scoped = <T>(f: () => T): T => (eager ? tidy(f) : f());
  /** Slices' gradients waiting for the node that made the sliced tensor (see {@link gather}). */
  const placed = new Map<Node, PlacedGrad[]>();
  const ready: Node[] = [rootNode];
  while (ready.length > 0) {
    const node = ready.pop() as Node;
    let g = grads.get(node);
    grads.delete(node);
    if (g !== undefined) unhold(g);
    if (node.isReleased) {
      throw new AutogradError(
        `backward: trying to backward through the graph a second time (op '${node.op}'): its saved tensors were freed by the first backward(); pass { retainGraph: true } to the first call`,
      );
    }
    const pieces = placed.get(node);
    if (pieces !== undefined) {
      placed.delete(node);
      const dense = g;
      g = scoped(() => gather(pieces, node.output, dense));
      for (const p of pieces) {
        unhold(p.grad);
        if (p.grad !== g) freeIfDead(p.grad);
      }
      if (dense !== undefined) freeIfDead(dense);
    }
    if (g !== undefined) {
      const grad = g;
      const retained = node.retained?.deref();
      if (retained && !retained.isDisposed) accumulateGrad(retained, grad);
      const context = {
        attrs: node.attrs,
        inputs: node.inputs,
        output: node.output,
        saved: node.saved ?? [],
        needs: node.edges.map((e) => e !== null),
      };
      const only = node.edges.length === 1 ? node.edges[0] : null;
      const target = only?.kind === 'node' ? only.node : null;
      const place = target ? node.rule.place : undefined;
      // a slice's gradient waits for its siblings (see gather); any other goes out now
      const piece = place ? scoped(() => place(grad, context)) : null;
      if (target && piece) {
        const list = placed.get(target) ?? [];
        list.push(piece);
        placed.set(target, list);
        hold(piece.grad);
      } else
        sendGrads(
          node,
          scoped(() => node.rule.backward(grad, context)),
        );
      freeIfDead(grad);
    }
    for (const edge of node.edges) {
      if (edge?.kind !== 'node') continue;
      const left = (deps.get(edge.node) ?? 1) - 1;
      deps.set(edge.node, left);
      if (left === 0) ready.push(edge.node);
    }
    if (!retain) node.release();
  }
}
