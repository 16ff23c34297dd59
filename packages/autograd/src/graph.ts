import type { Tensor } from '@dendrite/tensor';
import { getMeta } from './meta.js';
import type { Node } from './node.js';

/** One box of an exported graph. */
export interface GraphNode {
  id: string;
  /** `op`: a recorded op; `leaf`: a tensor gradients flow into; `constant`: an input without gradient. */
  kind: 'op' | 'leaf' | 'constant';
  /** Display text, e.g. `matmul`, `w1`, `const`. */
  label: string;
  /** The op name (op nodes). */
  op?: string;
  /** One-line math of the op (op nodes). */
  math?: string;
  /** Shape of the value this box produces. */
  shape: number[];
  dtype: string;
  requiresGrad: boolean;
}

/** An arrow of an exported graph: a value flowing into an op. */
export interface GraphEdge {
  from: string;
  to: string;
  /** Input position at the receiving op. */
  input: number;
}

/** A computation graph as plain JSON: what the docs draw. */
export interface GraphJSON {
  nodes: GraphNode[];
  edges: GraphEdge[];
  /** Id of the box that produces the exported tensor. */
  output: string;
}

/** Options of {@link exportGraph} and {@link toDot}. */
export interface ExportOptions {
  /** Labels for leaf tensors (e.g. a module's named parameters). */
  names?: Map<Tensor, string> | Record<string, Tensor>;
}

function nameTable(names: ExportOptions['names']): Map<Tensor, string> {
  if (!names) return new Map();
  if (names instanceof Map) return names;
  return new Map(Object.entries(names).map(([k, t]) => [t, k]));
}

/** Gives a tensor a label for graph exports. */
export function setGraphName(t: Tensor, name: string): Tensor {
  const m = (t.meta ?? {}) as { name?: string };
  if (t.meta === undefined) {
    t.meta = { requiresGrad: false, grad: null, gradFn: null, retainGrad: false, name };
  } else m.name = name;
  return t;
}

/**
 * The graph that produced `t`: every recorded op, the leaves gradients flow into and the constant
 * inputs, with shapes and whether each needs a gradient (micrograd's `draw_dot`, for tensors).
 */
export function exportGraph(t: Tensor, options: ExportOptions = {}): GraphJSON {
  const names = nameTable(options.names);
  const nodes: GraphNode[] = [];
  const edges: GraphEdge[] = [];
  const seen = new Set<string>();
  const leafLabel = (x: Tensor) => names.get(x) ?? getMeta(x)?.name ?? `leaf#${x.id}`;
  const addLeaf = (x: Tensor): string => {
    const id = `t${x.id}`;
    if (!seen.has(id)) {
      seen.add(id);
      nodes.push({
        id,
        kind: 'leaf',
        label: leafLabel(x),
        shape: [...x.shape],
        dtype: x.dtype,
        requiresGrad: x.requiresGrad,
      });
    }
    return id;
  };
  const root = getMeta(t)?.gradFn ?? null;
  if (!root) {
    const id = addLeaf(t);
    if (!t.requiresGrad) nodes[0].kind = 'constant';
    return { nodes, edges, output: id };
  }
  const stack: Node[] = [root];
  seen.add(`n${root.id}`);
  while (stack.length > 0) {
    const node = stack.pop() as Node;
    const id = `n${node.id}`;
    nodes.push({
      id,
      kind: 'op',
      label: node.op,
      op: node.op,
      math: node.math,
      shape: [...node.output.shape],
      dtype: node.output.dtype,
      requiresGrad: true,
    });
    node.edges.forEach((edge, i) => {
      let from: string;
      if (edge === null) {
        from = `c${node.id}_${i}`;
        const meta = node.inputs[i];
        nodes.push({
          id: from,
          kind: 'constant',
          label: 'const',
          shape: [...meta.shape],
          dtype: meta.dtype,
          requiresGrad: false,
        });
      } else if (edge.kind === 'leaf') from = addLeaf(edge.tensor);
      else {
        from = `n${edge.node.id}`;
        if (!seen.has(from)) {
          seen.add(from);
          stack.push(edge.node);
        }
      }
      edges.push({ from, to: id, input: i });
    });
  }
  return { nodes, edges, output: `n${root.id}` };
}

function dotEscape(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
}

/** Graphviz DOT text of a graph (or of the graph behind a tensor): ops as ellipses, tensors as boxes. */
export function toDot(graphOrTensor: GraphJSON | Tensor, options: ExportOptions = {}): string {
  const g = 'nodes' in graphOrTensor ? graphOrTensor : exportGraph(graphOrTensor, options);
  const lines = ['digraph dendrite {', '  rankdir=LR;', '  node [fontname="Helvetica", fontsize=11];'];
  for (const n of g.nodes) {
    const shape = `[${n.shape.join(',')}]`;
    if (n.kind === 'op') {
      lines.push(`  ${n.id} [shape=ellipse, label="${dotEscape(n.label)}\\n${shape}"];`);
    } else {
      const style = n.kind === 'leaf' && n.requiresGrad ? ', style=filled, fillcolor="#dbeafe"' : '';
      const tag = n.requiresGrad ? ' · grad' : '';
      lines.push(`  ${n.id} [shape=box${style}, label="${dotEscape(`${n.label} ${shape}${tag}`)}"];`);
    }
  }
  for (const e of g.edges) lines.push(`  ${e.from} -> ${e.to};`);
  lines.push('}');
  return lines.join('\n');
}
