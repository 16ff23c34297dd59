import { wasmBackend } from '@dendrite/backend-wasm';
import {
  type Backend,
  cpuBackend,
  Generator,
  liveStorageCount,
  type Tensor,
  tensor,
  tidy,
  zeros,
} from '@dendrite/tensor';
import { describe, expect, it } from 'vitest';
import { Embedding } from './layers/embedding.js';
import { Linear } from './layers/linear.js';
import { crossEntropy } from './losses.js';
import { Module, parameter } from './module.js';

class Net extends Module {
  readonly wte = new Embedding(6, 4, { generator: new Generator(1) });
  readonly fc = new Linear(4, 4, { generator: new Generator(2) });
  readonly head = new Linear(4, 6, { bias: false, generator: new Generator(3) });
  readonly gain = parameter(tensor([1]));
  constructor() {
    super();
    (this.head as unknown as { weight: Tensor }).weight = this.wte.weight; // tied, as a GPT's LM head
    this.registerBuffer('steps', zeros([1], { dtype: 'int32' }));
    this.registerBuffer('mask', zeros([2]));
  }
  forward(ids: Tensor): Tensor {
    return this.head.forward(this.fc.forward(this.wte.forward(ids)).tanh().mul(this.gain));
  }
}

const ids = tensor([0, 1, 2, 3, 4, 5], { dtype: 'int32' });
const targets = tensor([1, 2, 3, 4, 5, 0], { dtype: 'int32' });

/** Loss of `net` on the toy batch, on the net's backend. */
function lossOf(net: Net): Tensor {
  const b = net.fc.weight.backend;
  return crossEntropy(net.forward(ids.to(b)), targets.to(b));
}

/** Plain SGD on a list of parameters captured *before* the move: what an optimizer holds. */
function sgdSteps(net: Net, params: readonly Tensor[], steps: number): number[] {
  const losses: number[] = [];
  for (let i = 0; i < steps; i++) {
    for (const p of params) p.grad = null;
    const loss = lossOf(net);
    losses.push(loss.itemSync());
    loss.backward();
    tidy(() => {
      for (const p of params) if (p.grad) p.assign(p.sub(p.grad.mul(0.5)).detach()); // θ ← θ − ηg
    });
  }
  return losses;
}

describe('Module.to moves in place', () => {
  it.each([
    ['wasm', wasmBackend],
    ['cpu', cpuBackend],
  ] as [string, Backend][])(
    'to(%s) after capturing the parameters: same objects, and training continues',
    (_, target) => {
      const net = new Net();
      const params = net.parameters(); // an optimizer made now holds these
      const before = sgdSteps(net, params, 3);
      const grad = net.fc.weight.grad;
      const buffers = net.buffers();

      expect(net.to(target)).toBe(net);
      expect(net.parameters()).toEqual(params);
      net.parameters().forEach((p, i) => {
        expect(p).toBe(params[i]);
        expect(p.backend).toBe(target);
        expect(p.requiresGrad).toBe(true);
      });
      expect(net.fc.weight.grad).toBe(grad); // gradients move too, keeping their identity
      expect(grad?.backend).toBe(target);
      expect(net.buffers()).toEqual(buffers);
      expect(net.buffers().every((b) => b.backend === target)).toBe(true);
      expect(net.head.weight).toBe(net.wte.weight); // still tied

      const after = sgdSteps(net, params, 20);
      expect(before[2]).toBeLessThan(before[0]);
      expect(after[0]).toBeLessThan(before[2]); // the step after the move changed these very weights
      expect(after[19]).toBeLessThan(after[0] * 0.5);
    },
  );

  it('to(wasm) and back: the values are unchanged by the moves', () => {
    const net = new Net();
    const w = net.fc.weight.toArraySync();
    net.to(wasmBackend).to('cpu');
    expect(net.fc.weight.backend).toBe(cpuBackend);
    expect(net.fc.weight.toArraySync()).toEqual(w);
  });

  it("to('float64') converts float parameters, gradients and buffers in place; int buffers keep their dtype", () => {
    const net = new Net();
    const params = net.parameters();
    lossOf(net).backward();
    const steps = (net as unknown as { steps: Tensor }).steps;
    net.to('float64');
    expect(net.parameters()).toEqual(params);
    expect(params.every((p) => p.dtype === 'float64' && p.requiresGrad)).toBe(true);
    expect(net.fc.weight.grad?.dtype).toBe('float64');
    expect(steps.dtype).toBe('int32');
    expect((net as unknown as { mask: Tensor }).mask.dtype).toBe('float64');
    const losses = sgdSteps(net, params, 10);
    expect(losses[9]).toBeLessThan(losses[0]);
  });

  it('frees the old storage: moving back and forth does not grow memory', () => {
    const net = new Net();
    net.to(wasmBackend).to(cpuBackend);
    const live = liveStorageCount();
    for (let i = 0; i < 5; i++) net.to(wasmBackend).to(cpuBackend);
    expect(liveStorageCount()).toBe(live);
  });

  it('checks everything before moving anything: an impossible move leaves the module as it was', () => {
    const f32only: Backend = {
      ...cpuBackend,
      name: 'cpu-f32-only',
      dtypes: new Set(['float32', 'int32', 'bool']),
    };
    const net = new Net();
    const extra = new Linear(2, 2, { dtype: 'float64' });
    (net as unknown as { extra: Linear }).extra = extra;
    expect(() => net.to(f32only)).toThrow(/Net\.to: backend 'cpu-f32-only' does not support float64/);
    expect(net.parameters().every((p) => p.backend === cpuBackend)).toBe(true);
    expect(() => net.to('no-such-backend')).toThrow(/Net\.to: no backend or dtype named 'no-such-backend'/);
  });

  it('a tensor made by the net after the move lives on the new backend', () => {
    const net = new Net().to(wasmBackend);
    const out = net.forward(ids.to(wasmBackend));
    expect(out.backend).toBe(wasmBackend);
    expect(out.shape).toEqual([6, 6]);
  });
});
