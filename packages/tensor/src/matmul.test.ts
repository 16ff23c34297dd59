import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { randn, tensor, zeros } from './creation.js';
import type { DType } from './dtype.js';
import { ShapeError } from './errors.js';
import { matmul } from './ops/matmul.js';
import { Generator } from './random.js';
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
  type Nested,
  nest,
  PROPERTY_PARAMS,
  refBroadcast,
  values,
  withLayout,
} from './test-utils.js';

/** torch.matmul semantics by a naive triple loop over nested arrays (1-D operands promoted, then squeezed). */
function refMatmul(
  a: Nested,
  sa: readonly number[],
  b: Nested,
  sb: readonly number[],
): { shape: number[]; data: Nested } {
  const aShape = sa.length === 1 ? [1, sa[0]] : [...sa];
  const bShape = sb.length === 1 ? [sb[0], 1] : [...sb];
  const getA = (idx: number[]) => (sa.length === 1 ? at(a, [idx[idx.length - 1]]) : at(a, idx));
  const getB = (idx: number[]) => (sb.length === 1 ? at(b, [idx[idx.length - 2]]) : at(b, idx));
  const m = aShape[aShape.length - 2];
  const k = aShape[aShape.length - 1];
  const n = bShape[bShape.length - 1];
  const batchA = aShape.slice(0, -2);
  const batchB = bShape.slice(0, -2);
  const batch = refBroadcast(batchA, batchB) as number[];
  const full = [...batch, m, n];
  const data = build(full, (idx) => {
    const bi = idx.slice(0, -2);
    const [i, j] = idx.slice(-2);
    let s = 0;
    for (let p = 0; p < k; p++) {
      s += getA([...broadcastIndex(bi, batchA), i, p]) * getB([...broadcastIndex(bi, batchB), p, j]);
    }
    return s;
  });
  let shape = full;
  if (sa.length === 1 && sb.length === 1) shape = [];
  else if (sa.length === 1) shape = [...batch, n];
  else if (sb.length === 1) shape = [...batch, m];
  const flatValues: number[] = [];
  const walk = (v: Nested) => (Array.isArray(v) ? v.forEach(walk) : flatValues.push(v));
  walk(data);
  return { shape, data: shape.length === 0 ? flatValues[0] : nest(flatValues, shape) };
}

describe('matmul: hand-computed values', () => {
  it('matrix × matrix', () => {
    const c = matmul(
      tensor([
        [1, 2],
        [3, 4],
      ]),
      tensor([
        [5, 6],
        [7, 8],
      ]),
    );
    expectTensor(
      c,
      [
        [19, 22],
        [43, 50],
      ],
      'float32',
    );
  });

  it('1-D operands: dot, vector × matrix, matrix × vector', () => {
    const dot = matmul(tensor([1, 2, 3]), tensor([4, 5, 6]));
    expect(dot.shape).toEqual([]);
    expect(dot.itemSync()).toBe(32);
    expectTensor(
      matmul(
        tensor([1, 2]),
        tensor([
          [1, 2, 3],
          [4, 5, 6],
        ]),
      ),
      [9, 12, 15],
    );
    expectTensor(
      matmul(
        tensor([
          [1, 2, 3],
          [4, 5, 6],
        ]),
        tensor([1, 0, -1]),
      ),
      [-2, -2],
    );
    expect(matmul(tensor([1, 2]), zeros([3, 2, 4])).shape).toEqual([3, 4]);
    expect(matmul(zeros([3, 4, 2]), tensor([1, 2])).shape).toEqual([3, 4]);
  });

  it('1×N and N×1 shapes give outer and inner products', () => {
    expectTensor(matmul(tensor([[1], [2]]), tensor([[3, 4]])), [
      [3, 4],
      [6, 8],
    ]);
    expectTensor(matmul(tensor([[1, 2]]), tensor([[3], [4]])), [[11]]);
  });

  it('transposed operands are read through their strides', () => {
    const a = tensor([
      [1, 3],
      [2, 4],
    ]).mT; // [[1,2],[3,4]]
    const b = tensor([
      [5, 7],
      [6, 8],
    ]).transpose(0, 1); // [[5,6],[7,8]]
    expectTensor(a.matmul(b), [
      [19, 22],
      [43, 50],
    ]);
  });

  it('broadcasts batch dims: [2,1,3,4] @ [5,4,2] → [2,5,3,2]', () => {
    const g = new Generator(1);
    const a = randn([2, 1, 3, 4], { generator: g, dtype: 'float64' });
    const b = randn([5, 4, 2], { generator: g, dtype: 'float64' });
    const c = matmul(a, b);
    expect(c.shape).toEqual([2, 5, 3, 2]);
    const ref = refMatmul(a.toArraySync(), a.shape, b.toArraySync(), b.shape);
    expectClose(c, ref.data, 1e-12, 'float64');
  });

  it('promotes: int32 and bool compute in float32, float64 wins', () => {
    const i = tensor(
      [
        [1, 2],
        [3, 4],
      ],
      { dtype: 'int32' },
    );
    expectTensor(
      matmul(i, i),
      [
        [7, 10],
        [15, 22],
      ],
      'float32',
    );
    expectTensor(matmul(tensor([true, true]), tensor([2, 3], { dtype: 'int32' })), 5, 'float32');
    expect(matmul(tensor([[1]]), tensor([[1]], { dtype: 'float64' })).dtype).toBe('float64');
  });

  it('an inner dimension of 0 gives zeros', () => {
    expectTensor(matmul(zeros([2, 0]), zeros([0, 3])), [
      [0, 0, 0],
      [0, 0, 0],
    ]);
    expect(matmul(zeros([0, 2]), zeros([2, 3])).shape).toEqual([0, 3]);
  });

  it('errors name the op and both shapes', () => {
    expect(() => matmul(zeros([2, 3]), zeros([4, 5]))).toThrow(ShapeError);
    expect(() => matmul(zeros([2, 3]), zeros([4, 5]))).toThrow(
      'matmul: cannot multiply [2,3] by [4,5]: inner dimensions 3 and 4 differ',
    );
    expect(() => matmul(zeros([3]), zeros([4]))).toThrow(/inner dimensions 3 and 4 differ/);
    expect(() => matmul(zeros([2, 3, 4]), zeros([5, 4, 2]))).toThrow(
      /matmul: batch dims of \[2,3,4\] and \[5,4,2\] cannot be broadcast together/,
    );
    expect(() => matmul(tensor(1), zeros([2]))).toThrow(
      /matmul: both inputs need at least 1 dim, got \[\] and \[2\]/,
    );
  });
});

