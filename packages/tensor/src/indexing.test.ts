import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arange, tensor, zeros } from './creation.js';
import { DTypeError, IndexError, ShapeError, ValueError } from './errors.js';
import {
  embedding,
  gather,
  indexAdd,
  indexAddZeros,
  indexSelect,
  oneHot,
  scatterAdd,
  scatterAddZeros,
  take,
  takeAlongDim,
} from './ops/indexing.js';
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

const int = (data: number[] | number[][] | number[][][]) => tensor(data, { dtype: 'int32' });
const x22 = () =>
  tensor([
    [1, 2],
    [3, 4],
  ]);
const x23 = () =>
  tensor([
    [1, 2, 3],
    [4, 5, 6],
  ]);

describe('gather', () => {
  it('picks along an axis by an index of the same rank (the torch.gather examples)', () => {
    expectTensor(
      gather(
        x22(),
        1,
        int([
          [0, 0],
          [1, 0],
        ]),
      ),
      [
        [1, 1],
        [4, 3],
      ],
      'float32',
    );
    expectTensor(
      gather(
        x22(),
        0,
        int([
          [0, 1],
          [1, 0],
        ]),
      ),
      [
        [1, 4],
        [3, 2],
      ],
    );
    expectTensor(x23().gather(-1, int([[2], [0]])), [[3], [4]]);
    expectTensor(gather(x23(), 1, int([[0, 0, 2, 2, 1]])), [[1, 1, 3, 3, 2]]);
    expectTensor(gather(x23().mT, 0, int([[2, 1]])), [[3, 5]]);
    expectTensor(gather(int([[7, 8]]), 1, int([[1]])), [[8]], 'int32');
  });

  it('rejects float indices, out-of-range indices and mismatched shapes', () => {
    const x = x22();
    expect(() => gather(x, 1, tensor([[0, 1]]))).toThrow(DTypeError);
    expect(() => gather(x, 1, tensor([[0, 1]]))).toThrow(/gather: index must be int32, got float32/);
    expect(() => gather(x, 1, int([[2]]))).toThrow(IndexError);
    expect(() => gather(x, 1, int([[0], [2]]))).toThrow(
      /gather: index 2 at \[1,0\] is out of range for axis 1 of size 2/,
    );
    expect(() => gather(x, 0, int([[-1]]))).toThrow(
      /gather: index -1 at \[0,0\] is out of range for axis 0 of size 2/,
    );
    expect(() => gather(x, 1, int([0]))).toThrow(ShapeError);
    expect(() => gather(x, 1, int([0]))).toThrow(
      /gather: index \[1\] must have the same rank as input \[2,2\]/,
    );
    expect(() => gather(x, 1, int([[0], [0], [0]]))).toThrow(
      /gather: index \[3,1\] is larger than input \[2,2\] at dim 0/,
    );
    expect(() => gather(x, 2, int([[0]]))).toThrow(/gather: axis 2 is out of range for a tensor of rank 2/);
  });

  it('follows torch.gather: a smaller index reads the leading part (no broadcasting), a larger one is an error', () => {
    // The case: x [2,3,4], index [1,3,2] on the last axis. torch.gather gives the index's
    // shape [1,3,2] (rows of x[0] only); takeAlongDim broadcasts to [2,3,2].
    const x = arange(24).reshape(2, 3, 4);
    const index = int([
      [
        [3, 0],
        [1, 1],
        [2, 3],
      ],
    ]);
    const got = gather(x, -1, index);
    expect(got.shape).toEqual([1, 3, 2]);
    expectTensor(got, [
      [
        [3, 0],
        [5, 5],
        [10, 11],
      ],
    ]);
    expect(takeAlongDim(x, index, -1).shape).toEqual([2, 3, 2]);
    expect(() =>
      gather(
        x,
        -1,
        int([
          [[0], [0], [0]],
          [[0], [0], [0]],
          [[0], [0], [0]],
        ]),
      ),
    ).toThrow(
      /gather: index \[3,3,1\] is larger than input \[2,3,4\] at dim 0 \(only axis 2 may be larger; gather does not broadcast: takeAlongDim does\)/,
    );
  });

  it('matches an explicit index loop (property)', () => {
    fc.assert(
      fc.property(
        arbShape({ minRank: 1, maxRank: 3, maxDim: 4 }).chain((shape) =>
          fc
            .tuple(
              fc.integer({ min: 0, max: shape.length - 1 }),
              fc.array(fc.nat(), { minLength: shape.length, maxLength: shape.length }),
            )
            .chain(([axis, sizes]) => {
              const ishape = shape.map((d, i) => (i === axis ? 1 + (sizes[i] % 5) : 1 + (sizes[i] % d)));
              return fc.tuple(
                fc.constant(shape),
                fc.constant(axis),
                fc.constant(ishape),
                arbValues(shape),
                arbLayout(shape),
                arbValues(ishape, 0, shape[axis] - 1),
              );
            }),
        ),
        ([shape, axis, ishape, v, layout, iv]) => {
          const data = nest(v, shape);
          const index = nest(iv, ishape);
          const want = build(ishape, (idx) => {
            const src = [...idx];
            src[axis] = at(index, idx);
            return at(data, src);
          });
          const got = gather(
            withLayout(data, shape, layout),
            axis,
            tensor(index as number[], { dtype: 'int32' }),
          );
          expect(got.toArraySync()).toEqual(want);
        },
      ),
      PROPERTY_PARAMS,
    );
  });
});

