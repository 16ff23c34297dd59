import { ValueError } from '@dendrite/tensor';
import { describe, expect, it } from 'vitest';
import {
  constant,
  cosine,
  cosineWithWarmup,
  linearSchedule,
  sequential,
  stepDecay,
  warmup,
} from './schedule.js';
import { LRScheduler, setLearningRate } from './scheduler.js';
import { SGD } from './sgd.js';
import { param } from './test-utils.js';

/** nanoGPT's train.py `get_lr`, transcribed. */
function nanoGptGetLr(
  it: number,
  c: { lr: number; minLr: number; warmupIters: number; decayIters: number },
): number {
  // 1) linear warmup for warmup_iters steps
  if (it < c.warmupIters) return (c.lr * (it + 1)) / (c.warmupIters + 1);
  // 2) if it > lr_decay_iters, return min learning rate
  if (it > c.decayIters) return c.minLr;
  // 3) in between, use cosine decay down to min learning rate
  const decayRatio = (it - c.warmupIters) / (c.decayIters - c.warmupIters);
  const coeff = 0.5 * (1.0 + Math.cos(Math.PI * decayRatio));
  return c.minLr + coeff * (c.lr - c.minLr);
}

describe('schedules are functions of the iteration', () => {
  it('constant', () => {
    const s = constant(0.1);
    expect([0, 1, 1000].map(s)).toEqual([0.1, 0.1, 0.1]);
  });

  it('stepDecay (PyTorch StepLR)', () => {
    const s = stepDecay({ lr: 1, stepSize: 10, gamma: 0.5 });
    expect([0, 9, 10, 19, 20, 35].map(s)).toEqual([1, 1, 0.5, 0.5, 0.25, 0.125]);
    expect(stepDecay({ lr: 1, stepSize: 1 })(2)).toBeCloseTo(0.01, 15); // default γ 0.1
  });

  it('linearSchedule', () => {
    const s = linearSchedule({ from: 0, to: 1, iters: 4 });
    expect([0, 1, 2, 4, 100].map(s)).toEqual([0, 0.25, 0.5, 1, 1]);
  });

  it('cosine decays from lr to minLr and stays there', () => {
    const s = cosine({ lr: 1, minLr: 0.1, iters: 100 });
    expect(s(0)).toBe(1);
    expect(s(50)).toBeCloseTo(0.55, 15);
    expect(s(100)).toBe(0.1);
    expect(s(1000)).toBe(0.1);
    expect(s(25)).toBeCloseTo(0.1 + 0.9 * 0.5 * (1 + Math.SQRT1_2), 15);
  });

  it('cosineWithWarmup is nanoGPT’s get_lr (warmup, cosine decay, floor)', () => {
    const c = { lr: 6e-4, minLr: 6e-5, warmupIters: 2000, decayIters: 600000 };
    const s = cosineWithWarmup(c);
    for (const it of [0, 1, 999, 1999, 2000, 2001, 100000, 301000, 599999, 600000, 600001, 1e7]) {
      expect(s(it), `iteration ${it}`).toBe(nanoGptGetLr(it, c));
    }
    // Values at chosen steps, by hand.
    expect(s(0)).toBeCloseTo(6e-4 / 2001, 18); // first warmup step
    expect(s(1999)).toBeCloseTo((6e-4 * 2000) / 2001, 18); // last warmup step
    expect(s(2000)).toBe(6e-4); // peak
    expect(s(301000)).toBeCloseTo((6e-4 + 6e-5) / 2, 15); // halfway through the decay
    expect(s(600000)).toBe(6e-5); // the floor
  });

  it('warmup(then) composes with cosine to the same curve', () => {
    const c = { lr: 1e-3, minLr: 1e-4, warmupIters: 10, decayIters: 110 };
    const composed = warmup(10, cosine({ lr: 1e-3, minLr: 1e-4, iters: 100 }));
    const direct = cosineWithWarmup(c);
    for (let it = 0; it < 130; it++) expect(composed(it)).toBeCloseTo(direct(it), 15);
  });

  it('sequential runs schedules one after another, each counting from its start', () => {
    const s = sequential(
      [
        linearSchedule({ from: 0, to: 1, iters: 4 }),
        constant(1),
        stepDecay({ lr: 1, stepSize: 2, gamma: 0.5 }),
      ],
      [4, 6],
    );
    expect([0, 2, 4, 5, 6, 7, 8, 10].map(s)).toEqual([0, 0.5, 1, 1, 1, 1, 0.5, 0.25]);
  });

  it('warmup with 0 iterations is the schedule itself', () => {
    const s = warmup(0, constant(0.3));
    expect([0, 5].map(s)).toEqual([0.3, 0.3]);
  });

  it('bad arguments are ValueErrors naming the option', () => {
    expect(() => constant(-1)).toThrow(/constant: lr/);
    expect(() => stepDecay({ lr: 1, stepSize: 0 })).toThrow(/stepSize/);
    expect(() => cosine({ lr: 1, iters: 0 })).toThrow(/iters/);
    expect(() => cosineWithWarmup({ lr: 1, minLr: 0, warmupIters: 10, decayIters: 5 })).toThrow(/decayIters/);
    expect(() => sequential([constant(1), constant(2)], [])).toThrow(/milestones/);
    expect(() => sequential([constant(1), constant(2), constant(3)], [5, 5])).toThrow(/increase/);
    expect(() => warmup(-1, constant(1))).toThrow(ValueError);
  });
});

