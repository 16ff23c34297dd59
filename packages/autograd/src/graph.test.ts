import './index.js';
import { tensor } from '@dendrite/tensor';
import { describe, expect, it } from 'vitest';
import { exportGraph, setGraphName, toDot } from './graph.js';

describe('graph export', () => {
  it('exports a small network as JSON with ops, leaves, constants and shapes', () => {
    const x = tensor([[1, 2, 3]]);
    const w = setGraphName(tensor([[0.1], [0.2], [0.3]]).requiresGrad_(), 'w');
    const b = setGraphName(tensor([0.5]).requiresGrad_(), 'b');
    const y = x.matmul(w).add(b).relu();
    const g = exportGraph(y);
    const ops = g.nodes.filter((n) => n.kind === 'op').map((n) => n.op);
    expect(ops.sort()).toEqual(['add', 'matmul', 'relu']);
    const leaves = g.nodes.filter((n) => n.kind === 'leaf').map((n) => n.label);
    expect(leaves.sort()).toEqual(['b', 'w']);
    expect(g.nodes.filter((n) => n.kind === 'constant')).toHaveLength(1); // x
    const matmul = g.nodes.find((n) => n.op === 'matmul')!;
    expect(matmul.shape).toEqual([1, 1]);
    expect(matmul.math).toContain('Σ');
    expect(g.edges).toHaveLength(5);
    expect(g.nodes.find((n) => n.id === g.output)?.op).toBe('relu');
  });

  it('renders DOT with ellipses for ops and boxes for tensors', () => {
    const w = tensor([1, 2]).requiresGrad_();
    const dot = toDot(w.mul(2).sum(), { names: { weight: w } });
    expect(dot.startsWith('digraph dendrite {')).toBe(true);
    expect(dot).toMatch(/shape=ellipse, label="mul\\n\[2\]"/);
    expect(dot).toMatch(/shape=box.*label="weight \[2\] · grad"/);
    expect(dot).toMatch(/-> n\d+;/);
    expect(dot.trim().endsWith('}')).toBe(true);
  });

  it('a tensor without a graph exports as a single box', () => {
    const g = exportGraph(tensor([1, 2]));
    expect(g.nodes).toHaveLength(1);
    expect(g.nodes[0].kind).toBe('constant');
    expect(g.edges).toHaveLength(0);
  });
});