// ---- property tests against the naive triple loop -------------------------------------------------

const arbMatmulCase = fc
  .record({
    m: fc.integer({ min: 1, max: 9 }),
    k: fc.integer({ min: 1, max: 9 }),
    n: fc.integer({ min: 1, max: 9 }),
    batch: arbShape({ maxRank: 2, maxDim: 3 }),
    vecA: fc.boolean(),
    vecB: fc.boolean(),
    dtype: fc.constantFrom<DType>('float32', 'float64'),
  })
  .chain(({ m, k, n, batch, vecA, vecB, dtype }) =>
    fc.tuple(arbBroadcastableTo(batch), arbBroadcastableTo(batch)).chain(([ba, bb]) => {
      const sa = vecA ? [k] : [...ba, m, k];
      const sb = vecB ? [k] : [...bb, k, n];
      return fc.record({
        sa: fc.constant(sa),
        sb: fc.constant(sb),
        va: arbValues(sa, -3, 3),
        vb: arbValues(sb, -3, 3),
        la: arbLayout(sa),
        lb: arbLayout(sb),
        dtype: fc.constant(dtype),
      });
    }),
  );

describe('matmul (property tests)', () => {
  it('matches a naive triple loop for any shapes, 1-D operands, layouts and broadcast batch dims', () => {
    fc.assert(
      fc.property(arbMatmulCase, ({ sa, sb, va, vb, la, lb, dtype }) => {
        const da = nest(va, sa);
        const db = nest(vb, sb);
        const got = matmul(withLayout(da, sa, la, dtype), withLayout(db, sb, lb, dtype));
        const want = refMatmul(da, sa, db, sb);
        expect(got.dtype).toBe(dtype);
        expect(got.shape).toEqual(want.shape);
        // Small integers: every product and sum is exact in float32 too.
        expect(got.toArraySync()).toEqual(want.data);
      }),
      PROPERTY_PARAMS,
    );
  });

  it('agrees with the naive loop on random float values (float32 within 1e-5, float64 within 1e-12)', () => {
    const g = new Generator(42);
    for (const dtype of ['float32', 'float64'] as const) {
      for (const [sa, sb] of [
        [
          [7, 13],
          [13, 5],
        ],
        [
          [3, 4, 9],
          [9, 6],
        ],
        [
          [1, 17],
          [2, 17, 1],
        ],
        [[33], [33, 4]],
        [
          [2, 8, 8],
          [2, 8, 8],
        ],
      ]) {
        const a = randn(sa, { generator: g, dtype });
        const b = randn(sb, { generator: g, dtype });
        const want = refMatmul(a.toArraySync(), sa, b.toArraySync(), sb);
        expectClose(matmul(a, b), want.data, dtype === 'float32' ? 1e-5 : 1e-12, dtype);
        // The same product through transposed storage.
        if (sb.length >= 2 && sb[sb.length - 1] > 1) {
          const bt = b.mT.contiguous().mT;
          expect(bt.isContiguous).toBe(false);
          expectClose(matmul(a, bt), want.data, dtype === 'float32' ? 1e-5 : 1e-12, dtype);
        }
      }
    }
  });

  it('a weight shared across the batch (the Linear-layer shape x·Wᵀ) gives the per-batch products', () => {
    const g = new Generator(3);
    const x = randn([4, 6, 5], { generator: g, dtype: 'float64' });
    const w = randn([7, 5], { generator: g, dtype: 'float64' });
    const y = matmul(x, w.mT);
    expect(y.shape).toEqual([4, 6, 7]);
    for (let b = 0; b < 4; b++) {
      expect(values(y.select(0, b))).toEqual(values(matmul(x.select(0, b), w.mT)));
    }
    const want = refMatmul(x.toArraySync(), x.shape, w.mT.toArraySync(), [5, 7]);
    expectClose(y, want.data, 1e-12);
  });
});
