import {
  adamUpdate,
  crossEntropyBackward,
  geluBackward,
  layerNormBackward,
  softmaxBackward,
  type Tensor,
} from '@dendrite/tensor';
import type { FusedKernelName } from '@dendrite/tensor/backend';
import { type ConformanceCase, referenceCase } from '../case.js';
import { integers, normal } from '../inputs.js';

/**
 * The fused gradient kernels and the Adam step, called directly (kernel calls emit no op): every
 * backend's kernel, its own or the default composed from its primitives, against the CPU's — which
 * `@dendrite/tensor`'s tests check against the composites (`adamUpdateComposite`, …).
 */
const GELU_BACKWARD: ConformanceCase[] = (['float32', 'float64'] as const).map((dtype) =>
  referenceCase('gradients', {
    name: `geluBackward: ${dtype} [5,40], exact and tanh forms, permuted input`,
    ops: [],
    family: 'transcendental',
    dtypes: [dtype],
    inputs: (g) => [normal(g, [5, 40], dtype, 3), normal(g, [5, 40], dtype)],
    compute: ([x, gy]) => [
      geluBackward(x, gy, 'none'),
      geluBackward(x, gy, 'tanh'),
      geluBackward(x.mT, gy.mT, 'none'),
    ],
  }),
);

const SOFTMAX_BACKWARD: ConformanceCase[] = (['float32', 'float64'] as const).map((dtype) =>
  referenceCase('gradients', {
    name: `softmaxBackward: ${dtype} [4,6,9] of softmax and logSoftmax, last axis and axis 1`,
    ops: [],
    family: 'softmax',
    dtypes: [dtype],
    inputs: (g) => [normal(g, [4, 6, 9], dtype, 2), normal(g, [4, 6, 9], dtype)],
    compute: ([x, gy]) => [
      softmaxBackward(x.softmax(-1), gy, -1, false),
      softmaxBackward(x.logSoftmax(-1), gy, -1, true),
      softmaxBackward(x.softmax(1), gy, 1, false),
    ],
  }),
);

const LAYER_NORM_BACKWARD: ConformanceCase[] = (['float32', 'float64'] as const).map((dtype) =>
  referenceCase('gradients', {
    name: `layerNormBackward: ${dtype} [6,3,20] with and without weight and bias`,
    ops: [],
    family: 'reduction',
    dtypes: [dtype],
    inputs: (g) => [normal(g, [6, 3, 20], dtype, 2), normal(g, [20], dtype), normal(g, [6, 3, 20], dtype)],
    compute: ([x, w, gy]) => {
      const withAffine = layerNormBackward(x, w, gy, 1e-5, true);
      const bare = layerNormBackward(x, null, gy, 1e-5, false);
      return [withAffine.dx, withAffine.dweight as Tensor, withAffine.dbias as Tensor, bare.dx];
    },
  }),
);

const CROSS_ENTROPY_BACKWARD: ConformanceCase[] = [
  referenceCase('gradients', {
    name: 'crossEntropyBackward: float32 [6,9] with an ignored row, with and without label smoothing',
    ops: [],
    family: 'softmax',
    dtypes: ['float32', 'int32'],
    inputs: (g) => [normal(g, [6, 9], 'float32', 3), integers(g, [6], -1, 9), normal(g, [6])],
    compute: ([x, t, gl]) => [
      crossEntropyBackward(x, t, gl, { ignoreIndex: -1 }),
      crossEntropyBackward(x, t, gl, { ignoreIndex: -1, labelSmoothing: 0.2 }),
    ],
  }),
];

const ADAM: ConformanceCase[] = (['float32', 'float64'] as const).map((dtype) =>
  referenceCase('gradients', {
    name: `adamUpdate: ${dtype} [300], AdamW, Adam with L2 and AMSGrad, maximizing`,
    ops: [],
    family: 'elementwise',
    dtypes: [dtype],
    inputs: (g) => [
      normal(g, [300], dtype),
      normal(g, [300], dtype),
      normal(g, [300], dtype),
      normal(g, [300], dtype),
    ],
    compute: ([p, grad, m, v0]) => {
      const v = v0.square();
      const base = { lr: 1e-2, beta1: 0.9, beta2: 0.99, eps: 1e-8, step: 7, amsgrad: false, maximize: false };
      const adamW = adamUpdate(p, grad, m, v, null, { ...base, weightDecay: 0.1, decoupled: true });
      const ams = adamUpdate(p, grad, m, v, v.add(0.25), {
        ...base,
        weightDecay: 0.01,
        decoupled: false,
        amsgrad: true,
      });
      const max = adamUpdate(p, grad, m, v, null, {
        ...base,
        weightDecay: 0,
        decoupled: true,
        maximize: true,
      });
      return [adamW.param, adamW.expAvg, adamW.expAvgSq, ams.param, ams.maxExpAvgSq as Tensor, max.param];
    },
  }),
);

/**
 * The cases that exercise each fused kernel (a missing kernel fails to compile). Forward kernels
 * run inside their ops' cases (layerNorm, causalSoftmax, softmaxCrossEntropy).
 */
export const KERNEL_CASES = {
  layerNorm: 'layerNorm:',
  layerNormBackward: 'layerNormBackward:',
  geluBackward: 'geluBackward:',
  softmaxBackward: 'softmaxBackward:',
  causalSoftmax: 'causalSoftmax:',
  crossEntropy: 'softmaxCrossEntropy:',
  crossEntropyBackward: 'crossEntropyBackward:',
  adamUpdate: 'adamUpdate:',
} as const satisfies Record<FusedKernelName, string>;

/** Every fused gradient kernel and the Adam step against the CPU. */
export const GRADIENT_CASES: ConformanceCase[] = [
  ...GELU_BACKWARD,
  ...SOFTMAX_BACKWARD,
  ...LAYER_NORM_BACKWARD,
  ...CROSS_ENTROPY_BACKWARD,
  ...ADAM,
];
