import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { tensor } from './creation.js';
import { DTypeError, ShapeError, ValueError } from './errors.js';
import {
  abs,
  add,
  clamp,
  cos,
  div,
  eq,
  erf,
  exp,
  ge,
  gelu,
  gt,
  le,
  log,
  log1p,
  lt,
  maskedFill,
  maximum,
  minimum,
  mul,
  ne,
  neg,
  pow,
  relu,
  rsqrt,
  sigmoid,
  sign,
  sin,
  sqrt,
  square,
  sub,
  tanh,
  where,
} from './ops/elementwise.js';
import type { Tensor } from './tensor.js';
import {
  arbBroadcastableTo,
  arbLayout,
  arbShape,
  arbValues,
  at,
  broadcastIndex,
  build,
  expectClose,
  expectTensor,
  nest,
  PROPERTY_PARAMS,
  refBroadcast,
  values,
  withLayout,
} from './test-utils.js';

const NaN_ = Number.NaN;
const INF = Number.POSITIVE_INFINITY;

describe('unary ops: hand-computed values', () => {
  it('neg, abs and sign keep int32 and turn bool into int32', () => {
    expectTensor(neg(tensor([1.5, -2])), [-1.5, 2], 'float32');
    expectTensor(neg(tensor([3, -4], { dtype: 'int32' })), [-3, 4], 'int32');
    expectTensor(neg(tensor([true, false])), [-1, 0], 'int32');
    expectTensor(abs(tensor([-3, 2], { dtype: 'int32' })), [3, 2], 'int32');
    expectTensor(abs(tensor([-0.5, 2, -INF])), [0.5, 2, INF], 'float32');
    expectTensor(abs(tensor([true, false])), [1, 0], 'int32');
    expectClose(sign(tensor([-2.5, 0, 3, NaN_])), [-1, 0, 1, NaN_], 0, 'float32');
    expectTensor(sign(tensor([-7, 0, 9], { dtype: 'int32' })), [-1, 0, 1], 'int32');
    expectTensor(sign(tensor([-7, 9], { dtype: 'float64' })), [-1, 1], 'float64');
  });

  it('exp and log, with the edge values of log', () => {
    expectClose(exp(tensor([0, 1, -1])), [1, Math.E, 0.36787944117144233], 1e-7, 'float32');
    expectClose(exp(tensor([-INF, INF, NaN_])), [0, INF, NaN_], 0);
    expectClose(log(tensor([1, Math.E, 2], { dtype: 'float64' })), [0, 1, Math.LN2], 1e-15, 'float64');
    expectClose(log(tensor([0, -1, NaN_])), [-INF, NaN_, NaN_], 0);
  });

  it('log1p: known values, accurate where log(1 + x) is not, its edges and dtype rule', () => {
    // ln 2, −ln 2, ln e = 1; ln(1 + 10⁻¹⁰) = 10⁻¹⁰ − 10⁻²⁰/2 + … (log(1 + x) is off by 8e-8 relative there)
    const x = tensor([1, -0.5, Math.E - 1, 1e-10, -1e-10], { dtype: 'float64' });
    const want = [Math.LN2, -Math.LN2, 1, 9.9999999995e-11, -1.00000000005e-10];
    const got = log1p(x).dataSync();
    want.forEach((w, i) => {
      expect(Math.abs(got[i] - w) / Math.abs(w)).toBeLessThan(2e-16);
    });
    expect(Math.abs(log(x.add(1)).dataSync()[3] - 1e-10) / 1e-10).toBeGreaterThan(1e-8);
    // float32: 1 + 1e-7 rounds to 1.0000001192…, yet log1p keeps every digit of 1e-7
    expect(log1p(tensor([1e-7])).dataSync()[0]).toBe(Math.fround(9.999999500000033e-8));
    expectClose(log1p(tensor([-1, -2, INF, -INF, NaN_, 0])), [-INF, NaN_, INF, NaN_, NaN_, 0], 0, 'float32');
    expect(Object.is(log1p(tensor([-0])).dataSync()[0], -0)).toBe(true);
    expectClose(log1p(tensor([0, 1, 3], { dtype: 'int32' })), [0, Math.LN2, Math.log(4)], 1e-7, 'float32');
    expectClose(log1p(tensor([true, false])), [Math.LN2, 0], 1e-7, 'float32');
    expectClose(tensor([1, 3], { dtype: 'float64' }).log1p(), [Math.LN2, Math.log(4)], 1e-15, 'float64');
    expect(() => log1p([1, 2] as never)).toThrow(DTypeError);
    expect(() => log1p(null as never)).toThrow(/log1p: input must be a Tensor, got null/);
  });

  it('sqrt and rsqrt', () => {
    expectClose(sqrt(tensor([4, 2, 0, -1])), [2, Math.SQRT2, 0, NaN_], 1e-7, 'float32');
    expectClose(rsqrt(tensor([4, 0.25, 0, INF])), [0.5, 2, INF, 0], 1e-7, 'float32');
  });

  it('tanh, sigmoid and relu', () => {
    expectClose(tanh(tensor([0, 1, -INF, 30])), [0, 0.7615941559557649, -1, 1], 1e-7);
    expectClose(
      sigmoid(tensor([0, 2, -2, -1000, 1000], { dtype: 'float64' })),
      [0.5, 0.8807970779778823, 0.11920292202211755, 0, 1],
      1e-15,
      'float64',
    );
    expectClose(relu(tensor([-1, 0.5, 2, NaN_])), [0, 0.5, 2, NaN_], 0, 'float32');
  });

  it('gelu: the exact erf form and the tanh approximation', () => {
    const x = tensor([-1, 0, 1, 2], { dtype: 'float64' });
    expectClose(gelu(x), [-0.15865525393145707, 0, 0.8413447460685429, 1.9544997361036416], 1e-14, 'float64');
    expectClose(
      gelu(x, { approximate: 'tanh' }),
      [-0.15880800939172324, 0, 0.8411919906082768, 1.954597694087775],
      1e-14,
    );
    expect(() => gelu(x, { approximate: 'fast' as never })).toThrow(ValueError);
    expect(() => gelu(x, { approximate: 'fast' as never })).toThrow(
      /gelu: approximate must be 'none' or 'tanh', got "fast"/,
    );
  });

  it('sin and cos', () => {
    expectClose(sin(tensor([0, Math.PI / 2, -Math.PI / 6], { dtype: 'float64' })), [0, 1, -0.5], 1e-15);
    expectClose(cos(tensor([0, Math.PI, Math.PI / 3], { dtype: 'float64' })), [1, -1, 0.5], 1e-15);
  });

  it('erf is accurate to float64 precision across its ranges', () => {
    const x = tensor([0, 0.1, 0.5, 1, -2, 3.5, 4, -5, 7, INF, -INF, NaN_], { dtype: 'float64' });
    const want = [
      0,
      0.1124629160182849,
      0.5204998778130465,
      0.8427007929497149,
      -0.9953222650189527,
      0.9999992569016276,
      0.9999999845827421,
      -0.9999999999984626,
      1,
      1,
      -1,
      NaN_,
    ];
    expectClose(erf(x), want, 1e-15, 'float64');
  });

  it('float ops promote int32 and bool inputs to float32 and keep float64', () => {
    expect(exp(tensor([1], { dtype: 'int32' })).dtype).toBe('float32');
    expect(sqrt(tensor([true])).dtype).toBe('float32');
    expect(relu(tensor([-1, 3], { dtype: 'int32' })).dtype).toBe('float32');
    expectTensor(relu(tensor([-1, 3], { dtype: 'int32' })), [0, 3]);
    expect(tanh(tensor([1], { dtype: 'float64' })).dtype).toBe('float64');
  });

  it('preserves shape, including 0-d and empty tensors', () => {
    expect(exp(tensor(0)).shape).toEqual([]);
    expect(exp(tensor(0)).itemSync()).toBe(1);
    expect(neg(tensor([[], []])).shape).toEqual([2, 0]);
  });

  it('has Tensor method forms', () => {
    const x = tensor([-1, 4]);
    expectClose(x.abs().sqrt(), [1, 2], 0);
    expectClose(x.neg().relu(), [1, 0], 0);
    expectClose(x.exp().log(), [-1, 4], 1e-6);
    expectClose(x.square(), [1, 16], 0);
    expectClose(
      x.sign().sigmoid().tanh(),
      [Math.tanh(1 / (1 + Math.E)), Math.tanh(1 / (1 + Math.exp(-1)))],
      1e-6,
    );
    expectClose(tensor([0]).sin().cos(), [1], 0);
    expectClose(tensor([0]).erf().rsqrt(), [INF], 0);
    expectClose(tensor([1]).gelu({ approximate: 'tanh' }), [0.8411919906082768], 1e-7);
  });
});

