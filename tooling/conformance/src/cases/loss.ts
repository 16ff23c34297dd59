import { type Backend, softmaxCrossEntropy, tensor } from '@dendrite/tensor';
import { type ConformanceCase, goldenCase, referenceCase } from '../case.js';
import { integers, normal } from '../inputs.js';

const base = {
  ops: ['softmaxCrossEntropy'],
  family: 'softmax' as const,
};

const CROSS_ENTROPY: ConformanceCase[] = [
  ...(['float32', 'float64'] as const).flatMap((dtype) => [
    referenceCase('loss', {
      ...base,
      name: `softmaxCrossEntropy: ${dtype} [8,10] with ignored rows, with and without label smoothing`,
      dtypes: [dtype, 'int32'],
      inputs: (g) => [normal(g, [8, 10], dtype, 3), integers(g, [8], -1, 10)],
      compute: ([x, t]) => [
        softmaxCrossEntropy(x, t, { ignoreIndex: -1 }),
        softmaxCrossEntropy(x, t, { ignoreIndex: -1, labelSmoothing: 0.1 }),
      ],
    }),
    referenceCase('loss', {
      ...base,
      name: `softmaxCrossEntropy: ${dtype} transposed logits, ignoreIndex a real class`,
      dtypes: [dtype, 'int32'],
      inputs: (g) => [normal(g, [7, 5], dtype, 2), integers(g, [5], 0, 7)],
      compute: ([x, t]) => [
        softmaxCrossEntropy(x.mT, t, { ignoreIndex: 3 }),
        softmaxCrossEntropy(x.mT, t, { ignoreIndex: 3, labelSmoothing: 1 }),
      ],
    }),
    referenceCase('loss', {
      ...base,
      name: `softmaxCrossEntropy: ${dtype} large logits (std 50, offset 1000)`,
      dtypes: [dtype, 'int32'],
      inputs: (g) => [normal(g, [6, 4], dtype, 50), integers(g, [6], 0, 4)],
      compute: ([x, t]) => [
        softmaxCrossEntropy(x.add(1000), t),
        softmaxCrossEntropy(x, t, { labelSmoothing: 0.3 }),
      ],
    }),
  ]),
  referenceCase('loss', {
    ...base,
    name: 'softmaxCrossEntropy: 1500 classes (gpu.js caps loops at 1000)',
    dtypes: ['float32', 'int32'],
    inputs: (g) => [normal(g, [3, 1500], 'float32', 2), integers(g, [3], 0, 1500)],
    compute: ([x, t]) => softmaxCrossEntropy(x, t, { labelSmoothing: 0.05 }),
  }),
];

const on = (backend: Backend) => ({ backend });

const GOLDEN: ConformanceCase[] = [
  goldenCase('golden: loss', {
    name: 'softmaxCrossEntropy of uniform logits is log C; an ignored row is 0',
    ops: ['softmaxCrossEntropy'],
    family: 'softmax',
    dtypes: ['float32', 'int32'],
    compute: (b) => {
      const logits = tensor(
        [
          [0, 0, 0, 0],
          [5, 5, 5, 5],
          [1, 2, 3, 4],
        ],
        on(b),
      );
      return softmaxCrossEntropy(logits, tensor([2, 0, -100], { ...on(b), dtype: 'int32' }));
    },
    expected: { shape: [3], dtype: 'float32', values: [Math.log(4), Math.log(4), 0] },
  }),
];

/** The fused softmax cross-entropy: ignored rows, label smoothing, strided and large logits, its gradient. */
export const LOSS_CASES: readonly ConformanceCase[] = [...CROSS_ENTROPY, ...GOLDEN];
