import { type Backend, ones, type Tensor, tensor } from '@dendrite/tensor';
import { type ConformanceCase, goldenCase, referenceCase } from '../case.js';
import { booleans, integers, normal, uniform } from '../inputs.js';

type Reducer = (x: Tensor, axis?: number | number[] | null, keepdim?: boolean) => Tensor;

const REDUCERS: [string, Reducer][] = [
  ['sum', (x, a, k) => x.sum(a, k)],
  ['amax', (x, a, k) => x.amax(a, k)],
  ['amin', (x, a, k) => x.amin(a, k)],
];

function reduceCases([op, r]: [string, Reducer]): ConformanceCase[] {
  const base = { ops: [op], family: 'reduction' as const };
  return [
    referenceCase('reduce', {
      ...base,
      name: `${op}: float32 [5,7] over axis 0, axis -1 with keepdim, and all axes`,
      dtypes: ['float32'],
      inputs: (g) => [normal(g, [5, 7])],
      compute: ([x]) => [r(x, 0), r(x, -1, true), r(x), r(x, null, true)],
    }),
    referenceCase('reduce', {
      ...base,
      name: `${op}: float64 rank-4 over axes [1,3], permuted input`,
      dtypes: ['float64'],
      inputs: (g) => [normal(g, [2, 5, 3, 4], 'float64')],
      compute: ([x]) => [r(x.permute(0, 2, 1, 3), [1, 3]), r(x.permute(3, 1, 0, 2), [0, 2], true)],
    }),
    referenceCase('reduce', {
      ...base,
      name: `${op}: more than 1000 elements per output (gpu.js caps loops at 1000)`,
      dtypes: ['float32'],
      inputs: (g) => [uniform(g, [3, 1500], 0, 1), uniform(g, [2048], 0, 1)],
      compute: ([rows, flat]) => [r(rows, 1), r(flat), r(rows.mT, 0, true)],
    }),
    referenceCase('reduce', {
      ...base,
      name: `${op}: the extreme or sum in the last of 1200 elements`,
      dtypes: ['float32'],
      inputs: (g) => [uniform(g, [1200], 0, 1)],
      compute: ([x]) => {
        const spike = new Float32Array(1200);
        spike[1199] = 5;
        const s = tensor(spike, { backend: x.backend });
        return [r(x.add(s)), r(x.sub(s))];
      },
    }),
    referenceCase('reduce', {
      ...base,
      name: `${op}: int32 and bool`,
      dtypes: ['int32', 'bool'],
      inputs: (g) => [integers(g, [4, 1100], -1000, 1000), booleans(g, [3, 40])],
      compute: ([i, b]) => [r(i, 1), r(i), r(b, 0), r(b)],
    }),
    referenceCase('reduce', {
      ...base,
      name: `${op}: strided input (step 3) and a broadcast input`,
      dtypes: ['float32'],
      inputs: (g) => [normal(g, [6, 30]), normal(g, [1, 9])],
      compute: ([x, y]) => [r(x.slice(1, 2, null, 3), 1), r(y.expand(4, 9), 0)],
    }),
    referenceCase('reduce', {
      ...base,
      name: `${op}: NaN propagates`,
      dtypes: ['float32'],
      inputs: (g) => [normal(g, [3, 4])],
      compute: ([x]) => {
        const y = x.add(tensor([[0, 0, Number.NaN, 0]], { backend: x.backend }));
        return [r(y, 1), r(y, 0)];
      },
    }),
  ];
}

const ARG: [string, (x: Tensor, axis?: number | null, keepdim?: boolean) => Tensor][] = [
  ['argmax', (x, a, k) => x.argmax(a, k)],
  ['argmin', (x, a, k) => x.argmin(a, k)],
];