describe('binary ops: hand-computed values and promotion', () => {
  it('add, sub, mul, div on float32 with broadcasting', () => {
    const a = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    const b = tensor([10, 20, 30]);
    expectTensor(add(a, b), [
      [11, 22, 33],
      [14, 25, 36],
    ]);
    expectTensor(sub(a, b), [
      [-9, -18, -27],
      [-6, -15, -24],
    ]);
    expectTensor(mul(a, tensor([[2], [-1]])), [
      [2, 4, 6],
      [-4, -5, -6],
    ]);
    expectTensor(div(a, 2), [
      [0.5, 1, 1.5],
      [2, 2.5, 3],
    ]);
    expect(add(a, b).dtype).toBe('float32');
  });

  it('int32 arithmetic stays int32 (wrapping on overflow) and division yields float32', () => {
    const a = tensor([7, -7, 2147483647], { dtype: 'int32' });
    const b = tensor([2, 2, 1], { dtype: 'int32' });
    expectTensor(add(a, b), [9, -5, -2147483648], 'int32');
    expectTensor(sub(a, b), [5, -9, 2147483646], 'int32');
    expectTensor(mul(a, tensor([3], { dtype: 'int32' })), [21, -21, 2147483645], 'int32');
    expectTensor(div(a.slice(0, 0, 2), b.slice(0, 0, 2)), [3.5, -3.5], 'float32');
    expectTensor(pow(tensor([2, 3], { dtype: 'int32' }), 2), [4, 9], 'int32');
  });

  it('promotes bool < int32 < float32 < float64, and numbers adopt the tensor dtype', () => {
    const i = tensor([1, 2], { dtype: 'int32' });
    const f = tensor([0.5, 0.5]);
    const d = tensor([0.25, 0.25], { dtype: 'float64' });
    const bl = tensor([true, false]);
    expectTensor(add(i, f), [1.5, 2.5], 'float32');
    expectTensor(add(f, d), [0.75, 0.75], 'float64');
    expectTensor(add(bl, bl), [2, 0], 'int32');
    expectTensor(add(bl, i), [2, 2], 'int32');
    expectTensor(add(bl, 1), [2, 1], 'int32');
    expectTensor(add(bl, 0.5), [1.5, 0.5], 'float32');
    expectTensor(add(i, 2), [3, 4], 'int32');
    expectTensor(add(i, 2.5), [3.5, 4.5], 'float32');
    expectTensor(mul(3, i), [3, 6], 'int32');
    expectTensor(sub(1, f), [0.5, 0.5], 'float32');
    expectTensor(div(1, d), [4, 4], 'float64');
    expectTensor(div(bl, 2), [0.5, 0], 'float32');
    expect(add(f, 1e10).dtype).toBe('float32');
  });

  it('division by zero and NaN follow IEEE', () => {
    expectClose(div(tensor([1, -1, 0, NaN_]), 0), [INF, -INF, NaN_, NaN_], 0);
    expectClose(add(tensor([1, NaN_]), tensor([NaN_, 2])), [NaN_, NaN_], 0);
    expectClose(mul(tensor([INF]), 0), [NaN_], 0);
  });

  it('pow', () => {
    expectClose(pow(tensor([2, 3, 4]), tensor([3, 2, 0.5])), [8, 9, 2], 0, 'float32');
    expectClose(pow(tensor([-8, 0, 2]), tensor([1 / 3, 0, -1])), [NaN_, 1, 0.5], 1e-7);
    expectClose(pow(2, tensor([0, 1, 10], { dtype: 'float64' })), [1, 2, 1024], 0, 'float64');
  });

  it('maximum and minimum propagate NaN', () => {
    expectClose(maximum(tensor([1, 5, NaN_, 2]), tensor([3, 4, 1, NaN_])), [3, 5, NaN_, NaN_], 0);
    expectClose(minimum(tensor([1, 5, NaN_, 2]), tensor([3, 4, 1, NaN_])), [1, 4, NaN_, NaN_], 0);
    expectTensor(maximum(tensor([-3, 8], { dtype: 'int32' }), 0), [0, 8], 'int32');
    expectTensor(minimum(tensor([-3, 8], { dtype: 'int32' }), 0.5), [-3, 0.5], 'float32');
  });

  it('comparisons return bool, and NaN compares unequal to everything', () => {
    const a = tensor([1, 2, 3, NaN_]);
    const b = tensor([2, 2, 2, NaN_]);
    expectTensor(eq(a, b), [0, 1, 0, 0], 'bool');
    expectTensor(ne(a, b), [1, 0, 1, 1], 'bool');
    expectTensor(lt(a, b), [1, 0, 0, 0], 'bool');
    expectTensor(le(a, b), [1, 1, 0, 0], 'bool');
    expectTensor(gt(a, b), [0, 0, 1, 0], 'bool');
    expectTensor(ge(a, b), [0, 1, 1, 0], 'bool');
  });

  it('comparisons promote their operands first', () => {
    const i = tensor([1, 2, 3], { dtype: 'int32' });
    expectTensor(lt(i, 2.5), [1, 1, 0], 'bool');
    expectTensor(eq(i, tensor([1, 2.5, 3])), [1, 0, 1], 'bool');
    expectTensor(eq(tensor([true, false]), tensor([true, true])), [1, 0], 'bool');
    expectTensor(eq(tensor([true, false]), 1), [1, 0], 'bool');
    expectTensor(gt(tensor([[1], [3]]), tensor([2, 0])), [
      [0, 1],
      [1, 1],
    ]);
  });

  it('has Tensor method forms', () => {
    const a = tensor([1, 4]);
    expectClose(a.add(1).sub(2).mul(3).div(4).pow(2), [0, (9 / 4) ** 2], 1e-7);
    expectTensor(a.maximum(2).minimum(3), [2, 3]);
    expectTensor(a.eq(1), [1, 0]);
    expectTensor(a.ne(1), [0, 1]);
    expectTensor(a.lt(2), [1, 0]);
    expectTensor(a.le(4), [1, 1]);
    expectTensor(a.gt(1), [0, 1]);
    expectTensor(a.ge(5), [0, 0]);
  });

  it('rejects operands that are not tensors or numbers, and non-broadcastable shapes', () => {
    expect(() => add(tensor([1]), '2' as never)).toThrow(DTypeError);
    expect(() => add(1 as never, 2 as never)).toThrow(/add: at least one operand must be a Tensor/);
    expect(() => add(tensor([1, 2, 3]), tensor([1, 2]))).toThrow(ShapeError);
    expect(() => add(tensor([1, 2, 3]), tensor([1, 2]))).toThrow(
      /add: shapes \[3\] and \[2\] cannot be broadcast: dim -1 is 3 vs 2/,
    );
  });
});

