// The decision-boundary playground (course/layers.md) in Node: the datasets are seeded, an MLP with
// one small hidden layer learns XOR, and a network of linear layers only — at any depth — cannot.
import { describe, expect, it } from 'vitest';
import { buildMlp, DATASETS, makeDataset, Playground } from '../src/playground.js';

describe('playground datasets', () => {
  it('are the same for the same seed and differ for another', () => {
    for (const name of DATASETS) {
      const a = makeDataset(name, 120, 7);
      expect(makeDataset(name, 120, 7)).toEqual(a);
      expect(makeDataset(name, 120, 8).points).not.toEqual(a.points);
      expect(a.points).toHaveLength(120);
      expect(a.labels.filter((l) => l === 1)).toHaveLength(60);
      for (const [x, y] of a.points) expect(Math.max(Math.abs(x), Math.abs(y))).toBeLessThan(1.3);
    }
  });

  it('label XOR points by their quadrant, noise and all', () => {
    const { points, labels } = makeDataset('xor', 400, 3, 0.2);
    points.forEach(([x, y], i) => expect(x * y > 0 ? 1 : 0).toBe(labels[i]));
  });
});

describe('the playground model', () => {
  it('is Linear and activation layers from @dendrite/nn, ending in two logits', () => {
    const m = buildMlp([4, 3], 'relu', 1);
    expect(m.length).toBe(5);
    expect(m.numParameters()).toBe(2 * 4 + 4 + 4 * 3 + 3 + 3 * 2 + 2);
  });

  for (const [activation, hidden] of [
    ['tanh', [8]],
    ['tanh', [4]],
    ['sigmoid', [4]],
    ['gelu', [8]],
  ] as const) {
    it(`learns XOR to 100 % accuracy with one hidden layer of ${hidden[0]} ${activation} neurons within 400 steps`, () => {
      const p = new Playground({ dataset: 'xor', hidden: [...hidden], activation, seed: 1 });
      const start = p.loss;
      let steps = 0;
      while (p.evaluate().accuracy < 1 && steps < 400) {
        p.step();
        steps++;
      }
      expect(p.evaluate().accuracy).toBe(1);
      expect(p.loss).toBeLessThan(start);
      expect(p.curvature()).toBeGreaterThan(0.1); // the boundary is bent
      p.dispose();
    });
  }

  it('with linear activations only, at any depth, stays a straight line below 75 % on XOR', () => {
    for (const hidden of [[], [8], [8, 8], [16, 16, 16, 16]]) {
      for (const seed of [1, 2, 3]) {
        const p = new Playground({ dataset: 'xor', hidden, activation: 'identity', seed });
        p.train(300);
        expect(p.evaluate().accuracy).toBeLessThanOrEqual(0.75);
        expect(p.curvature()).toBeLessThan(1e-4); // rounding only: the margin is a plane
        p.dispose();
      }
    }
  });

  it('learns circles and the spiral with two tanh layers', () => {
    for (const dataset of ['circles', 'spiral'] as const) {
      const p = new Playground({ dataset, hidden: [8, 8], activation: 'tanh', seed: 1 });
      p.train(1000);
      expect(p.evaluate().accuracy).toBeGreaterThan(0.95);
      p.dispose();
    }
  });

  it('predicts a probability for every cell of the grid', () => {
    const p = new Playground({ hidden: [4], activation: 'tanh' });
    const g = p.grid(10);
    expect(g).toHaveLength(100);
    for (const v of g) expect(v >= 0 && v <= 1).toBe(true);
    p.dispose();
  });
});
