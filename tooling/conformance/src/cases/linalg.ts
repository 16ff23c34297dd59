import { type Backend, layerNorm, matmul, ones, softmax, type Tensor, tensor } from '@dendrite/tensor';
import { type ConformanceCase, goldenCase, referenceCase } from '../case.js';
import { integers, normal, uniform } from '../inputs.js';

/** [title, a's shape, b's shape, how the operands are viewed before the product]. */
const MATMUL_SHAPES: [string, number[], number[], 'plain' | 'aT' | 'bT' | 'both'][] = [
  ['[7,13] @ [13,5]', [7, 13], [13, 5], 'plain'],
  ['1×N @ N×1', [1, 9], [9, 1], 'plain'],
  ['N×1 @ 1×N (outer product)', [6, 1], [1, 8], 'plain'],
  ['dot of two vectors', [17], [17], 'plain'],
  ['vector @ matrix', [11], [11, 4], 'plain'],
  ['matrix @ vector', [5, 11], [11], 'plain'],
  ['transposed A (non-contiguous)', [13, 7], [13, 5], 'aT'],
  ['transposed B, the Linear-layer x·Wᵀ', [8, 16], [12, 16], 'bT'],
  ['both transposed', [9, 6], [10, 9], 'both'],
  ['broadcast batch [2,1,3,4] @ [5,4,2]', [2, 1, 3, 4], [5, 4, 2], 'plain'],
  ['batched rank-4 [2,3,5,6] @ [2,3,6,4]', [2, 3, 5, 6], [2, 3, 6, 4], 'plain'],
  ['shared weight [4,6,5] @ [5,7]', [4, 6, 5], [5, 7], 'plain'],
  ['vector @ batch [3,8,2]', [8], [3, 8, 2], 'plain'],
];

/** The operand itself, or its transpose (a non-contiguous view). */
const maybeT = (transposed: boolean) => (x: Tensor) => (transposed ? x.mT : x);

const MATMUL: ConformanceCase[] = [
  ...MATMUL_SHAPES.flatMap(([title, sa, sb, mode]) =>
    (['float32', 'float64'] as const).map((dtype) =>
      referenceCase('matmul', {
        name: `matmul: ${title}, ${dtype}`,
        ops: ['matmul'],
        family: 'matmul',
        dtypes: [dtype],
        inputs: (g) => [normal(g, sa, dtype), normal(g, sb, dtype)],
        compute: ([a, b]) =>
          matmul(maybeT(mode === 'aT' || mode === 'both')(a), maybeT(mode === 'bT' || mode === 'both')(b)),
      }),
    ),
  ),
  referenceCase('matmul', {
    name: 'matmul: inner dimension of 1500 (gpu.js caps loops at 1000)',
    ops: ['matmul'],
    family: 'matmul',
    dtypes: ['float32'],
    inputs: (g) => [uniform(g, [3, 1500], 0, 1), uniform(g, [1500, 4], 0, 1)],
    compute: ([a, b]) => [matmul(a, b), matmul(b.mT, a.mT)],
  }),
  referenceCase('matmul', {
    name: 'matmul: int32 operands compute in float32',
    ops: ['matmul'],
    family: 'matmul',
    dtypes: ['int32', 'float32'],
    inputs: (g) => [integers(g, [4, 6], -5, 5), integers(g, [6, 3], -5, 5)],
    compute: ([a, b]) => matmul(a, b),
  }),
  referenceCase('matmul', {
    name: 'matmul: sliced operands with steps and an offset',
    ops: ['matmul'],
    family: 'matmul',
    dtypes: ['float32'],
    inputs: (g) => [normal(g, [6, 14]), normal(g, [9, 5])],
    compute: ([a, b]) => matmul(a.slice(1, 1, null, 2).slice(0, 1), b.slice(0, 2)),
  }),
];

const LAYER_NORM: ConformanceCase[] = [
  referenceCase('layerNorm', {
    name: 'layerNorm: float32 [6, 40] with weight and bias',
    ops: ['layerNorm'],
    family: 'softmax',
    dtypes: ['float32'],
    inputs: (g) => [normal(g, [6, 40], 'float32', 3), normal(g, [40]), normal(g, [40])],
    compute: ([x, w, b]) => [x.layerNorm([40], w, b, 1e-5), layerNorm(x, 40, null, null, 1e-5)],
  }),
  referenceCase('layerNorm', {
    name: 'layerNorm: float32 rank 4, 1100 features, permuted input',
    ops: ['layerNorm'],
    family: 'softmax',
    dtypes: ['float32'],
    inputs: (g) => [normal(g, [2, 3, 2, 1100], 'float32', 2), normal(g, [2])],
    compute: ([x, w]) => [x.layerNorm(1100), x.permute(3, 1, 0, 2).layerNorm([2], w)],
  }),
  referenceCase('layerNorm', {
    name: 'layerNorm: float64 with weight',
    ops: ['layerNorm'],
    family: 'softmax',
    dtypes: ['float64'],
    inputs: (g) => [normal(g, [4, 7], 'float64'), normal(g, [7], 'float64')],
    compute: ([x, w]) => x.layerNorm([7], w),
  }),
  referenceCase('layerNorm', {
    name: 'layerNorm: float32 over two trailing dims [5, 9] (one fused row of 45), and of a permuted input',
    ops: ['layerNorm'],
    family: 'softmax',
    dtypes: ['float32'],
    inputs: (g) => [normal(g, [3, 5, 9], 'float32', 2), normal(g, [5, 9]), normal(g, [5, 9])],
    compute: ([x, w, b]) => [layerNorm(x, [5, 9], w, b), layerNorm(x.permute(2, 0, 1), [3, 5])],
  }),
  referenceCase('layerNorm', {
    name: 'layerNorm: float64 over every dim of a rank-3 input, with weight',
    ops: ['layerNorm'],
    family: 'softmax',
    dtypes: ['float64'],
    inputs: (g) => [normal(g, [4, 3, 6], 'float64'), normal(g, [4, 3, 6], 'float64')],
    compute: ([x, w]) => layerNorm(x, [4, 3, 6], w),
  }),
];