describe('where, maskedFill, clamp, square', () => {
  it('where picks element-wise with broadcasting', () => {
    const cond = tensor([[true], [false]]);
    expectTensor(where(cond, tensor([1, 2, 3]), tensor([-1, -2, -3])), [
      [1, 2, 3],
      [-1, -2, -3],
    ]);
    expectTensor(where(tensor([true, false, true]), tensor([1, 2, 3]), 0), [1, 0, 3], 'float32');
    expectTensor(where(tensor([true, false]), 9, tensor([1, 2], { dtype: 'int32' })), [9, 2], 'int32');
    expectTensor(where(tensor([true, false]), tensor([1, 2], { dtype: 'int32' }), 0.5), [1, 0.5], 'float32');
    expectTensor(tensor([5, 6]).where(tensor([false, true]), -1), [-1, 6]);
  });

  it('where needs a bool condition', () => {
    expect(() => where(tensor([1, 0]), tensor([1, 2]), 0)).toThrow(DTypeError);
    expect(() => where(tensor([1, 0]), tensor([1, 2]), 0)).toThrow(
      /where: condition must be bool, got float32/,
    );
    expect(() => where(tensor([true, false, true]), tensor([1, 2]), 0)).toThrow(ShapeError);
  });

  it('maskedFill writes the value where the mask is true', () => {
    const x = tensor([
      [1, 2],
      [3, 4],
    ]);
    const causal = tensor([
      [false, true],
      [false, false],
    ]);
    expectClose(maskedFill(x, causal, -INF), [
      [1, -INF],
      [3, 4],
    ]);
    expectTensor(x.maskedFill(tensor([true, false]), 0), [
      [0, 2],
      [0, 4],
    ]);
    expectTensor(
      maskedFill(tensor([1, 2], { dtype: 'int32' }), tensor([true, false]), 0.5),
      [0.5, 2],
      'float32',
    );
    expectTensor(maskedFill(tensor([1, 2], { dtype: 'int32' }), tensor([true, false]), 7), [7, 2], 'int32');
  });

  it('maskedFill rejects a non-bool mask, a mask larger than the input and a non-number value', () => {
    const x = tensor([1, 2]);
    expect(() => maskedFill(x, tensor([1, 0]), 0)).toThrow(/maskedFill: mask must be bool, got float32/);
    expect(() => maskedFill(x, tensor([[true, false]]), 0)).toThrow(
      /maskedFill: mask \[1,2\] must broadcast to the input's shape \[2\]/,
    );
    expect(() => maskedFill(x, tensor([true, false]), 'x' as never)).toThrow(DTypeError);
  });

  it('clamp limits to [min, max], either bound optional', () => {
    const x = tensor([-2, 0.5, 3, NaN_]);
    expectClose(clamp(x, 0, 1), [0, 0.5, 1, NaN_], 0);
    expectClose(clamp(x, 0), [0, 0.5, 3, NaN_], 0);
    expectClose(clamp(x, null, 1), [-2, 0.5, 1, NaN_], 0);
    expectTensor(clamp(tensor([-5, 5], { dtype: 'int32' }), -1, 1), [-1, 1], 'int32');
    expectTensor(x.slice(0, 0, 3).clamp(-1, 2), [-1, 0.5, 2]);
    expect(() => clamp(x)).toThrow(/clamp: give at least one of min and max/);
    expect(() => clamp(x, 2, 1)).toThrow(/clamp: min 2 is greater than max 1/);
  });

  it('square keeps the dtype', () => {
    expectTensor(square(tensor([-3, 2], { dtype: 'int32' })), [9, 4], 'int32');
    expectTensor(square(tensor([0.5], { dtype: 'float64' })), [0.25], 'float64');
  });
});

