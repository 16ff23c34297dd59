/**
 * The backpropagation page: a computation graph recorded by @dendrite/autograd, exported with
 * `exportGraph`, annotated with forward values and gradients, and laid out in layers for an SVG.
 */
import { exportGraph, type GraphJSON, type GraphNode } from '@dendrite/autograd';
import { type Tensor, tensor } from '@dendrite/tensor';

export interface GraphValues {
  /** Forward value of each box (scalars; vectors are listed element by element). */
  value: Record<string, number[]>;
  /** dL/d(box) after backward (leaves and intermediates; constants have none). */
  grad: Record<string, number[]>;
  /** Display names of the constants (inputs without gradients). */
  name: Record<string, string>;
}

export interface AnnotatedGraph {
  graph: GraphJSON;
  values: GraphValues;
  loss: number;
}

const f64 = (v: number | number[]) => tensor(v, { dtype: 'float64' });
const values = (t: Tensor) => Array.from(t.dataSync());

/** Records `build` with the named tensors, runs backward, and matches every graph box to its tensor. */
function annotate(
  named: Record<string, Tensor>,
  build: () => { loss: Tensor; ops: { out: Tensor; inputs: Tensor[] }[] },
): AnnotatedGraph {
  const { loss, ops } = build();
  for (const op of ops) if (op.out !== loss) op.out.retainGrad();
  const names = new Map(Object.entries(named).map(([k, t]) => [t, k]));
  const graph = exportGraph(loss, { names });
  loss.backward();
  const v: GraphValues = { value: {}, grad: {}, name: {} };
  for (const [t, name] of names) {
    const id = `t${t.id}`;
    v.value[id] = values(t);
    if (t.grad) v.grad[id] = values(t.grad);
    v.name[id] = name;
  }
  for (const op of ops) {
    const fn = op.out.gradFn;
    if (!fn) continue;
    const id = `n${fn.id}`;
    v.value[id] = values(op.out);
    v.grad[id] = op.out === loss ? [1] : op.out.grad ? values(op.out.grad) : [];
    // A constant input of this op is exported as `c<node>_<input>`.
    op.inputs.forEach((input, i) => {
      const cid = `c${fn.id}_${i}`;
      v.value[cid] = values(input);
      const name = names.get(input);
      if (name) v.name[cid] = name;
    });
  }
  return { graph, values: v, loss: loss.itemSync() };
}

/** L = (w·x + b − t)²: one weight, one input, squared error. */
export function neuronGraph(p: { w: number; b: number; x: number; t: number }): AnnotatedGraph {
  const w = f64(p.w).requiresGrad_();
  const b = f64(p.b).requiresGrad_();
  const x = f64(p.x);
  const t = f64(p.t);
  return annotate({ w, b, x, t }, () => {
    const wx = w.mul(x);
    const y = wx.add(b);
    const diff = y.sub(t);
    const loss = diff.mul(diff);
    return {
      loss,
      ops: [
        { out: wx, inputs: [w, x] },
        { out: y, inputs: [wx, b] },
        { out: diff, inputs: [y, t] },
        { out: loss, inputs: [diff, diff] },
      ],
    };
  });
}

/** L = (ReLU(w·x + b) − t)² with three inputs: the neuron of the course, vectors and all. */
export function vectorNeuronGraph(p: { w: number[]; b: number; x: number[]; t: number }): AnnotatedGraph {
  const w = f64(p.w).requiresGrad_();
  const b = f64(p.b).requiresGrad_();
  const x = f64(p.x);
  const t = f64(p.t);
  return annotate({ w, b, x, t }, () => {
    const wx = w.mul(x);
    const s = wx.sum();
    const z = s.add(b);
    const out = z.relu();
    const diff = out.sub(t);
    const loss = diff.mul(diff);
    return {
      loss,
      ops: [
        { out: wx, inputs: [w, x] },
        { out: s, inputs: [wx] },
        { out: z, inputs: [s, b] },
        { out, inputs: [z] },
        { out: diff, inputs: [out, t] },
        { out: loss, inputs: [diff, diff] },
      ],
    };
  });
}

export interface PlacedNode extends GraphNode {
  x: number;
  y: number;
  layer: number;
}

export interface Layout {
  nodes: PlacedNode[];
  edges: { from: string; to: string; input: number; path: string }[];
  width: number;
  height: number;
  /** Half a box's width. */
  half: number;
}

/** Where boxes go: column and row pitch, the margin, and half a box's width (edges start at its side). */
export interface Spacing {
  x: number;
  y: number;
  pad: number;
  half: number;
}

/**
 * A layered left-to-right layout: each box's column is its longest path from an input; rows are
 * ordered by the mean row of their inputs (one barycentre pass), then centred.
 */
export function layoutGraph(g: GraphJSON, spacing: Spacing = { x: 150, y: 78, pad: 50, half: 44 }): Layout {
  const incoming = new Map<string, string[]>();
  for (const n of g.nodes) incoming.set(n.id, []);
  for (const e of g.edges) incoming.get(e.to)?.push(e.from);
  const layer = new Map<string, number>();
  const depth = (id: string, seen = new Set<string>()): number => {
    const known = layer.get(id);
    if (known !== undefined) return known;
    if (seen.has(id)) return 0;
    seen.add(id);
    const ins = incoming.get(id) ?? [];
    const d = ins.length === 0 ? 0 : 1 + Math.max(...ins.map((i) => depth(i, seen)));
    layer.set(id, d);
    return d;
  };
  for (const n of g.nodes) depth(n.id);
  const columns: string[][] = [];
  for (const n of g.nodes) {
    const c = layer.get(n.id)!;
    columns[c] = [...(columns[c] ?? []), n.id];
  }
  const row = new Map<string, number>();
  columns.forEach((col, c) => {
    if (c > 0) {
      const bary = (id: string) => {
        const ins = incoming.get(id) ?? [];
        return ins.length ? ins.reduce((s, i) => s + (row.get(i) ?? 0), 0) / ins.length : 0;
      };
      col.sort((a, b) => bary(a) - bary(b));
    }
    col.forEach((id, r) => row.set(id, r));
  });
  const tallest = Math.max(...columns.map((c) => c.length));
  const margin = Math.max(spacing.pad, spacing.half + 6); // the widest box stays inside the picture
  const byId = new Map(g.nodes.map((n) => [n.id, n]));
  const nodes: PlacedNode[] = [];
  columns.forEach((col, c) => {
    const offset = (tallest - col.length) / 2;
    col.forEach((id, r) => {
      nodes.push({
        ...byId.get(id)!,
        layer: c,
        x: margin + c * spacing.x,
        y: spacing.pad + (r + offset) * spacing.y,
      });
    });
  });
  const at = new Map(nodes.map((n) => [n.id, n]));
  const edges = g.edges.map((e) => {
    const a = at.get(e.from)!;
    const b = at.get(e.to)!;
    // Two edges between the same boxes (x·x) bow apart so both stay visible.
    const twin = g.edges.some((o) => o !== e && o.from === e.from && o.to === e.to);
    const bend = twin ? (e.input === 0 ? -16 : 16) : 0;
    const mx = (a.x + b.x) / 2;
    const path = `M${a.x + spacing.half},${a.y} C${mx},${a.y + bend} ${mx},${b.y + bend} ${b.x - spacing.half},${b.y}`;
    return { ...e, path };
  });
  return {
    nodes,
    edges,
    width: margin * 2 + (columns.length - 1) * spacing.x,
    half: spacing.half,
    height: spacing.pad * 2 + (tallest - 1) * spacing.y,
  };
}
