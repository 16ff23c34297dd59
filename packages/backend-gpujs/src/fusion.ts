import { collapseDims, contiguousStrides } from '@dendrite/tensor';
import type { GpuHandle } from './handle.js';
import { address, kernelSource, names, splitIndex } from './kernels/codegen.js';
import type { MathNeeds } from './kernels/math.js';
import type { KernelSpec } from './kernels/spec.js';

/**
 * Element-wise fusion. An element-wise op (unary, binary, where, cast, copy) does not launch a
 * kernel: it returns a *lazy* handle holding an expression over device arrays ("leaves", each a
 * strided view) and numbers. An element-wise op on a lazy handle, reading it in its own layout,
 * grows the expression instead of reading memory. The expression becomes one kernel when
 * something needs the values: a non-element-wise kernel (matmul, reduce, …), a read, or a
 * second consumer (so no work is done three times). A lazy handle freed before that is never
 * computed at all.
 *
 * An optimizer update such as AdamW's (14 element-wise ops per parameter) becomes 3 kernels, and
 * the kernels a training step launches drop by about half (see the README). Each distinct
 * expression shape compiles once; sizes and numbers are arguments, so a training loop compiles
 * everything in its first step.
 */

/** One strided view of a device array that an expression reads. */
export interface Leaf {
  readonly handle: GpuHandle;
  readonly offset: number;
  /** Strides over the expression's shape (0 on broadcast dims). */
  readonly strides: readonly number[];
}

/** What an op node reads. */
export type Operand =
  | { readonly kind: 'leaf'; readonly leaf: Leaf }
  | { readonly kind: 'scalar'; readonly value: number }
  | { readonly kind: 'node'; readonly node: ExprNode };

/** One element-wise op: `lines(inputs)` declares `y` from the input variable names. */
export interface ExprNode {
  readonly op: string;
  readonly inputs: readonly Operand[];
  readonly lines: (inputs: readonly string[]) => readonly string[];
  readonly needs: MathNeeds;
}

/** A lazy handle's computation: element i of the (contiguous, row-major) `shape` is `root` at i. */
export interface LazyExpr {
  readonly shape: readonly number[];
  readonly root: ExprNode;
  /** Every device array the expression reads (each retained once by the lazy handle). */
  readonly handles: ReadonlySet<GpuHandle>;
  /** Whether an element-wise consumer has already inlined it (a second one materialises it instead). */
  inlined: boolean;
}

/** At most this many arrays per fused kernel (gpu.js's WebGPU kernels take 7). */
export const MAX_LEAVES = 6;
/** At most this many ops per fused kernel (keeps sources and compile times small). */
export const MAX_NODES = 32;

/** Distinct leaves (same array, offset and strides) and op nodes of an expression. */
export function measure(root: ExprNode): { leaves: Leaf[]; nodes: number } {
  const leaves = new Map<string, Leaf>();
  const seen = new Set<ExprNode>();
  const visit = (n: ExprNode) => {
    if (seen.has(n)) return;
    seen.add(n);
    for (const o of n.inputs) {
      if (o.kind === 'node') visit(o.node);
      else if (o.kind === 'leaf') leaves.set(leafKey(o.leaf), leaves.get(leafKey(o.leaf)) ?? o.leaf);
    }
  };
  visit(root);
  return { leaves: [...leaves.values()], nodes: seen.size };
}

function leafKey(l: Leaf): string {
  return `${l.handle.id}@${l.offset}:${l.strides.join(',')}`;
}

/** Renames the variables a snippet declares (`let x`) so that many snippets share one kernel. */
function renameLocals(lines: readonly string[], suffix: string): string[] {
  const declared = new Set<string>();
  for (const line of lines) for (const m of line.matchAll(/\blet\s+([A-Za-z_]\w*)/g)) declared.add(m[1]);
  if (declared.size === 0) return [...lines];
  const re = new RegExp(`\\b(${[...declared].join('|')})\\b`, 'g');
  return lines.map((line) =>
    line.replace(re, (name, _g, at: number) => (line[at - 1] === '.' ? name : `${name}${suffix}`)),
  );
}

/** A kernel computing `expr`, its array inputs (in parameter order) and its scalar arguments. */
export function compile(
  expr: LazyExpr,
  roundEachOp: boolean,
): { spec: KernelSpec; inputs: GpuHandle[]; scalars: number[] } {
  const { leaves } = measure(expr.root);
  const shape = expr.shape;
  const folded = collapseDims(shape, [contiguousStrides(shape), ...leaves.map((l) => l.strides)]);
  const rank = folded.shape.length;
  const coords = names('i', rank);
  const dims = names('n', rank);
  const arrays = leaves.map((_, k) => `x${k}`);
  const scalarParams: string[] = [];
  const scalarValues: number[] = [];
  leaves.forEach((l, k) => {
    scalarParams.push(`o${k}`, ...names(`s${k}_`, rank));
    scalarValues.push(l.offset, ...folded.strides[k + 1]);
  });
  const leafIndex = new Map(leaves.map((l, k) => [leafKey(l), k]));
  const body: string[] = [...splitIndex('this.thread.x', coords, dims)];
  leaves.forEach((_, k) => {
    body.push(`let a${k} = x${k}[${address(`o${k}`, coords, names(`s${k}_`, rank))}];`);
  });
  const needs: MathNeeds = {};
  const ops: string[] = [];
  const emitted = new Map<ExprNode, string>();
  let nextScalar = 0;
  let nextNode = 0;
  const emit = (n: ExprNode): string => {
    const done = emitted.get(n);
    if (done !== undefined) return done;
    const inputs = n.inputs.map((o) => {
      if (o.kind === 'node') return emit(o.node);
      if (o.kind === 'leaf') return `a${leafIndex.get(leafKey(o.leaf))}`;
      const name = `v${nextScalar++}`;
      scalarParams.push(name);
      scalarValues.push(o.value);
      return name;
    });
    const id = nextNode++;
    const suffix = `_${id}`;
    body.push(...renameLocals(n.lines(inputs), suffix));
    const out = `y${suffix}`;
    if (roundEachOp) body.push(`${out} = Math.fround(${out});`);
    if (n.needs.nan) needs.nan = true;
    if (n.needs.inf) needs.inf = true;
    ops.push(n.op);
    emitted.set(n, out);
    return out;
  };
  const result = emit(expr.root);
  body.push(`return ${result};`);
  const extra: string[] = [];
  if (needs.nan) {
    extra.push('nanv');
    scalarValues.push(Number.NaN);
  }
  if (needs.inf) {
    extra.push('infv');
    scalarValues.push(Number.POSITIVE_INFINITY);
  }
  // sizes go after the scalar operands, which are numbered in emission order
  const scalars = [...scalarParams, ...dims, ...extra];
  const values = [
    ...scalarValues.slice(0, scalarParams.length),
    ...folded.shape,
    ...scalarValues.slice(scalarParams.length),
  ];
  const label = ops.length <= 4 ? ops.join('+') : `${ops.slice(0, 3).join('+')}+…${ops.length}`;
  return {
    spec: {
      name: `${ops.length === 1 ? '' : 'fused:'}${label}:r${rank}`,
      source: kernelSource([...arrays, ...scalars], body),
      arrays,
      scalars,
    },
    inputs: leaves.map((l) => l.handle),
    scalars: values,
  };
}
