import '../index.js';
import { type DifferentiableUnaryOp, listOps, UNARY_OPS } from '@dendrite/tensor';
import { describe, expect, it } from 'vitest';
import { type GradRule, isDifferentiable, notDifferentiableReason } from './registry.js';

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

  // Type-level check, run by `tsc` (the package's typecheck script): the rule tables in
  // elementwise.ts are typed `satisfies Record<DifferentiableUnaryOp, GradRule>` (and binary alike),
  // so a rule table without one of the spec's differentiable ops does not compile.
  it('a unary rule table without one of the spec ops does not compile', () => {
    const entries = UNARY_OPS.map((op): [string, GradRule] => [op, { backward: () => [] }]);
    const every = Object.fromEntries(entries) as Record<DifferentiableUnaryOp, GradRule>;
    const { erf: _erf, ...withoutErf } = every;
    // @ts-expect-error a unary rule table without 'erf' is missing a differentiable op
    const table: Record<DifferentiableUnaryOp, GradRule> = withoutErf;
    expect(Object.keys(table)).not.toContain('erf');
  });
});