function argCases([op, r]: (typeof ARG)[number]): ConformanceCase[] {
  const base = { ops: [op], family: 'exact' as const };
  return [
    referenceCase('reduce', {
      ...base,
      name: `${op}: float32 over 1200 elements per row`,
      dtypes: ['float32', 'int32'],
      inputs: (g) => [normal(g, [4, 1200])],
      compute: ([x]) => [r(x, 1), r(x.mT, 0, true)],
    }),
    referenceCase('reduce', {
      ...base,
      name: `${op}: ties give the first index (int32 input)`,
      dtypes: ['int32'],
      inputs: (g) => [integers(g, [6, 40], 0, 3)],
      compute: ([x]) => [r(x, 1), r(x, 0), r(x)],
    }),
    referenceCase('reduce', {
      ...base,
      name: `${op}: rank-4 float64 along axis 2, and flattened`,
      dtypes: ['float64', 'int32'],
      inputs: (g) => [normal(g, [2, 3, 7, 5], 'float64')],
      compute: ([x]) => [r(x, 2), r(x.permute(3, 2, 1, 0), -1, true), r(x, null, true)],
    }),
    referenceCase('reduce', {
      ...base,
      name: `${op}: bool input`,
      dtypes: ['bool', 'int32'],
      inputs: (g) => [booleans(g, [5, 9])],
      compute: ([x]) => r(x, 1),
    }),
  ];
}

/** max(x, dim) / min(x, dim): { values, indices } from the arg-reduction and a gather. */
const VALUES_INDICES: ConformanceCase[] = (['max', 'min'] as const).flatMap((op) => {
  const base = { ops: [op === 'max' ? 'argmax' : 'argmin', 'gather'], family: 'exact' as const };
  const run = (x: Tensor, dim: number, keepdim = false) => {
    const r = op === 'max' ? x.max(dim, keepdim) : x.min(dim, keepdim);
    return [r.values, r.indices];
  };
  return [
    referenceCase('reduce', {
      ...base,
      name: `${op}(x, dim): values and indices, float32 over 1200 elements per row and a transposed input`,
      dtypes: ['float32', 'int32'],
      inputs: (g) => [normal(g, [3, 1200])],
      compute: ([x]) => [...run(x, 1), ...run(x.mT, 0, true)],
    }),
    referenceCase('reduce', {
      ...base,
      name: `${op}(x, dim): rank-4 float64 along axis 2, permuted`,
      dtypes: ['float64', 'int32'],
      inputs: (g) => [normal(g, [2, 3, 7, 5], 'float64')],
      compute: ([x]) => [...run(x, 2), ...run(x.permute(3, 2, 1, 0), -1, true)],
    }),
    referenceCase('reduce', {
      ...base,
      name: `${op}(x, dim): int32 ties (first index) and bool`,
      dtypes: ['int32', 'bool'],
      inputs: (g) => [integers(g, [6, 40], 0, 3), booleans(g, [5, 9])],
      compute: ([i, b]) => [...run(i, 1), ...run(i, 0), ...run(b, 1)],
    }),
  ];
});

const CUMSUM: ConformanceCase[] = [
  referenceCase('reduce', {
    name: 'cumsum: float32 along 1500 elements',
    ops: ['cumsum'],
    family: 'reduction',
    dtypes: ['float32'],
    inputs: (g) => [uniform(g, [3, 1500], 0, 1)],
    compute: ([x]) => [x.cumsum(1), x.mT.cumsum(0)],
  }),
  referenceCase('reduce', {
    name: 'cumsum: float64 rank-4 along each axis',
    ops: ['cumsum'],
    family: 'reduction',
    dtypes: ['float64'],
    inputs: (g) => [normal(g, [2, 3, 4, 5], 'float64')],
    compute: ([x]) => [0, 1, 2, 3].map((a) => x.permute(1, 0, 3, 2).cumsum(a)),
  }),
  referenceCase('reduce', {
    name: 'cumsum: int32 and bool (counts in int32)',
    ops: ['cumsum'],
    family: 'reduction',
    dtypes: ['int32', 'bool'],
    inputs: (g) => [integers(g, [4, 300], -100, 100), booleans(g, [2, 1100])],
    compute: ([i, b]) => [i.cumsum(1), b.cumsum(-1)],
  }),
];

const on = (backend: Backend) => ({ backend });
const M = (b: Backend) =>
  tensor(
    [
      [1, 9, 3],
      [7, 5, -6],
    ],
    on(b),
  );