describe('takeAlongDim', () => {
  it('broadcasts the input and the indices outside dim (torch.take_along_dim)', () => {
    const x = arange(24).reshape(2, 3, 4);
    const index = int([
      [
        [3, 0],
        [1, 1],
        [2, 3],
      ],
    ]);
    const want = build([2, 3, 2], ([i, j, k]) => i * 12 + j * 4 + at(index.toArraySync(), [0, j, k]));
    expectTensor(takeAlongDim(x, index, 2), want);
    expectTensor(x.takeAlongDim(index, -1), want);
    // Broadcasting the input too: x [1,3] with indices [2,1] along dim 1 → [2,1].
    const row = tensor([[10, 20, 30]]);
    expectTensor(takeAlongDim(row, int([[2], [0]]), 1), [[30], [10]]);
    // The top-k pattern: indices from argmax, keepdim.
    const scores = tensor([
      [0.1, 0.7, 0.2],
      [0.5, 0.1, 0.4],
    ]);
    expectTensor(
      takeAlongDim(scores, scores.argmax(1, true), 1),
      [[0.7], [0.5]].map((r) => r.map(Math.fround)),
    );
  });

  it('without dim picks from the flattened input (a 1-D result)', () => {
    expectTensor(
      takeAlongDim(
        x23(),
        int([
          [5, 0],
          [1, 1],
        ]),
      ),
      [6, 1, 2, 2],
    );
  });

  it('equals gather when the shapes already agree, and keeps the dtype', () => {
    const i = int([
      [0, 2],
      [1, 1],
    ]);
    expectTensor(takeAlongDim(x23(), i, 1), gather(x23(), 1, i).toArraySync());
    expectTensor(takeAlongDim(int([[7, 8]]), int([[1], [0]]), 1), [[8], [7]], 'int32');
  });

  it('refuses other ranks, shapes that do not broadcast, float and out-of-range indices', () => {
    const x = x23();
    expect(() => takeAlongDim(x, int([0, 1]), 1)).toThrow(ShapeError);
    expect(() => takeAlongDim(x, int([0, 1]), 1)).toThrow(
      /takeAlongDim: indices \[2\] must have the same rank as the input \[2,3\]/,
    );
    expect(() => takeAlongDim(x, int([[0], [1], [2]]), 1)).toThrow(
      /takeAlongDim: input \[2,3\] and indices \[3,1\] cannot be broadcast outside dim 1: dim 0 is 2 vs 3/,
    );
    expect(() => takeAlongDim(x, tensor([[0]]), 1)).toThrow(/takeAlongDim: index must be int32, got float32/);
    expect(() => takeAlongDim(x, int([[3]]), 1)).toThrow(IndexError);
    expect(() => takeAlongDim(x, int([[0]]), 2)).toThrow(/takeAlongDim: axis 2 is out of range/);
  });

  it('matches an explicit loop over broadcast shapes (property)', () => {
    fc.assert(
      fc.property(
        arbShape({ minRank: 1, maxRank: 3, maxDim: 3 }).chain((shape) =>
          fc
            .tuple(
              fc.integer({ min: 0, max: shape.length - 1 }),
              fc.array(fc.integer({ min: 0, max: 2 }), { minLength: shape.length, maxLength: shape.length }),
              fc.integer({ min: 1, max: 4 }),
            )
            .chain(([axis, modes, k]) => {
              // Per dim: 0 → both full, 1 → input has 1, 2 → indices have 1.
              const xshape = shape.map((d, i) => (i !== axis && modes[i] === 1 ? 1 : d));
              const ishape = shape.map((d, i) => (i === axis ? k : modes[i] === 2 ? 1 : d));
              return fc.tuple(
                fc.constant(axis),
                fc.constant(shape),
                fc.constant(xshape),
                fc.constant(ishape),
                arbValues(xshape),
                arbLayout(xshape),
                arbValues(ishape, 0, shape[axis] - 1),
              );
            }),
        ),
        ([axis, shape, xshape, ishape, v, layout, iv]) => {
          const data = nest(v, xshape);
          const index = nest(iv, ishape);
          const oshape = shape.map((d, i) => (i === axis ? ishape[i] : d));
          const want = build(oshape, (o) => {
            const src = o.map((c, i) => (xshape[i] === 1 ? 0 : c));
            const ii = o.map((c, i) => (ishape[i] === 1 ? 0 : c));
            src[axis] = at(index, ii);
            return at(data, src);
          });
          const got = takeAlongDim(
            withLayout(data, xshape, layout),
            tensor(index as number[], { dtype: 'int32' }),
            axis,
          );
          expect(got.shape).toEqual(oshape);
          expect(got.toArraySync()).toEqual(want);
        },
      ),
      PROPERTY_PARAMS,
    );
  });
});

