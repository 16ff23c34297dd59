import { describe, expect, it } from 'vitest';
import { type BinaryOp, COMPARISON_OPS, type UnaryOp } from '../../backend.js';
import { tensor } from '../../creation.js';
import { listOps } from '../../dispatch.js';
import { applyBinary, applyUnary } from '../elementwise.js';
import { BINARY_OPS, BINARY_SPEC, binarySpec, type DifferentiableBinaryOp } from './binary.js';
import { UNARY_OPS, UNARY_SPEC, unarySpec } from './unary.js';

describe('the element-wise op specs', () => {
  it('the registry lists exactly the spec ops, with the spec math, in spec order', () => {
    const ofKind = (...kinds: string[]) => listOps().filter((o) => kinds.includes(o.kind));
    expect(ofKind('unary').map((o) => o.name)).toEqual([...UNARY_OPS]);
    expect(ofKind('binary', 'comparison').map((o) => o.name)).toEqual([...BINARY_OPS]);
    for (const o of ofKind('unary')) expect(o.math).toBe(UNARY_SPEC[o.name as UnaryOp].math);
    for (const o of ofKind('binary', 'comparison')) expect(o.math).toBe(BINARY_SPEC[o.name as BinaryOp].math);
    expect([...COMPARISON_OPS]).toEqual(BINARY_OPS.filter((op) => BINARY_SPEC[op].dtype === 'comparison'));
  });

  it('every test range is a non-empty interval, and every not-differentiable reason names its op', () => {
    const ranges = [
      ...UNARY_OPS.map((op) => [op, unarySpec(op).domain] as const),
      ...BINARY_OPS.flatMap((op) => [
        [op, binarySpec(op).domain.a] as const,
        [op, binarySpec(op).domain.b] as const,
      ]),
    ];
    for (const [op, r] of ranges) {
      expect(r.low, op).toBeLessThan(r.high);
      if (r.gap !== undefined) expect(r.gap, op).toBeLessThan(Math.min(-r.low, r.high));
    }
    for (const op of BINARY_OPS) {
      const reason = binarySpec(op).notDifferentiable;
      if (reason !== undefined) expect(reason).toContain(`'${op}'`);
    }
  });

  it('applyUnary follows each spec dtype rule', () => {
    for (const op of UNARY_OPS) {
      const keeps = UNARY_SPEC[op].dtype === 'int-preserving';
      expect(applyUnary(op, tensor([1, 2], { dtype: 'int32' })).dtype, op).toBe(keeps ? 'int32' : 'float32');
      expect(applyUnary(op, tensor([true, false])).dtype, op).toBe(keeps ? 'int32' : 'float32');
      expect(applyUnary(op, tensor([1, 2], { dtype: 'float64' })).dtype, op).toBe('float64');
    }
  });

  it('applyBinary follows each spec dtype rule', () => {
    const expected = {
      arithmetic: ['int32', 'int32'],
      float: ['float32', 'float32'],
      logical: ['int32', 'bool'],
      comparison: ['bool', 'bool'],
    };
    for (const op of BINARY_OPS) {
      const [fromInts, fromBools] = expected[BINARY_SPEC[op].dtype];
      const i = tensor([1, 2], { dtype: 'int32' });
      const b = tensor([true, false]);
      expect(applyBinary(op, i, i).dtype, op).toBe(fromInts);
      expect(applyBinary(op, b, b).dtype, op).toBe(fromBools);
    }
  });

  // Type-level checks, run by `tsc` (the package's typecheck script): should the spec stop typing the
  // unions and the tables, an expected error vanishes and tsc reports the unused directive.
  it('a per-op table without an op, a composite as a primitive and a rule for a comparison do not compile', () => {
    const everyUnary = Object.fromEntries(UNARY_OPS.map((op) => [op, 0])) as Record<UnaryOp, number>;
    const { erf: _erf, ...withoutErf } = everyUnary;
    // @ts-expect-error a per-op table without 'erf' is not a Record<UnaryOp, …>
    const table: Record<UnaryOp, number> = withoutErf;
    // @ts-expect-error 'softplus' is a composite, not a primitive unary op
    const composite: UnaryOp = 'softplus';
    // @ts-expect-error a comparison has no gradient, so autograd's rule table has no key for it
    const comparisonRule: DifferentiableBinaryOp = 'lt';
    expect(Object.keys(table)).not.toContain('erf');
    expect(UNARY_OPS).not.toContain(composite);
    expect(COMPARISON_OPS.has(comparisonRule)).toBe(true);
  });
});
