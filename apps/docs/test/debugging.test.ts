// The "why this matters" page (course/why-this-matters.md) in Node: every broken setting really
// breaks training, measured the way the page measures it, and every fix really fixes it. Fixed seeds,
// so each run is the same run the page shows.
import { describe, expect, it } from 'vitest';
import { courseCorpus } from '../src/corpus.js';
import { type Diagnosis, diagnose, Lab, LESSONS, type LessonId, Run } from '../src/debugging.js';
import { QUIRK_EXAMPLES, tokenize, trainQuirksTokenizer } from '../src/token-quirks.js';

// Each run takes 1–10 s alone (300 steps of a small network; 150 of the 10-layer one), so the
// describes that train state their own bound: ten times the slowest, for a loaded machine.
const TRAINING = { timeout: 300_000 };

const runs = new Map<string, Diagnosis>();
/** Runs a scenario to its end (as the page does, a step at a time) and diagnoses it. */
function play(lesson: LessonId, id: string): Diagnosis {
  const key = `${lesson}/${id}`;
  const cached = runs.get(key);
  if (cached) return cached;
  const run = new Run(lesson, id);
  while (!run.advance(1));
  const d = diagnose(run);
  run.dispose();
  runs.set(key, d);
  return d;
}

describe('the lab', () => {
  it('is deterministic for a seed', () => {
    const a = new Lab({ seed: 3 });
    const b = new Lab({ seed: 3 });
    a.train(5);
    b.train(5);
    expect(a.history).toEqual(b.history);
    a.dispose();
    b.dispose();
  });

  it('counts a unit as dead when it outputs 0 for every point', () => {
    const lab = new Lab({ biasInit: -3, hidden: [8] });
    expect(lab.step().dead).toBe(1); // |w·x| ≤ 1.5 < 3: no first-layer unit can fire
    lab.dispose();
    const healthy = new Lab({ biasInit: 0.5, hidden: [8] });
    expect(healthy.step().dead).toBe(0);
    healthy.dispose();
  });

  it('has every scenario of every lesson on the page', () => {
    for (const lesson of Object.values(LESSONS)) {
      expect(lesson.scenarios.filter((s) => s.broken).length).toBeGreaterThan(0);
      expect(lesson.scenarios.filter((s) => !s.broken).length).toBeGreaterThan(0);
    }
  });
});

describe('dead ReLUs', TRAINING, () => {
  it('a learning rate of 0.3 kills most units and the loss stalls at ln 2', () => {
    const d = play('dead-relu', 'large-lr');
    expect(d.first.dead).toBeLessThan(0.5);
    expect(d.last.dead).toBeGreaterThanOrEqual(0.75);
    expect(d.loss).toBeGreaterThan(0.65);
    expect(d.verdict).toBe('dead');
  });
  it('biases that start at −1 kill every first-layer unit before training starts', () => {
    const d = play('dead-relu', 'negative-bias');
    expect(d.first.dead).toBeGreaterThanOrEqual(0.5);
    expect(d.first.gradNorms[0]).toBe(0); // no gradient reaches the first layer
    expect(d.verdict).toBe('dead');
  });
  for (const fix of ['small-lr', 'gelu', 'positive-bias']) {
    it(`fix "${fix}": fewer dead units and a loss near zero`, () => {
      const d = play('dead-relu', fix);
      expect(d.last.dead).toBeLessThan(0.5);
      expect(d.loss).toBeLessThan(0.05);
      expect(d.accuracy).toBeGreaterThan(0.95);
      expect(d.verdict).toBe('learns');
    });
  }
  it('GELU leaves no unit dead', () => {
    expect(play('dead-relu', 'gelu').last.dead).toBe(0);
  });
});

