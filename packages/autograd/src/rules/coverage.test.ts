import '../index.js';
import { listOps } from '@dendrite/tensor';
import { describe, expect, it } from 'vitest';
import { isDifferentiable, notDifferentiableReason } from './registry.js';

describe('gradient rule coverage', () => {
  it('every primitive op of the tensor core has a rule or an explicit not-differentiable mark', () => {
    const missing = listOps()
      .map((op) => op.name)
      .filter((name) => isDifferentiable(name) === undefined);
    expect(missing).toEqual([]);
  });

  it('not-differentiable ops explain why', () => {
    expect(notDifferentiableReason('argmax')).toMatch(/integer positions/);
    expect(notDifferentiableReason('lt')).toMatch(/comparison/);
    expect(notDifferentiableReason('add')).toBeUndefined();
  });
});
