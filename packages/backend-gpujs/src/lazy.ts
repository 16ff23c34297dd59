import { sizeOf, type View } from '@dendrite/tensor';
import { asHandle, handOutHost, type OpContext } from './context.js';
import { type ExprNode, MAX_LEAVES, MAX_NODES, measure, type Operand } from './fusion.js';
import { GpuHandle } from './handle.js';
import { scalarOf } from './host-values.js';
import type { MathNeeds } from './kernels/math.js';
import { readsInOrder } from './layout.js';

/**
 * An element-wise op over `shape` reading `views` (broadcast to `shape`): returns a lazy handle
 * (see `fusion.ts`), launching nothing. Host-known single values become numbers; a lazy operand
 * read in its own layout is inlined into the expression; anything else is read as a strided array.
 * `body` declares `y` from the operands' variable names.
 */
export function lazyElementwise(
  ctx: OpContext,
  name: string,
  shape: readonly number[],
  views: readonly View[],
  body: (values: readonly string[]) => readonly string[],
  needs: MathNeeds = {},
): GpuHandle {
  const size = sizeOf(shape);
  if (size === 0) return handOutHost(ctx, new Float32Array(0));
  const scalarValues: (number | undefined)[] = views.map((v) => scalarOf(v));
  // at least one operand stays an array (an op on constants alone still runs on the device)
  if (!scalarValues.includes(undefined)) scalarValues[0] = undefined;
  // Materialising one lazy operand releases its leaves, which another operand may have just
  // inlined: hold them until the new expression has retained what it reads.
  const pinned: GpuHandle[] = [];
  for (const v of views) {
    const lazy = asHandle(v.handle).lazy;
    if (lazy !== null) for (const l of lazy.handles) pinned.push(l);
  }
  for (const h of pinned) ctx.runner.retain(h);
  const operands = (inline: boolean): Operand[] =>
    views.map((v, k) => {
      const value = scalarValues[k];
      return value !== undefined ? { kind: 'scalar', value } : operand(ctx, v, shape, inline);
    });
  let root: ExprNode = { op: name, inputs: operands(true), lines: body, needs };
  let { leaves, nodes } = measure(root);
  if (leaves.length > MAX_LEAVES || nodes > MAX_NODES) {
    root = { op: name, inputs: operands(false), lines: body, needs };
    ({ leaves } = measure(root));
  }
  const handles = new Set(leaves.map((l) => l.handle));
  for (const h of handles) ctx.runner.retain(h);
  for (const h of pinned) ctx.runner.release(h);
  return ctx.counters.handOut(GpuHandle.lazy(size, { shape: [...shape], root, handles, inlined: false }));
}

/** How an element-wise op reads a view: the lazy expression itself when it can, else the array. */
function operand(ctx: OpContext, v: View, shape: readonly number[], inline: boolean): Operand {
  const h = asHandle(v.handle);
  const lazy = h.lazy;
  if (inline && lazy !== null && !lazy.inlined && readsInOrder(v, lazy.shape, shape)) {
    lazy.inlined = true; // a second consumer reads the computed array instead
    return { kind: 'node', node: lazy.root };
  }
  if (lazy !== null) ctx.runner.materialize(h);
  return { kind: 'leaf', leaf: { handle: h, offset: v.offset, strides: [...v.strides] } };
}