// ---- property tests against a naive nested-array reference ----------------------------------------

type Ref = (a: number, b: number) => number;
const BINARY_REFS: [string, (a: Tensor, b: Tensor) => Tensor, Ref][] = [
  ['add', add, (a, b) => a + b],
  ['sub', sub, (a, b) => a - b],
  ['mul', mul, (a, b) => a * b],
  ['maximum', maximum, (a, b) => Math.max(a, b)],
  ['minimum', minimum, (a, b) => Math.min(a, b)],
  ['lt', lt, (a, b) => (a < b ? 1 : 0)],
  ['eq', eq, (a, b) => (a === b ? 1 : 0)],
  ['ge', ge, (a, b) => (a >= b ? 1 : 0)],
];

/** Two operand shapes that broadcast to a common output, with values and layouts for each. */
const arbBroadcastCase = arbShape({ maxRank: 4, maxDim: 3 })
  .chain((out) => fc.tuple(arbBroadcastableTo(out), arbBroadcastableTo(out)))
  .chain(([sa, sb]) =>
    fc.record({
      sa: fc.constant(sa),
      sb: fc.constant(sb),
      va: arbValues(sa, -4, 4),
      vb: arbValues(sb, -4, 4),
      la: arbLayout(sa),
      lb: arbLayout(sb),
    }),
  );