describe('scatterAdd', () => {
  it('sums src into zeros at the indexed positions, duplicates accumulating', () => {
    expectTensor(scatterAddZeros([3], 0, int([0, 1, 0, 2]), tensor([1, 2, 3, 4])), [4, 2, 4], 'float32');
    expectTensor(
      scatterAddZeros(
        [2, 3],
        1,
        int([
          [0, 1, 0],
          [2, 2, 1],
        ]),
        x23(),
      ),
      [
        [4, 2, 0],
        [0, 6, 9],
      ],
    );
    expectTensor(scatterAddZeros([2], 0, int([1, 1]), int([5, 6])), [0, 11], 'int32');
  });

  it('adds into an input (out of place) and reads only the part of src the index covers', () => {
    const input = tensor([10, 20, 30]);
    expectTensor(scatterAdd(input, 0, int([2, 2]), tensor([1, 2, 100])), [10, 20, 33]);
    expectTensor(input, [10, 20, 30]);
    expectTensor(scatterAdd(zeros([2, 2]), 0, int([[1, 0]]), x23()), [
      [0, 2],
      [1, 0],
    ]);
  });

  it('rejects float indices, out-of-range indices and mismatched shapes', () => {
    expect(() => scatterAddZeros([3], 0, tensor([0]), tensor([1]))).toThrow(
      /scatterAdd: index must be int32, got float32/,
    );
    expect(() => scatterAddZeros([3], 0, int([3]), tensor([1]))).toThrow(IndexError);
    expect(() => scatterAddZeros([3], 0, int([3]), tensor([1]))).toThrow(
      /scatterAdd: index 3 at \[0\] is out of range for axis 0 of size 3/,
    );
    expect(() => scatterAddZeros([3], 0, int([0, 1]), tensor([1]))).toThrow(
      /scatterAdd: index \[2\] is larger than src \[1\] at dim 0/,
    );
    expect(() => scatterAddZeros([3], 0, int([0]), tensor([[1]]))).toThrow(ShapeError);
    expect(() => scatterAddZeros([2, 2], 1, int([[0, 0, 0]]), tensor([[1, 1, 1]]))).not.toThrow();
    expect(() => scatterAddZeros([2, 2], 1, int([[0], [0], [0]]), tensor([[1], [1], [1]]))).toThrow(
      /scatterAdd: index \[3,1\] is larger than output \[2,2\] at dim 0/,
    );
  });
});