const SOFTMAX: ConformanceCase[] = [
  ...(['softmax', 'logSoftmax'] as const).flatMap((op) => {
    const f = (x: Tensor, axis?: number) => (op === 'softmax' ? x.softmax(axis) : x.logSoftmax(axis));
    const base = { ops: [op], family: 'softmax' as const };
    return [
      referenceCase('softmax', {
        ...base,
        name: `${op}: float32 [6,10] along the last axis`,
        dtypes: ['float32'],
        inputs: (g) => [normal(g, [6, 10], 'float32', 3)],
        compute: ([x]) => f(x),
      }),
      referenceCase('softmax', {
        ...base,
        name: `${op}: float64 rank-4 along axis 1, permuted input`,
        dtypes: ['float64'],
        inputs: (g) => [normal(g, [2, 5, 3, 4], 'float64', 3)],
        compute: ([x]) => [f(x, 1), f(x.permute(3, 2, 1, 0), 2)],
      }),
      referenceCase('softmax', {
        ...base,
        name: `${op}: 1500 elements along the axis`,
        dtypes: ['float32'],
        inputs: (g) => [normal(g, [3, 1500], 'float32', 2)],
        compute: ([x]) => [f(x, 1), f(x.mT, 0)],
      }),
      referenceCase('softmax', {
        ...base,
        name: `${op}: large logits and masked (-inf) entries`,
        dtypes: ['float32', 'bool'],
        inputs: (g) => [normal(g, [4, 4], 'float32', 50)],
        compute: ([x]) => {
          const causal = tensor(
            [
              [false, true, true, true],
              [false, false, true, true],
              [false, false, false, true],
              [false, false, false, false],
            ],
            { backend: x.backend },
          );
          return f(x.add(1000).maskedFill(causal, Number.NEGATIVE_INFINITY));
        },
      }),
    ];
  }),
];

const on = (backend: Backend) => ({ backend });

const GOLDEN: ConformanceCase[] = [
  goldenCase('golden: matmul', {
    name: 'matmul of 2×2 matrices, a dot product and a batch',
    ops: ['matmul'],
    family: 'matmul',
    dtypes: ['float32'],
    compute: (b) => {
      const a = tensor(
        [
          [1, 2],
          [3, 4],
        ],
        on(b),
      );
      const c = tensor(
        [
          [5, 6],
          [7, 8],
        ],
        on(b),
      );
      return [
        a.matmul(c),
        tensor([1, 2, 3], on(b)).matmul(tensor([4, 5, 6], on(b))),
        a.mT.matmul(c.reshape(1, 2, 2).expand(3, 2, 2)),
      ];
    },
    expected: [
      { shape: [2, 2], dtype: 'float32', values: [19, 22, 43, 50] },
      { shape: [], dtype: 'float32', values: [32] },
      { shape: [3, 2, 2], dtype: 'float32', values: [26, 30, 38, 44, 26, 30, 38, 44, 26, 30, 38, 44] },
    ],
  }),
  goldenCase('golden: matmul', {
    name: 'dot product of 1500 ones (no loop cap)',
    ops: ['matmul'],
    family: 'matmul',
    dtypes: ['float32'],
    compute: (b) => [
      ones([1500], on(b)).matmul(ones([1500, 2], on(b))),
      ones([2, 1200], on(b)).matmul(ones([1200], on(b))),
    ],
    expected: [
      { shape: [2], dtype: 'float32', values: [1500, 1500] },
      { shape: [2], dtype: 'float32', values: [1200, 1200] },
    ],
  }),
  goldenCase('golden: softmax', {
    name: 'softmax and logSoftmax of [1, 2, 3]; a masked entry gets 0',
    ops: ['softmax', 'logSoftmax'],
    family: 'softmax',
    dtypes: ['float32'],
    compute: (b) => {
      const x = tensor([1, 2, 3], on(b));
      return [softmax(x), x.logSoftmax(), tensor([Number.NEGATIVE_INFINITY, 0, 0], on(b)).softmax()];
    },
    expected: [
      {
        shape: [3],
        dtype: 'float32',
        values: [0.09003057317038046, 0.24472847105479764, 0.6652409557748219],
      },
      {
        shape: [3],
        dtype: 'float32',
        values: [-2.4076059644443806, -1.4076059644443806, -0.4076059644443806],
      },
      { shape: [3], dtype: 'float32', values: [0, 0.5, 0.5] },
    ],
  }),
];

/** Matrix products (every operand layout, batch broadcasting, long inner dims) and softmax. */
export const LINALG_CASES: readonly ConformanceCase[] = [...MATMUL, ...SOFTMAX, ...LAYER_NORM, ...GOLDEN];