const GOLDEN: ConformanceCase[] = [
  goldenCase('golden: reduce', {
    name: 'sum, amax, amin over each axis and all axes',
    ops: ['sum', 'amax', 'amin'],
    family: 'reduction',
    dtypes: ['float32'],
    compute: (b) => [M(b).sum(0), M(b).sum(), M(b).amax(1), M(b).amin(0, true), M(b).max()],
    expected: [
      { shape: [3], dtype: 'float32', values: [8, 14, -3] },
      { shape: [], dtype: 'float32', values: [19] },
      { shape: [2], dtype: 'float32', values: [9, 7] },
      { shape: [1, 3], dtype: 'float32', values: [1, 5, -6] },
      { shape: [], dtype: 'float32', values: [9] },
    ],
  }),
  goldenCase('golden: reduce', {
    name: 'sums of 1500 and 4096 ones (no loop cap), int32 and bool counts',
    ops: ['sum'],
    family: 'reduction',
    dtypes: ['float32', 'int32', 'bool'],
    compute: (b) => [
      ones([1500], on(b)).sum(),
      ones([2, 4096], on(b)).sum(1),
      ones([1001], { ...on(b), dtype: 'int32' }).sum(),
      ones([3, 1200], { ...on(b), dtype: 'bool' }).sum(),
    ],
    expected: [
      { shape: [], dtype: 'float32', values: [1500] },
      { shape: [2], dtype: 'float32', values: [4096, 4096] },
      { shape: [], dtype: 'int32', values: [1001] },
      { shape: [], dtype: 'int32', values: [3600] },
    ],
  }),
  goldenCase('golden: reduce', {
    name: 'max(x, dim) and min(x, dim) give values and indices, the first among ties',
    ops: ['argmax', 'argmin', 'gather'],
    family: 'exact',
    dtypes: ['float32', 'int32'],
    compute: (b) => {
      const x = tensor(
        [
          [1, 5, 5],
          [7, 0, 7],
        ],
        on(b),
      );
      const mx = x.max(1);
      const mn = x.min(0, true);
      return [mx.values, mx.indices, mn.values, mn.indices];
    },
    expected: [
      { shape: [2], dtype: 'float32', values: [5, 7] },
      { shape: [2], dtype: 'int32', values: [1, 0] },
      { shape: [1, 3], dtype: 'float32', values: [1, 0, 5] },
      { shape: [1, 3], dtype: 'int32', values: [0, 1, 0] },
    ],
  }),
  goldenCase('golden: reduce', {
    name: 'argmax and argmin return the first extreme index',
    ops: ['argmax', 'argmin'],
    family: 'exact',
    dtypes: ['float32', 'int32'],
    compute: (b) => {
      const x = tensor(
        [
          [1, 5, 5],
          [7, 0, 7],
        ],
        on(b),
      );
      return [x.argmax(1), x.argmin(1), x.argmax(), x.argmin(0)];
    },
    expected: [
      { shape: [2], dtype: 'int32', values: [1, 0] },
      { shape: [2], dtype: 'int32', values: [0, 1] },
      { shape: [], dtype: 'int32', values: [3] },
      { shape: [3], dtype: 'int32', values: [0, 1, 0] },
    ],
  }),
  goldenCase('golden: reduce', {
    name: 'cumsum of rows, and of 1200 ones',
    ops: ['cumsum'],
    family: 'reduction',
    dtypes: ['float32'],
    compute: (b) => [
      tensor(
        [
          [1, 2, 3],
          [4, 5, 6],
        ],
        on(b),
      ).cumsum(1),
      ones([1200], on(b)).cumsum(0).slice(0, 998, null, 100),
    ],
    expected: [
      { shape: [2, 3], dtype: 'float32', values: [1, 3, 6, 4, 9, 15] },
      { shape: [3], dtype: 'float32', values: [999, 1099, 1199] },
    ],
  }),
  goldenCase('golden: reduce', {
    name: 'mean and variance built on sum',
    ops: ['sum', 'div'],
    family: 'reduction',
    dtypes: ['float32'],
    compute: (b) => {
      const x = tensor([1, 2, 3, 4], on(b));
      return [x.mean(), x.var(), x.var(0, { correction: 0 }), x.var(0, { keepdim: true })];
    },
    expected: [
      { shape: [], dtype: 'float32', values: [2.5] },
      { shape: [], dtype: 'float32', values: [5 / 3] },
      { shape: [], dtype: 'float32', values: [1.25] },
      { shape: [1], dtype: 'float32', values: [5 / 3] },
    ],
  }),
];

/** Reductions, arg-reductions, max/min with indices and scans: any axes, keepdim, > 1000 elements, int32/bool, strided inputs. */
export const REDUCE_CASES: readonly ConformanceCase[] = [
  ...REDUCERS.flatMap(reduceCases),
  ...ARG.flatMap(argCases),
  ...VALUES_INDICES,
  ...CUMSUM,
  ...GOLDEN,
];