describe('indexSelect and indexAdd', () => {
  it('indexSelect takes whole slices, repeating and reordering', () => {
    expectTensor(indexSelect(x23(), 0, int([1, 1, 0])), [
      [4, 5, 6],
      [4, 5, 6],
      [1, 2, 3],
    ]);
    expectTensor(x23().indexSelect(1, int([2, 0])), [
      [3, 1],
      [6, 4],
    ]);
    expectTensor(indexSelect(x23().mT, -1, int([1])), [[4], [5], [6]]);
    expect(indexSelect(x23(), 0, tensor([], { dtype: 'int32' })).shape).toEqual([0, 3]);
    expect(indexSelect(int([[1]]), 0, int([0])).dtype).toBe('int32');
  });

  it('indexSelect rejects bad indices', () => {
    expect(() => indexSelect(x23(), 1, int([3]))).toThrow(IndexError);
    expect(() => indexSelect(x23(), 1, int([0, 3]))).toThrow(
      /indexSelect: index 3 at \[1\] is out of range for axis 1 of size 3/,
    );
    expect(() => indexSelect(x23(), 0, int([-1]))).toThrow(
      /indexSelect: index -1 at \[0\] is out of range for axis 0 of size 2/,
    );
    expect(() => indexSelect(x23(), 0, tensor([0]))).toThrow(/indexSelect: index must be int32, got float32/);
    expect(() => indexSelect(x23(), 0, int([[0]]))).toThrow(
      /indexSelect: index must be 1-D, got shape \[1,1\]/,
    );
    expect(() => indexSelect(x23(), 2, int([0]))).toThrow(/indexSelect: axis 2 is out of range/);
  });

  it('indexAdd sums slices of src into the indexed slices', () => {
    expectTensor(
      indexAddZeros(
        [3, 2],
        0,
        int([0, 2, 0]),
        tensor([
          [1, 1],
          [2, 2],
          [3, 3],
        ]),
      ),
      [
        [4, 4],
        [0, 0],
        [2, 2],
      ],
    );
    expectTensor(indexAdd(x23(), 1, int([2]), tensor([[10], [20]])), [
      [1, 2, 13],
      [4, 5, 26],
    ]);
  });

  it('indexAdd of consecutive indices (a slice gradient) matches the general path', () => {
    const src = arange(0, 18).reshape(2, 3, 3);
    const range = indexAddZeros([2, 5, 3], 1, int([1, 2, 3]), src); // the copy fast path
    const permuted = indexAddZeros([2, 5, 3], 1, int([3, 2, 1]), indexSelect(src, 1, int([2, 1, 0]))); // the summing path
    expect(Array.from(range.dataSync())).toEqual(Array.from(permuted.dataSync()));
    expect(Array.from(range.slice(1, 0, 1).dataSync())).toEqual([0, 0, 0, 0, 0, 0]);
    expect(Array.from(range.slice(1, 1, 2).dataSync())).toEqual([0, 1, 2, 9, 10, 11]);
  });

  it('indexAdd rejects a src of the wrong shape and out-of-range indices', () => {
    expect(() => indexAddZeros([3, 2], 0, int([0, 1, 2]), zeros([2, 2]))).toThrow(ShapeError);
    expect(() => indexAddZeros([3, 2], 0, int([0, 1, 2]), zeros([2, 2]))).toThrow(
      /indexAdd: src must have shape \[3,2\], got \[2,2\]/,
    );
    expect(() => indexAddZeros([3, 2], 0, int([5]), zeros([1, 2]))).toThrow(
      /indexAdd: index 5 at \[0\] is out of range for axis 0 of size 3/,
    );
    expect(() => indexAddZeros([3], 0, tensor([0]), zeros([1]))).toThrow(DTypeError);
  });
});