describe('broadcasting (property tests)', () => {
  it('binary ops match explicit index loops for any broadcastable shapes and layouts', () => {
    fc.assert(
      fc.property(arbBroadcastCase, ({ sa, sb, va, vb, la, lb }) => {
        const da = nest(va, sa);
        const db = nest(vb, sb);
        const a = withLayout(da, sa, la);
        const b = withLayout(db, sb, lb);
        const out = refBroadcast(sa, sb) as number[];
        for (const [name, fn, ref] of BINARY_REFS) {
          const want = build(out, (idx) =>
            ref(at(da, broadcastIndex(idx, sa)), at(db, broadcastIndex(idx, sb))),
          );
          const got = fn(a, b);
          expect(got.shape, name).toEqual(out);
          expect(got.toArraySync(), name).toEqual(want);
        }
      }),
      PROPERTY_PARAMS,
    );
  });

  it('where broadcasts all three operands', () => {
    fc.assert(
      fc.property(
        arbShape({ maxRank: 3, maxDim: 3 }).chain((out) =>
          fc
            .tuple(arbBroadcastableTo(out), arbBroadcastableTo(out), arbBroadcastableTo(out))
            .chain(([sc, sa, sb]) =>
              fc.tuple(
                fc.constant([sc, sa, sb] as const),
                arbValues(sc, 0, 1),
                arbValues(sa),
                arbValues(sb),
                arbLayout(sc),
              ),
            ),
        ),
        ([[sc, sa, sb], vc, va, vb, lc]) => {
          const dc = nest(vc, sc);
          const da = nest(va, sa);
          const db = nest(vb, sb);
          const out = refBroadcast(refBroadcast(sc, sa) as number[], sb) as number[];
          const want = build(out, (idx) =>
            at(dc, broadcastIndex(idx, sc))
              ? at(da, broadcastIndex(idx, sa))
              : at(db, broadcastIndex(idx, sb)),
          );
          const got = where(withLayout(dc, sc, lc, 'bool'), tensor(da as number[]), tensor(db as number[]));
          expect(got.toArraySync()).toEqual(want);
        },
      ),
      PROPERTY_PARAMS,
    );
  });

  it('shapes that do not broadcast throw a ShapeError naming both shapes', () => {
    fc.assert(
      fc.property(arbShape({ maxRank: 3, maxDim: 3 }), arbShape({ maxRank: 3, maxDim: 3 }), (sa, sb) => {
        const a = tensor(new Float32Array(sa.reduce((p, d) => p * d, 1)), { shape: sa });
        const b = tensor(new Float32Array(sb.reduce((p, d) => p * d, 1)), { shape: sb });
        const out = refBroadcast(sa, sb);
        if (out === null) {
          expect(() => mul(a, b)).toThrow(ShapeError);
          expect(() => mul(a, b)).toThrow(`[${sa.join(',')}] and [${sb.join(',')}]`);
        } else expect(mul(a, b).shape).toEqual(out);
      }),
      PROPERTY_PARAMS,
    );
  });

  it('unary ops read non-contiguous inputs correctly', () => {
    fc.assert(
      fc.property(
        arbShape({ maxRank: 4, maxDim: 3 }).chain((s) =>
          fc.tuple(fc.constant(s), arbValues(s), arbLayout(s)),
        ),
        ([shape, v, layout]) => {
          const d = nest(v, shape);
          const x = withLayout(d, shape, layout);
          expect(neg(x).toArraySync()).toEqual(build(shape, (idx) => -at(d, idx)));
          expect(relu(x).toArraySync()).toEqual(build(shape, (idx) => Math.max(at(d, idx), 0)));
          expect(values(abs(x))).toEqual(values(abs(tensor(d as number[]))));
        },
      ),
      PROPERTY_PARAMS,
    );
  });
});