describe('exploding and vanishing gradients', TRAINING, () => {
  it('weights N(0, 1) in 10 layers: activations grow layer after layer, gradients are huge, the loss goes non-finite', () => {
    const d = play('gradients', 'large-init');
    const std = d.first.actStd;
    expect(std[std.length - 1]).toBeGreaterThan(100 * std[0]);
    expect(Math.max(...d.first.gradNorms)).toBeGreaterThan(1e3);
    expect(Number.isFinite(d.last.loss) && d.last.gradNorms.every(Number.isFinite)).toBe(false);
    expect(d.verdict).toBe('explodes');
  });
  it('nn.Linear’s default init in 10 ReLU layers: the first layer’s gradient vanishes and the loss stays at ln 2', () => {
    const d = play('gradients', 'default-init');
    const g = d.first.gradNorms;
    expect(g[0]).toBeLessThan(1e-4);
    expect(g[g.length - 1] / g[0]).toBeGreaterThan(1e3);
    expect(d.loss).toBeGreaterThan(0.65);
    expect(d.verdict).toBe('vanishes');
  });
  for (const fix of ['kaiming', 'layernorm']) {
    it(`fix "${fix}": every layer's gradient within two orders of magnitude, activations stay the same size, the loss falls`, () => {
      const d = play('gradients', fix);
      const g = d.first.gradNorms;
      expect(Math.max(...g) / Math.min(...g)).toBeLessThan(100);
      expect(Math.max(...g)).toBeLessThan(10);
      const std = d.first.actStd;
      expect(Math.max(...std) / Math.min(...std)).toBeLessThan(5);
      expect(d.loss).toBeLessThan(0.05);
      expect(d.verdict).toBe('learns');
    });
  }
  it('fix "clip": clipGradNorm keeps every step finite and the loss falls, though the activations stay huge', () => {
    const d = play('gradients', 'clip');
    expect(Math.max(...d.first.gradNorms)).toBeGreaterThan(1e3); // measured before clipping
    expect(d.steps).toBe(LESSONS.gradients.steps);
    expect(Number.isFinite(d.loss)).toBe(true);
    expect(d.loss).toBeLessThan(0.05);
    expect(d.last.actStd[d.last.actStd.length - 1]).toBeGreaterThan(10);
    expect(d.verdict).toBe('learns');
  });
});

describe('a too-large learning rate', TRAINING, () => {
  it('SGD at 10 ends with a higher loss than it started', () => {
    const d = play('learning-rate', 'too-large');
    expect(d.loss).toBeGreaterThan(d.first.loss);
    expect(d.verdict).toBe('diverges');
  });
  it('SGD at 0.001 barely moves', () => {
    const d = play('learning-rate', 'too-small');
    expect(d.loss).toBeGreaterThan(0.9 * d.first.loss);
    expect(d.verdict).toBe('crawls');
  });
  it('SGD at 0.5 converges', () => {
    const d = play('learning-rate', 'good');
    expect(d.loss).toBeLessThan(0.1 * d.first.loss);
    expect(d.verdict).toBe('converges');
  });
});

describe('overfitting', TRAINING, () => {
  it('40 points and 2 × 32 units: train loss near 0, validation loss far above it', () => {
    const d = play('overfitting', 'small-data');
    expect(d.loss).toBeLessThan(0.01);
    expect(d.gap).toBeGreaterThan(0.3);
    expect(d.verdict).toBe('overfits');
  });
  for (const fix of ['more-data', 'weight-decay', 'smaller', 'early-stop']) {
    it(`fix "${fix}": the validation loss comes down and the gap shrinks`, () => {
      const broken = play('overfitting', 'small-data');
      const d = play('overfitting', fix);
      expect(d.gap).toBeLessThan(0.25);
      expect(d.gap).toBeLessThan(broken.gap * 0.6);
      expect(d.valLoss).toBeLessThan(broken.valLoss);
      expect(d.verdict).toBe('generalises');
    });
  }
  it('more data is the fix that also makes the validation loss small', () => {
    const more = play('overfitting', 'more-data').valLoss;
    expect(more).toBeLessThan(0.15);
    for (const fix of ['weight-decay', 'smaller', 'early-stop'])
      expect(play('overfitting', fix).valLoss).toBeGreaterThan(more);
  });
  it('early stopping stops before the last step and keeps the best step’s weights', () => {
    const run = new Run('overfitting', 'early-stop');
    while (!run.advance(1));
    expect(run.lab.stepCount).toBeLessThan(LESSONS.overfitting.steps);
    expect(run.bestStep).toBe(run.lab.stepCount - 40);
    run.dispose();
  });
});

describe('tokenization quirks', TRAINING, () => {
  const tok = trainQuirksTokenizer(courseCorpus());
  it('one word, four ways: a leading space and capitals change the tokens', () => {
    const n = (w: string) => tokenize(tok, w).ids.length;
    expect(n(' neuron')).toBe(1); // frequent in the course, with its space
    expect(n('neuron')).toBeGreaterThan(1);
    expect(n(' Neuron')).toBeGreaterThan(n(' neuron'));
    expect(n(' NEURON')).toBeGreaterThan(n(' Neuron'));
    expect(tokenize(tok, ' NEURON').letters).toBe(7);
  });
  it('splits a character outside ASCII across tokens and still decodes to the same text', () => {
    const t = tokenize(tok, ' café');
    expect(t.pieces).toContain('�');
    expect(tok.decode(t.ids)).toBe(' café');
  });
  it('shows the examples the page lists', () => {
    for (const w of QUIRK_EXAMPLES) expect(tokenize(tok, w).ids.length).toBeGreaterThan(0);
  });
});