describe('take, embedding, oneHot', () => {
  it('take reads the flattened input', () => {
    expectTensor(take(x22(), int([[3, 0]])), [[4, 1]]);
    expectTensor(x23().mT.take(int([1])), [4]);
    expectTensor(take(x22(), tensor(2, { dtype: 'int32' })), 3);
    expect(() => take(x22(), int([4]))).toThrow(IndexError);
    expect(() => take(x22(), int([4]))).toThrow(
      /take: index 4 at \[0\] is out of range for axis 0 of size 4/,
    );
    expect(() => take(x22(), tensor([1]))).toThrow(/take: index must be int32, got float32/);
  });

  it('embedding looks up rows for ids of any shape', () => {
    const weight = tensor([
      [0, 0.5],
      [1, 1.5],
      [2, 2.5],
    ]);
    const e = embedding(
      int([
        [2, 0],
        [1, 1],
      ]),
      weight,
    );
    expect(e.shape).toEqual([2, 2, 2]);
    expectTensor(e, [
      [
        [2, 2.5],
        [0, 0.5],
      ],
      [
        [1, 1.5],
        [1, 1.5],
      ],
    ]);
    expect(embedding(tensor(1, { dtype: 'int32' }), weight).shape).toEqual([2]);
  });

  it('embedding rejects float ids, a non-matrix weight and out-of-range ids', () => {
    const weight = zeros([3, 2]);
    expect(() => embedding(tensor([0, 1]), weight)).toThrow(DTypeError);
    expect(() => embedding(tensor([0, 1]), weight)).toThrow(/embedding: ids must be int32, got float32/);
    expect(() => embedding(int([0]), zeros([3]))).toThrow(
      /embedding: weight must be 2-D \[numEmbeddings, dim\], got \[3\]/,
    );
    expect(() => embedding(int([0, 3]), weight)).toThrow(IndexError);
    expect(() => embedding(int([0, 3]), weight)).toThrow(
      /embedding: index 3 at \[1\] is out of range for axis 0 of size 3/,
    );
    expect(() => embedding(int([-1]), weight)).toThrow(/embedding: index -1/);
  });

  it('oneHot makes indicator rows', () => {
    expectTensor(
      oneHot(int([0, 2]), 3),
      [
        [1, 0, 0],
        [0, 0, 1],
      ],
      'float32',
    );
    expectTensor(oneHot(int([[1]]), 2, 'int32'), [[[0, 1]]], 'int32');
    expectTensor(
      oneHot(arange(2), 2, 'bool'),
      [
        [1, 0],
        [0, 1],
      ],
      'bool',
    );
  });

  it('oneHot rejects float ids, bad class counts, unknown dtypes and out-of-range ids', () => {
    expect(() => oneHot(tensor([0]), 3)).toThrow(/oneHot: ids must be int32, got float32/);
    expect(() => oneHot(int([0]), 0)).toThrow(ValueError);
    expect(() => oneHot(int([0]), 2.5)).toThrow(/oneHot: numClasses must be a positive integer, got 2.5/);
    expect(() => oneHot(int([0]), 2, 'int8' as never)).toThrow(DTypeError);
    expect(() => oneHot(int([3]), 3)).toThrow(
      /oneHot: index 3 at \[0\] is out of range for axis 0 of size 3/,
    );
  });
});