describe('PyTorch edge cases of dtypes', () => {
  const cond = tensor([true, false, true]);

  it('where with two numbers: int32 for integers that fit, float32 otherwise', () => {
    const ints = where(cond, 2, 3);
    expect(ints.dtype).toBe('int32');
    expect(ints.toArraySync()).toEqual([2, 3, 2]);
    const floats = where(cond, 2.5, -1);
    expect(floats.dtype).toBe('float32');
    expect(floats.toArraySync()).toEqual([2.5, -1, 2.5]);
    expect(where(cond, 2 ** 40, 0).dtype).toBe('float32');
  });

  it('maximum and minimum of bools stay bool (logical or, and)', () => {
    const a = tensor([true, true, false, false]);
    const b = tensor([true, false, true, false]);
    expect(maximum(a, b).dtype).toBe('bool');
    expect(maximum(a, b).toArraySync()).toEqual([1, 1, 1, 0]);
    expect(minimum(a, b).toArraySync()).toEqual([1, 0, 0, 0]);
    expect(add(a, b).dtype).toBe('int32'); // arithmetic still counts in int32
  });

  it('an int32 tensor to a negative integer power is an error, not a silent 0', () => {
    const x = tensor([2, 3], { dtype: 'int32' });
    expect(() => pow(x, -1)).toThrow(ValueError);
    expect(() => pow(x, -1)).toThrow(/pow: an int32 tensor to a negative power \(-1\)/);
    expect(pow(x, 2).toArraySync()).toEqual([4, 9]);
    expect(pow(x, -0.5).dtype).toBe('float32'); // a fractional power promotes, as before
  });
});