describe('LRScheduler', () => {
  it('sets iteration 0’s rate at construction and advances with step()', () => {
    const opt = new SGD([param([1])], { lr: 123 });
    const sched = new LRScheduler(opt, linearSchedule({ from: 0.1, to: 0.5, iters: 4 }));
    expect(opt.paramGroups[0].lr).toBe(0.1);
    const seen = [sched.getLastLr()[0]];
    for (let i = 0; i < 5; i++) {
      sched.step();
      seen.push(sched.getLastLr()[0]);
    }
    expect(seen).toEqual([0.1, 0.2, 0.30000000000000004, 0.4, 0.5, 0.5]);
    expect(sched.iteration).toBe(5);
  });

  it('one schedule sets every group; an array gives each group its own', () => {
    const opt = new SGD([{ params: [param([1])] }, { params: [param([1])] }], { lr: 1 });
    new LRScheduler(opt, constant(0.3));
    expect(opt.paramGroups.map((g) => g.lr)).toEqual([0.3, 0.3]);
    const s = new LRScheduler(opt, [constant(0.1), stepDecay({ lr: 0.2, stepSize: 1, gamma: 0.5 })]);
    s.step();
    expect(s.getLastLr()).toEqual([0.1, 0.1]);
    expect(() => new LRScheduler(opt, [constant(0.1)])).toThrow(/1 schedules for 2 param groups/);
  });

  it('resumes from its state dict at the same rate', () => {
    const schedule = cosineWithWarmup({ lr: 1, minLr: 0.1, warmupIters: 3, decayIters: 20 });
    const a = new LRScheduler(new SGD([param([1])]), schedule);
    for (let i = 0; i < 7; i++) a.step();
    const saved = JSON.parse(JSON.stringify(a.stateDict()));
    expect(saved).toEqual({ iteration: 7 });
    const b = new LRScheduler(new SGD([param([1])]), schedule);
    b.loadStateDict(saved);
    expect(b.getLastLr()).toEqual(a.getLastLr());
    a.step();
    b.step();
    expect(b.getLastLr()).toEqual(a.getLastLr());
    expect(() => b.loadStateDict({ iteration: -1 })).toThrow(ValueError);
  });

  it('rejects a schedule that yields a negative or non-finite rate', () => {
    const opt = new SGD([param([1])]);
    expect(() => new LRScheduler(opt, () => -1)).toThrow(/lr must be/);
    expect(() => new LRScheduler(opt, () => Number.NaN)).toThrow(ValueError);
  });
});

describe('setLearningRate', () => {
  it('sets one rate for every group, or one per group', () => {
    const opt = new SGD([{ params: [param([1])] }, { params: [param([1])] }], { lr: 1 });
    setLearningRate(opt, 0.01);
    expect(opt.paramGroups.map((g) => g.lr)).toEqual([0.01, 0.01]);
    setLearningRate(opt, [0.1, 0.2]);
    expect(opt.paramGroups.map((g) => g.lr)).toEqual([0.1, 0.2]);
    expect(() => setLearningRate(opt, [0.1])).toThrow(ValueError);
    expect(() => setLearningRate(opt, -0.1)).toThrow(/lr/);
  });
});
