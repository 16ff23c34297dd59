import { type Backend, causalSoftmax, tensor } from '@dendrite/tensor';
import { type ConformanceCase, goldenCase, referenceCase } from '../case.js';
import { normal } from '../inputs.js';

const base = {
  ops: ['causalSoftmax'],
  family: 'softmax' as const,
};

const CAUSAL_SOFTMAX: ConformanceCase[] = [
  ...(['float32', 'float64'] as const).flatMap((dtype) => [
    referenceCase('softmax', {
      ...base,
      name: `causalSoftmax: ${dtype} [2,3,6,6] scores, Tq = Tk, scale 1/√8`,
      dtypes: [dtype],
      inputs: (g) => [normal(g, [2, 3, 6, 6], dtype, 3)],
      compute: ([x]) => causalSoftmax(x, 1 / Math.sqrt(8)),
    }),
    referenceCase('softmax', {
      ...base,
      name: `causalSoftmax: ${dtype} KV cache, 4 queries over 9 keys and 1 query over 9`,
      dtypes: [dtype],
      inputs: (g) => [normal(g, [2, 4, 9], dtype, 2)],
      compute: ([x]) => [causalSoftmax(x, 1.7), causalSoftmax(x.slice(1, 3), 0.5)],
    }),
    referenceCase('softmax', {
      ...base,
      name: `causalSoftmax: ${dtype} permuted, transposed and stepped-slice inputs`,
      dtypes: [dtype],
      inputs: (g) => [normal(g, [6, 2, 5], dtype, 2), normal(g, [3, 7, 7], dtype, 2)],
      compute: ([a, b]) => [
        causalSoftmax(a.permute(1, 2, 0), 0.9), // [2, 5, 6]
        causalSoftmax(b.mT, 1),
        causalSoftmax(b.slice(1, 0, null, 2).slice(2, 1), 2), // [3, 4, 6], offset and steps
      ],
    }),
    referenceCase('softmax', {
      ...base,
      name: `causalSoftmax: ${dtype} large scores (std 50, offset 1000)`,
      dtypes: [dtype],
      inputs: (g) => [normal(g, [3, 5, 5], dtype, 50)],
      compute: ([x]) => [causalSoftmax(x.add(1000)), causalSoftmax(x.sub(1000), 0.5), causalSoftmax(x, -1)],
    }),
  ]),
  referenceCase('softmax', {
    ...base,
    name: 'causalSoftmax: 2 queries over 1500 keys (gpu.js caps loops at 1000)',
    dtypes: ['float32'],
    inputs: (g) => [normal(g, [2, 1500], 'float32', 2)],
    compute: ([x]) => causalSoftmax(x, 0.5),
  }),
];

const on = (backend: Backend) => ({ backend });

const GOLDEN: ConformanceCase[] = [
  goldenCase('golden: softmax', {
    name: 'causalSoftmax of [[1, 2], [3, 4]] and of one query over [0, ln 3]',
    ops: ['causalSoftmax'],
    family: 'softmax',
    dtypes: ['float32'],
    compute: (b) => [
      causalSoftmax(
        tensor(
          [
            [1, 2],
            [3, 4],
          ],
          on(b),
        ),
      ),
      causalSoftmax(tensor([[0, Math.log(3) / 2]], on(b)), 2),
    ],
    expected: [
      { shape: [2, 2], dtype: 'float32', values: [1, 0, 1 / (1 + Math.E), Math.E / (1 + Math.E)] },
      { shape: [1, 2], dtype: 'float32', values: [0.25, 0.75] },
    ],
  }),
];

/** Causal softmax of attention scores: square and KV-cache shapes, strided inputs, large values. */
export const ATTENTION_CASES: readonly ConformanceCase[] = [...CAUSAL_SOFTMAX, ...GOLDEN];
