import {
  type Backend,
  embedding,
  gather,
  indexAddZeros,
  indexSelect,
  oneHot,
  scatterAddZeros,
  take,
  takeAlongDim,
  tensor,
} from '@dendrite/tensor';
import { type ConformanceCase, goldenCase, referenceCase } from '../case.js';
import { booleans, integers, normal } from '../inputs.js';

const GATHER: ConformanceCase[] = [
  referenceCase('indexing', {
    name: 'gather: float32 along axis 1, permuted input',
    ops: ['gather'],
    family: 'exact',
    dtypes: ['float32', 'int32'],
    inputs: (g) => [normal(g, [4, 5, 6]), integers(g, [4, 3, 5], 0, 6)],
    compute: ([x, i]) => gather(x.permute(0, 2, 1), 1, i),
  }),
  referenceCase('indexing', {
    name: 'gather: rank-4 float64 along the last axis, index smaller than the input',
    ops: ['gather'],
    family: 'exact',
    dtypes: ['float64', 'int32'],
    inputs: (g) => [normal(g, [2, 3, 4, 7], 'float64'), integers(g, [2, 2, 4, 9], 0, 7)],
    compute: ([x, i]) => gather(x, -1, i),
  }),
  referenceCase('indexing', {
    name: 'gather: int32 and bool values along axis 0',
    ops: ['gather'],
    family: 'exact',
    dtypes: ['int32', 'bool'],
    inputs: (g) => [integers(g, [5, 3], -9, 9), booleans(g, [5, 3]), integers(g, [8, 3], 0, 5)],
    compute: ([x, b, i]) => [gather(x, 0, i), gather(b, 0, i)],
  }),
];

const TAKE_ALONG_DIM: ConformanceCase[] = [
  referenceCase('indexing', {
    name: 'takeAlongDim: float32 input [4,1,6] and indices [1,5,3] broadcast to [4,5,3] (stride-0 views)',
    ops: ['gather', 'expand'],
    family: 'exact',
    dtypes: ['float32', 'int32'],
    inputs: (g) => [normal(g, [4, 1, 6]), integers(g, [1, 5, 3], 0, 6)],
    compute: ([x, i]) => takeAlongDim(x, i, -1),
  }),
  referenceCase('indexing', {
    name: 'takeAlongDim: float64 top-k style along axis 1 of a permuted input, and flattened',
    ops: ['gather', 'expand'],
    family: 'exact',
    dtypes: ['float64', 'int32'],
    inputs: (g) => [normal(g, [7, 3, 2], 'float64'), integers(g, [3, 4, 1], 0, 7), integers(g, [9], 0, 42)],
    compute: ([x, i, flat]) => [takeAlongDim(x.permute(1, 0, 2), i, 1), takeAlongDim(x, flat)],
  }),
  referenceCase('indexing', {
    name: 'takeAlongDim: int32 and bool values, 1100 rows of indices against one input row',
    ops: ['gather', 'expand'],
    family: 'exact',
    dtypes: ['int32', 'bool'],
    inputs: (g) => [integers(g, [1, 8], -9, 9), booleans(g, [1, 8]), integers(g, [1100, 2], 0, 8)],
    compute: ([x, b, i]) => [takeAlongDim(x, i, 1), takeAlongDim(b, i, 1)],
  }),
];

const INDEX_VIEWS: ConformanceCase[] = [
  referenceCase('indexing', {
    name: 'index: x[:, -3:], x[1, ..., ::2, None] and x[::2, 1:-1, 0] of rank-4 and permuted inputs',
    ops: ['slice', 'reshape'],
    family: 'exact',
    dtypes: ['float32'],
    inputs: (g) => [normal(g, [3, 5, 4, 6])],
    compute: ([x]) => [
      x.index(':', '-3:'),
      x.index(1, '...', '::2', null),
      x.permute(3, 1, 0, 2).index('::2', [1, -1], 0),
    ],
  }),
  referenceCase('indexing', {
    name: 'index: int32 and bool views with steps, read back through their strides',
    ops: ['slice', 'reshape'],
    family: 'exact',
    dtypes: ['int32', 'bool'],
    inputs: (g) => [integers(g, [6, 1200], -50, 50), booleans(g, [4, 9])],
    compute: ([i, b]) => [i.index('1::2', [7, null, 3]), b.index(-1, '::4'), b.mT.index(null, 2)],
  }),
];

