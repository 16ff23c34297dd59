import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arange, tensor } from './creation.js';
import { DTypeError, IndexError, ValueError } from './errors.js';
import { index } from './ops/index-view.js';
import {
  arbLayout,
  arbShape,
  arbValues,
  at,
  build,
  expectTensor,
  nest,
  PROPERTY_PARAMS,
  withLayout,
} from './test-utils.js';

const x234 = () => arange(24).reshape(2, 3, 4);

describe('index: Python x[…] over several axes', () => {
  it("x.index(':', '-3:') is x[:, -3:]", () => {
    const x = arange(12).reshape(3, 4);
    expectTensor(x.index(':', '-3:'), [
      [1, 2, 3],
      [5, 6, 7],
      [9, 10, 11],
    ]);
    expectTensor(index(x, '1:', '::2'), [
      [4, 6],
      [8, 10],
    ]);
    expectTensor(index(x, ' : -1 ', '1:-1:2'), [[1], [5]]);
  });

  it('numbers pick one position and drop the axis; negative numbers count from the end', () => {
    const x = x234();
    expectTensor(x.index(1, -1), [20, 21, 22, 23]);
    expectTensor(x.index(0, ':', 2), [2, 6, 10]);
    expectTensor(x.index(-1, -1, -1), 23);
    expect(x.index(-1, -1, -1).shape).toEqual([]);
  });

  it("'...' stands for the axes not named, and null (None) adds a size-1 axis", () => {
    const x = x234();
    expectTensor(x.index('...', 0), [
      [0, 4, 8],
      [12, 16, 20],
    ]);
    expectTensor(x.index(0, '...', '2:'), [
      [2, 3],
      [6, 7],
      [10, 11],
    ]);
    expect(x.index(null).shape).toEqual([1, 2, 3, 4]);
    expect(x.index(':', null, 0).shape).toEqual([2, 1, 4]);
    expect(x.index('...', null).shape).toEqual([2, 3, 4, 1]);
    expect(index(tensor(5), null, null).shape).toEqual([1, 1]);
    expect(x.index('...')).toBe(x);
    expect(x.index()).toBe(x);
  });

  it('tuples [start, end, step] take computed bounds, null for a default', () => {
    const x = arange(10);
    const t = 7;
    expectTensor(x.index([t - 3, t]), [4, 5, 6]);
    expectTensor(x.index([null, null, 3]), [0, 3, 6, 9]);
    expectTensor(x.index([-2]), [8, 9]);
    expectTensor(x.index([20, 30]), []);
  });

  it('returns views that share storage, also of non-contiguous inputs', () => {
    const x = x234();
    const v = x.index(':', '-2:', 1);
    expect(v.sharesStorageWith(x)).toBe(true);
    const t = x.permute(2, 0, 1);
    const w = t.index('1:3', 0, null, '::2');
    expect(w.sharesStorageWith(x)).toBe(true);
    expect(w.shape).toEqual([2, 1, 2]);
    expectTensor(w, [[[1, 9]], [[2, 10]]]);
  });

  it('refuses what PyTorch refuses, with the op and the values', () => {
    const x = x234();
    expect(() => x.index(2)).toThrow(IndexError);
    expect(() => x.index(2)).toThrow(
      /index: index 2 is out of range for axis 0 of size 2 \(shape \[2,3,4\]\)/,
    );
    expect(() => x.index(0, 0, 0, 0)).toThrow(/index: too many indices for a tensor of rank 3 .*: 4 given/);
    expect(() => x.index('...', 0, '...')).toThrow(/index: only one '...' is allowed, got 2/);
    expect(() => x.index('::-1')).toThrow(ValueError);
    expect(() => x.index('::-1')).toThrow(/index: the step of '::-1' must be an integer ≥ 1 .*, got -1/);
    expect(() => x.index([0, 2, 0])).toThrow(/the step of \[0, 2, 0\] must be an integer ≥ 1/);
    expect(() => x.index('1')).toThrow(
      /index: '1' .* is not a slice .* \(to pick one position, pass the number 1\)/,
    );
    expect(() => x.index('a:b')).toThrow(/index: 'a:b' \(item 0\) is not a slice/);
    expect(() => x.index(0.5)).toThrow(/index: item 0 must be an integer, got 0.5/);
    expect(() => x.index([0.5, 1])).toThrow(/slice bounds must be integers or null/);
    expect(() => x.index([0, 1, 1, 1] as never)).toThrow(
      /a slice tuple is \[start, end, step\], got 4 entries/,
    );
    expect(() => x.index(tensor([0], { dtype: 'int32' }) as never)).toThrow(DTypeError);
    expect(() => x.index(true as never)).toThrow(/index: item 0 must be a number, a slice string/);
  });

  it('matches nested-array indexing on any layout (property)', () => {
    type Item =
      | { kind: 'int'; v: number }
      | { kind: 'slice'; s: number | null; e: number | null; step: number };
    const arbItem = (d: number): fc.Arbitrary<Item> =>
      fc.oneof(
        fc.integer({ min: -d, max: d - 1 }).map((v) => ({ kind: 'int' as const, v })),
        fc
          .tuple(
            fc.option(fc.integer({ min: -d - 2, max: d + 2 })),
            fc.option(fc.integer({ min: -d - 2, max: d + 2 })),
            fc.integer({ min: 1, max: 3 }),
          )
          .map(([s, e, step]) => ({ kind: 'slice' as const, s, e, step })),
      );
    fc.assert(
      fc.property(
        arbShape({ minRank: 1, maxRank: 3, maxDim: 4 })
          .filter((shape) => shape.every((d) => d > 0))
          .chain((shape) =>
            fc.tuple(
              fc.constant(shape),
              arbValues(shape),
              arbLayout(shape),
              fc.tuple(...shape.map((d) => arbItem(d))),
              fc.boolean(),
            ),
          ),
        ([shape, values, layout, items, asString]) => {
          const data = nest(values, shape);
          const x = withLayout(data, shape, layout);
          // Reference: the positions each axis keeps, as Python computes them.
          const picks = items.map((it, a) => {
            const n = shape[a];
            if (it.kind === 'int') return [it.v < 0 ? it.v + n : it.v];
            const clamp = (v: number | null, dflt: number) =>
              v === null ? dflt : Math.min(Math.max(v < 0 ? v + n : v, 0), n);
            const out: number[] = [];
            for (let i = clamp(it.s, 0); i < clamp(it.e, n); i += it.step) out.push(i);
            return out;
          });
          const outShape = picks.flatMap((p, a) => (items[a].kind === 'int' ? [] : [p.length]));
          const keptAxes = items.flatMap((it, a) => (it.kind === 'int' ? [] : [a]));
          const want = build(outShape, (o) => {
            const src = picks.map((p, a) => (items[a].kind === 'int' ? p[0] : p[o[keptAxes.indexOf(a)]]));
            return at(data, src);
          });
          const args = items.map((it) =>
            it.kind === 'int'
              ? it.v
              : asString
                ? `${it.s ?? ''}:${it.e ?? ''}:${it.step}`
                : ([it.s, it.e, it.step] as const),
          );
          const got = x.index(...args);
          expect(got.shape).toEqual(outShape);
          expect(got.toArraySync()).toEqual(want);
          expect(got.sharesStorageWith(x)).toBe(true);
        },
      ),
      PROPERTY_PARAMS,
    );
  });
});
