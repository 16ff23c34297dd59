import { Generator, tensor } from '@dendrite/tensor';
import { describe, expect, it } from 'vitest';
import { Sequential } from './containers.js';
import { StateDictError } from './errors.js';
import { ReLU } from './layers/activations.js';
import { Linear } from './layers/linear.js';
import { decodeSafetensors, encodeSafetensors } from './safetensors/index.js';

const net = (seed: number) =>
  new Sequential(
    new Linear(2, 3, { generator: new Generator(seed) }),
    new ReLU(),
    new Linear(3, 1, { generator: new Generator(seed + 1) }),
  );

function errorOf(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error');
}

describe('loadStateDict takes decoded safetensors and plain entries', () => {
  const source = net(1);
  const bytes = encodeSafetensors(source.stateDict());

  it('the { tensors, metadata } object decodeSafetensors returns, as it is', () => {
    const target = net(5);
    const params = target.parameters();
    target.loadStateDict(decodeSafetensors(bytes));
    expect(target.parameters()).toEqual(params); // same objects
    expect(target.stateDict()['0.weight'].toArraySync()).toEqual(
      source.stateDict()['0.weight'].toArraySync(),
    );
  });

  it('its .tensors ({ dtype, shape, data } entries), converted to each parameter’s dtype', () => {
    const target = net(5);
    const { tensors } = decodeSafetensors(encodeSafetensors(source.to('float64').stateDict()));
    source.to('float32');
    expect(tensors['0.weight'].dtype).toBe('float64');
    target.loadStateDict(tensors);
    expect(target.stateDict()['0.weight'].dtype).toBe('float32');
    expect(target.stateDict()['2.bias'].toArraySync()).toEqual(source.stateDict()['2.bias'].toArraySync());
  });

  it('entries written by hand, mixed with tensors; the dtype may be left out', () => {
    const target = net(5);
    target.loadStateDict({
      ...source.stateDict(),
      '0.bias': { shape: [3], data: new Float32Array([1, 2, 3]) },
    });
    expect(target.stateDict()['0.bias'].toArraySync()).toEqual([1, 2, 3]);
  });

  it('a value that is neither says what it is and how to fix it (the error of today was "is not a Tensor")', () => {
    const target = net(5);
    const sd: Record<string, unknown> = { ...source.stateDict(), '0.weight': new Float32Array(6) };
    const e = errorOf(() => target.loadStateDict(sd as never));
    expect(e).toBeInstanceOf(StateDictError);
    expect(e.message).toMatch(
      /^loadStateDict into Sequential: '0\.weight' is a Float32Array of 6 values without a shape, not a Tensor or a \{ dtype, shape, data \} entry; .*loadWeights\(model, path\) from '@dendrite\/nn\/node'$/,
    );
    expect(errorOf(() => target.loadStateDict(new Map() as never)).message).toMatch(
      /got a Map \(use Object\.fromEntries\(map\)\)/,
    );
    expect(
      errorOf(() =>
        target.loadStateDict({ '0.bias': { shape: [2], data: new Float32Array(3) } }, { strict: false }),
      ).message,
    ).toMatch(/'0\.bias' has shape \[2\] \(2 values\) but 3 values/);
  });

  it('shape mismatches, missing and unexpected keys are listed together, and nothing is loaded', () => {
    const target = net(5);
    const w = target.stateDict()['2.weight'].toArraySync();
    const { tensors } = decodeSafetensors(bytes);
    const bad = {
      ...tensors,
      '0.weight': { dtype: 'float32' as const, shape: [2, 2], data: new Float32Array(4) },
      extra: tensors['2.bias'],
    };
    delete (bad as Record<string, unknown>)['0.bias'];
    const e = errorOf(() => target.loadStateDict(bad)) as StateDictError;
    expect(e.missingKeys).toEqual(['0.bias']);
    expect(e.unexpectedKeys).toEqual(['extra']);
    expect(e.message).toContain('0.weight: expected [3,2], got [2,2]');
    expect(target.stateDict()['2.weight'].toArraySync()).toEqual(w);
  });

  it('keys behind one extra prefix (torch.compile’s _orig_mod.) get a hint', () => {
    const target = net(5);
    const prefixed = Object.fromEntries(
      Object.entries(source.stateDict()).map(([k, v]) => [`_orig_mod.${k}`, v]),
    );
    expect(errorOf(() => target.loadStateDict(prefixed)).message).toMatch(
      /every unexpected key is a missing key with the prefix '_orig_mod\.'/,
    );
  });

  it('a parameter really named "tensors" is not mistaken for a decoded file', () => {
    const t = tensor([1, 2]);
    const m = net(5);
    expect(() => m.loadStateDict({ tensors: t } as never)).toThrow(/unexpected keys: tensors/);
  });
});