const SCATTER: ConformanceCase[] = [
  referenceCase('indexing', {
    name: 'scatterAdd: float32 with repeated indices along axis 1',
    ops: ['scatterAdd'],
    family: 'reduction',
    dtypes: ['float32', 'int32'],
    inputs: (g) => [integers(g, [4, 10], 0, 6), normal(g, [4, 10])],
    compute: ([i, src]) => scatterAddZeros([4, 6], 1, i, src),
  }),
  referenceCase('indexing', {
    name: 'scatterAdd: 1200 sources into 3 slots along axis 0, strided src',
    ops: ['scatterAdd'],
    family: 'reduction',
    dtypes: ['float64', 'int32'],
    inputs: (g) => [integers(g, [1200, 2], 0, 3), normal(g, [2, 1200], 'float64')],
    compute: ([i, src]) => scatterAddZeros([3, 2], 0, i, src.mT),
  }),
  referenceCase('indexing', {
    name: 'scatterAdd: int32 sources, into an input',
    ops: ['scatterAdd', 'add'],
    family: 'reduction',
    dtypes: ['int32'],
    inputs: (g) => [integers(g, [3, 5], -5, 5), integers(g, [3, 7], 0, 5), integers(g, [3, 7], -50, 50)],
    compute: ([x, i, src]) => x.add(scatterAddZeros([3, 5], -1, i, src)),
  }),
];

const INDEX_SELECT: ConformanceCase[] = [
  referenceCase('indexing', {
    name: 'indexSelect: float32 rows with repeats, and columns of a transposed input',
    ops: ['indexSelect'],
    family: 'exact',
    dtypes: ['float32', 'int32'],
    inputs: (g) => [normal(g, [5, 7]), integers(g, [8], 0, 5), integers(g, [3], 0, 5)],
    compute: ([x, rows, cols]) => [indexSelect(x, 0, rows), indexSelect(x.mT, 1, cols)],
  }),
  referenceCase('indexing', {
    name: 'indexSelect: rank-4 float64 along axis 2',
    ops: ['indexSelect'],
    family: 'exact',
    dtypes: ['float64', 'int32'],
    inputs: (g) => [normal(g, [2, 3, 6, 4], 'float64'), integers(g, [10], 0, 6)],
    compute: ([x, i]) => indexSelect(x, 2, i),
  }),
  referenceCase('indexing', {
    name: 'indexSelect: int32 and bool tables (an embedding lookup)',
    ops: ['indexSelect'],
    family: 'exact',
    dtypes: ['int32', 'bool'],
    inputs: (g) => [integers(g, [6, 4], -9, 9), booleans(g, [6, 4]), integers(g, [2, 5], 0, 6)],
    compute: ([x, b, ids]) => [embedding(ids, x), indexSelect(b, 0, ids.reshape(-1))],
  }),
];

const INDEX_ADD: ConformanceCase[] = [
  referenceCase('indexing', {
    name: 'indexAdd: float32 slices with repeated indices along axis 0',
    ops: ['indexAdd'],
    family: 'reduction',
    dtypes: ['float32', 'int32'],
    inputs: (g) => [integers(g, [9], 0, 4), normal(g, [9, 3])],
    compute: ([i, src]) => indexAddZeros([4, 3], 0, i, src),
  }),
  referenceCase('indexing', {
    name: 'indexAdd: rank-4 float64 along axis 1, permuted src',
    ops: ['indexAdd'],
    family: 'reduction',
    dtypes: ['float64', 'int32'],
    inputs: (g) => [integers(g, [6], 0, 3), normal(g, [2, 5, 6, 4], 'float64')],
    compute: ([i, src]) => indexAddZeros([2, 3, 4, 5], 1, i, src.permute(0, 2, 3, 1)),
  }),
  referenceCase('indexing', {
    name: 'indexAdd: int32 (the embedding gradient), 1100 ids into 4 rows',
    ops: ['indexAdd'],
    family: 'reduction',
    dtypes: ['int32'],
    inputs: (g) => [integers(g, [1100], 0, 4), integers(g, [1100, 2], -10, 10)],
    compute: ([i, src]) => indexAddZeros([4, 2], 0, i, src),
  }),
];

