/**
 * An optimizer made before `model.to(backend)` keeps training the model: PyTorch users write
 * `opt = Adam(model.parameters()); model.to(device)` and expect it to work. Module.to moves the
 * parameters in place, and the optimizer moves its state after them on the next step.
 */
import { wasmBackend } from '@dendrite/backend-wasm';
import * as nn from '@dendrite/nn';
import { Linear, MLP, Module, mse } from '@dendrite/nn';
import { type Backend, cpuBackend, Generator, type Tensor, tensor, tidy, ValueError } from '@dendrite/tensor';
import { describe, expect, it } from 'vitest';
import { Adam, AdamW } from './adam.js';
import * as optim from './index.js';
import type { Optimizer } from './optimizer.js';
import { SGD } from './sgd.js';

// y = sin(2x) on 16 points: a small regression an MLP fits in a few dozen steps.
const xs = Array.from({ length: 16 }, (_, i) => -2 + (4 * i) / 15);
const X = tensor(xs.map((x) => [x]));
const Y = tensor(xs.map((x) => [Math.sin(2 * x)]));

class Net extends Module {
  readonly mlp = new MLP(1, [16, 1], { activation: () => new nn.Tanh(), generator: new Generator(4) });
  forward(x: Tensor): Tensor {
    return this.mlp.forward(x);
  }
}

function train(net: Net, opt: Optimizer, steps: number): number[] {
  const b = net.parameters()[0].backend;
  const [x, y] = [X.to(b), Y.to(b)];
  const losses: number[] = [];
  for (let i = 0; i < steps; i++) {
    opt.zeroGrad();
    const loss = tidy(() => {
      const l = mse(net.forward(x), y);
      l.backward();
      return l;
    });
    losses.push(loss.itemSync());
    loss.dispose();
    opt.step();
  }
  return losses;
}

const makers: [string, (p: Tensor[]) => Optimizer][] = [
  ['Adam', (p) => new Adam(p, { lr: 0.02 })],
  ['AdamW', (p) => new AdamW(p, { lr: 0.02, amsgrad: true })],
  ['SGD with momentum', (p) => new SGD(p, { lr: 0.05, momentum: 0.9 })],
];
const targets: [string, Backend][] = [
  ['wasm', wasmBackend],
  ['cpu', cpuBackend],
];

describe('an optimizer created before model.to(backend)', () => {
  for (const [name, make] of makers) {
    it.each(targets)(
      `${name}: the loss keeps going down after to(%s), with the state moved along`,
      (_, target) => {
        const net = new Net();
        const opt = make(net.parameters());
        const before = train(net, opt, 15); // state exists on the CPU now
        net.to(target);
        const after = train(net, opt, 40);
        expect(after[0]).toBeLessThan(before[0]);
        expect(after[39]).toBeLessThan(after[0] * 0.8);
        for (const p of opt.parameters()) {
          expect(p.backend).toBe(target);
          for (const v of Object.values(opt.stateOf(p) ?? {}))
            if (typeof v === 'object') expect(v.backend).toBe(target);
        }
      },
    );
  }

  it('continues exactly as if the move had not happened (cpu → wasm, same values)', () => {
    const [a, b] = [new Net(), new Net()];
    const [optA, optB] = [new Adam(a.parameters(), { lr: 0.02 }), new Adam(b.parameters(), { lr: 0.02 })];
    train(a, optA, 5);
    train(b, optB, 5);
    b.to(wasmBackend);
    const la = train(a, optA, 5);
    const lb = train(b, optB, 5);
    lb.forEach((l, i) => expect(l).toBeCloseTo(la[i], 5));
  });

  it("to('float64'): parameters, gradients and state change dtype together", () => {
    const net = new Net();
    const opt = new Adam(net.parameters(), { lr: 0.02 });
    train(net, opt, 3);
    net.to('float64');
    const x = X.to('float64');
    opt.zeroGrad();
    mse(net.forward(x), Y.to('float64')).backward();
    opt.step();
    const s = opt.stateOf(net.parameters()[0]);
    expect(s?.expAvg.dtype).toBe('float64');
  });
});

describe('a stale parameter fails step() with one clear line, never a silent no-op', () => {
  it('a disposed parameter', () => {
    const lin = new Linear(2, 2);
    const opt = new SGD(lin.parameters(), { lr: 0.1 });
    lin.weight.dispose();
    expect(() => opt.step()).toThrow(ValueError);
    expect(() => opt.step()).toThrow(
      /^SGD\.step: parameter 0 of param group 0 \[2,2\] was disposed; the optimizer holds a stale tensor \(rebuild it from model\.parameters\(\)\)$/,
    );
  });

  it('a gradient on another backend than its parameter', () => {
    const lin = new Linear(2, 2);
    const opt = new Adam(lin.parameters());
    lin.weight.grad = tensor(
      [
        [1, 1],
        [1, 1],
      ],
      { backend: wasmBackend },
    );
    expect(() => opt.step()).toThrow(
      /^Adam\.step: parameter 0 of param group 0 \[2,2\] is float32 on 'cpu' but its \.grad is float32 on 'wasm'; move both/,
    );
  });
});

describe('names', () => {
  it('@dendrite/nn and @dendrite/optim export no name twice, so both import together', () => {
    const clash = Object.keys(optim).filter((k) => k in nn);
    expect(clash).toEqual([]);
    expect('linearSchedule' in optim && !('linear' in optim)).toBe(true);
  });
});
