import { ones, type Tensor, tensor, zeros } from '@dendrite/tensor';
import { describe, expect, it } from 'vitest';
import { ModuleList } from './containers.js';
import { StateDictError } from './errors.js';
import { Embedding } from './layers/embedding.js';
import { LayerNorm } from './layers/layernorm.js';
import { Linear } from './layers/linear.js';
import { Module, parameter } from './module.js';

class Tiny extends Module {
  readonly fc1 = new Linear(3, 4);
  readonly blocks = new ModuleList([new Linear(4, 4), new Linear(4, 4, { bias: false })]);
  readonly ln = new LayerNorm(4);
  readonly scale = parameter(ones([1]));
  readonly notAParam: Tensor = zeros([2]);
  constructor() {
    super();
    this.registerBuffer('steps', zeros([1]));
    this.registerBuffer('scratch', zeros([1]), false);
  }
  forward(x: Tensor): Tensor {
    let h = this.fc1.forward(x);
    for (const b of this.blocks) h = b.forward(h).tanh();
    return this.ln.forward(h).mul(this.scale);
  }
}

class Tied extends Module {
  readonly wte = new Embedding(5, 3);
  readonly head = new Linear(3, 5, { bias: false });
  constructor() {
    super();
    (this.head as unknown as { weight: Tensor }).weight = this.wte.weight;
  }
  forward(ids: Tensor): Tensor {
    return this.head.forward(this.wte.forward(ids));
  }
}

describe('Module', () => {
  it('registers submodules and parameters by assignment, with dotted names in order', () => {
    const m = new Tiny();
    expect([...m.namedParameters()].map(([n]) => n)).toEqual([
      'scale',
      'fc1.weight',
      'fc1.bias',
      'blocks.0.weight',
      'blocks.0.bias',
      'blocks.1.weight',
      'ln.weight',
      'ln.bias',
    ]);
    expect(m.parameters().every((p) => p.requiresGrad)).toBe(true);
    expect(m.numParameters()).toBe(1 + 12 + 4 + 16 + 4 + 16 + 4 + 4);
    expect([...m.namedModules()].map(([n]) => n)).toEqual([
      '',
      'fc1',
      'blocks',
      'blocks.0',
      'blocks.1',
      'ln',
    ]);
    expect([...m.namedBuffers()].map(([n]) => n)).toEqual(['steps', 'scratch']);
  });

  it('stateDict holds parameters and persistent buffers, not plain tensors', () => {
    const sd = new Tiny().stateDict();
    expect(Object.keys(sd)).toContain('steps');
    expect(Object.keys(sd)).not.toContain('scratch');
    expect(Object.keys(sd)).not.toContain('notAParam');
    expect(sd['blocks.1.weight'].shape).toEqual([4, 4]);
  });

  it('train() and eval() set the mode of every submodule', () => {
    const m = new Tiny().eval();
    expect([...m.modules()].every((x) => !x.training)).toBe(true);
    m.train();
    expect(m.blocks.at(1).training).toBe(true);
  });

  it('zeroGrad clears gradients; apply visits children before the parent', () => {
    const m = new Tiny();
    m.forward(tensor([[1, 2, 3]]))
      .sum()
      .backward();
    expect(m.fc1.weight.grad).not.toBeNull();
    m.zeroGrad();
    expect(m.parameters().every((p) => p.grad === null)).toBe(true);
    const seen: string[] = [];
    m.apply((x) => seen.push(x.constructor.name));
    expect(seen).toEqual(['Linear', 'Linear', 'Linear', 'ModuleList', 'LayerNorm', 'Tiny']);
  });

  it('prints a readable tree with parameter counts', () => {
    const text = new Tiny().toString();
    expect(text).toContain('(fc1): Linear(in=3, out=4, bias=true)  # 16 params');
    expect(text).toContain('(blocks): ModuleList(');
    expect(text).toContain('(0): Linear(in=4, out=4, bias=true)  # 20 params');
    expect(text.trim().endsWith('# 61 params')).toBe(true);
  });

  it('puts a module’s own settings on a line of their own when it has children, as PyTorch does', () => {
    class Holder extends Module {
      static override readonly typeName = 'Holder';
      readonly inner = new Linear(2, 2, { bias: false });
      override extraRepr(): string {
        return 'size=2';
      }
      forward(x: never): never {
        return x;
      }
    }
    expect(new Holder().toString()).toBe(
      ['Holder(', '  size=2', '  (inner): Linear(in=2, out=2, bias=false)  # 4 params', ')  # 4 params'].join(
        '\n',
      ),
    );
  });

  it('names modules by their static typeName; a subclass without one by its own constructor', () => {
    class Wide extends Linear {}
    class Named extends Linear {
      static override readonly typeName = 'Projection';
    }
    expect(new Linear(2, 3).typeName).toBe('Linear');
    expect(new Tiny().typeName).toBe('Tiny'); // no static: the constructor's name
    expect(new Wide(2, 3).typeName).toBe('Wide'); // not the inherited 'Linear'
    expect(new Named(2, 3).toString()).toBe('Projection(in=2, out=3, bias=true)  # 9 params');
  });

  it('loads a state dict, converting dtype, and reports every problem at once', () => {
    const a = new Tiny();
    const b = new Tiny();
    b.loadStateDict(a.stateDict());
    expect(b.fc1.weight.toArraySync()).toEqual(a.fc1.weight.toArraySync());
    expect(b.fc1.weight.requiresGrad).toBe(true);

    const sd: Record<string, Tensor> = { ...a.stateDict(), extra: zeros([1]) };
    delete sd['ln.bias'];
    sd['fc1.weight'] = zeros([2, 2]);
    let error: unknown;
    try {
      b.loadStateDict(sd);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(StateDictError);
    const e = error as StateDictError;
    expect(e.missingKeys).toEqual(['ln.bias']);
    expect(e.unexpectedKeys).toEqual(['extra']);
    expect(e.message).toContain('fc1.weight: expected [4,3], got [2,2]');

    delete sd.extra;
    sd['fc1.weight'] = a.fc1.weight.to('float64');
    const result = b.loadStateDict(sd, { strict: false });
    expect(result.missingKeys).toEqual(['ln.bias']);
    expect(b.fc1.weight.dtype).toBe('float32');
  });

  it('tied weights are listed once as parameters, under both names in the state dict', () => {
    const m = new Tied();
    expect([...m.namedParameters()].map(([n]) => n)).toEqual(['wte.weight']);
    expect(Object.keys(m.stateDict()).sort()).toEqual(['head.weight', 'wte.weight']);
    const other = new Tied();
    other.loadStateDict({ 'wte.weight': m.wte.weight });
    expect(other.head.weight.toArraySync()).toEqual(m.wte.weight.toArraySync());
  });

  it('to(dtype) converts parameters and keeps them trainable', () => {
    const m = new Tiny().to('float64');
    expect(m.parameters().every((p) => p.dtype === 'float64' && p.requiresGrad)).toBe(true);
    expect(m.forward(tensor([[1, 2, 3]], { dtype: 'float64' })).dtype).toBe('float64');
  });
});