const on = (backend: Backend) => ({ backend });
const int = (values: number[] | number[][], b: Backend) => tensor(values, { backend: b, dtype: 'int32' });

const GOLDEN: ConformanceCase[] = [
  goldenCase('golden: indexing', {
    name: 'gather (the torch.gather example) and take',
    ops: ['gather', 'indexSelect'],
    family: 'exact',
    dtypes: ['float32', 'int32'],
    compute: (b) => {
      const x = tensor(
        [
          [1, 2],
          [3, 4],
        ],
        on(b),
      );
      return [
        gather(
          x,
          1,
          int(
            [
              [0, 0],
              [1, 0],
            ],
            b,
          ),
        ),
        take(x, int([3, 0, 3], b)),
      ];
    },
    expected: [
      { shape: [2, 2], dtype: 'float32', values: [1, 1, 4, 3] },
      { shape: [3], dtype: 'float32', values: [4, 1, 4] },
    ],
  }),
  goldenCase('golden: indexing', {
    name: 'gather reads a smaller index as torch.gather does; takeAlongDim broadcasts it',
    ops: ['gather', 'expand'],
    family: 'exact',
    dtypes: ['float32', 'int32'],
    compute: (b) => {
      // x [2,2,3], index [1,2,1] along the last axis: gather → [1,2,1], takeAlongDim → [2,2,1].
      const x = tensor(
        [
          [
            [0, 1, 2],
            [3, 4, 5],
          ],
          [
            [6, 7, 8],
            [9, 10, 11],
          ],
        ],
        on(b),
      );
      const i = int([[2], [0]], b).reshape(1, 2, 1);
      return [gather(x, 2, i), takeAlongDim(x, i, 2)];
    },
    expected: [
      { shape: [1, 2, 1], dtype: 'float32', values: [2, 3] },
      { shape: [2, 2, 1], dtype: 'float32', values: [2, 3, 8, 9] },
    ],
  }),
  goldenCase('golden: indexing', {
    name: 'scatterAdd and indexAdd accumulate repeated indices',
    ops: ['scatterAdd', 'indexAdd'],
    family: 'reduction',
    dtypes: ['float32', 'int32'],
    compute: (b) => [
      scatterAddZeros([3], 0, int([0, 1, 0, 2], b), tensor([1, 2, 3, 4], on(b))),
      indexAddZeros(
        [3, 2],
        0,
        int([0, 2, 0], b),
        tensor(
          [
            [1, 1],
            [2, 2],
            [3, 3],
          ],
          on(b),
        ),
      ),
    ],
    expected: [
      { shape: [3], dtype: 'float32', values: [4, 2, 4] },
      { shape: [3, 2], dtype: 'float32', values: [4, 4, 0, 0, 2, 2] },
    ],
  }),
  goldenCase('golden: indexing', {
    name: 'embedding rows and oneHot',
    ops: ['indexSelect', 'reshape'],
    family: 'exact',
    dtypes: ['float32', 'int32'],
    compute: (b) => [
      embedding(
        int([[2, 0]], b),
        tensor(
          [
            [0, 0.5],
            [1, 1.5],
            [2, 2.5],
          ],
          on(b),
        ),
      ),
      oneHot(int([1, 0], b), 3),
    ],
    expected: [
      { shape: [1, 2, 2], dtype: 'float32', values: [2, 2.5, 0, 0.5] },
      { shape: [2, 3], dtype: 'float32', values: [0, 1, 0, 1, 0, 0] },
    ],
  }),
];

/** gather, scatterAdd, indexSelect, indexAdd (and takeAlongDim, embedding, take, oneHot on top of them), multi-axis index views. */
export const INDEXING_CASES: readonly ConformanceCase[] = [
  ...GATHER,
  ...TAKE_ALONG_DIM,
  ...INDEX_VIEWS,
  ...SCATTER,
  ...INDEX_SELECT,
  ...INDEX_ADD,
  ...GOLDEN,
];
