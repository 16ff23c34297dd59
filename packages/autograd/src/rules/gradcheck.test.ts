import { composeBackend, primitivesOf } from '@dendrite/tensor/backend';
import '../index.js';
import {
  applyBinary,
  applyUnary,
  type Backend,
  BINARY_OPS,
  type BinaryOp,
  binarySpec,
  causalSoftmax,
  concat,
  cpuBackend,
  gather,
  indexAddZeros,
  indexSelect,
  layerNorm,
  listOps,
  min,
  registerBackend,
  scatterAddZeros,
  softmaxCrossEntropy,
  softplus,
  type Tensor,
  takeAlongDim,
  UNARY_OPS,
  UNARY_SPEC,
  type UnaryOp,
  unarySpec,
  where,
} from '@dendrite/tensor';
import { describe, expect, it } from 'vitest';
import { gradcheck } from '../gradcheck.js';
import { awayFromZero, inRange, ints, uniform } from '../test/helpers.js';
import { isDifferentiable } from './registry.js';

interface Case {
  name: string;
  inputs: () => Tensor[];
  f: (...xs: Tensor[]) => Tensor;
}

const otherCpu = registerBackend({ ...cpuBackend, name: 'cpu-copy' });
/** The CPU primitives with every fused kernel at its default (the composites, run unrecorded). */
const unfused: Backend = registerBackend(
  composeBackend({ ...primitivesOf(cpuBackend), name: 'cpu-unfused' }),
);

// Fixed weights used inside case functions (f runs many times during a check: no fresh randomness in it).
const w2 = uniform([2]);
const w4 = uniform([4]);
const w6 = uniform([6]);
const targets = ints([2, -100, 0, 4]);

/**
 * One case per differentiable element-wise op, from its spec: inputs in the op's test range (away
 * from its kinks), a [3, 4] input, or for two inputs a [3, 4] and a broadcast [4].
 */
const SPEC_CASES: Record<string, Case[]> = Object.fromEntries([
  ...UNARY_OPS.filter((op) => unarySpec(op).notDifferentiable === undefined).map((op) => [
    op,
    [
      {
        name: 'spec test range, [3, 4]',
        inputs: () => [inRange([3, 4], unarySpec(op).domain)],
        f: (x: Tensor) => applyUnary(op, x),
      },
    ],
  ]),
  ...BINARY_OPS.filter((op) => binarySpec(op).notDifferentiable === undefined).map((op) => [
    op,
    [
      {
        name: 'spec test ranges, [3, 4] with a broadcast [4]',
        inputs: () => [inRange([3, 4], binarySpec(op).domain.a), inRange([4], binarySpec(op).domain.b)],
        f: (a: Tensor, b: Tensor) => applyBinary(op, a, b),
      },
    ],
  ]),
]);

/**
 * Further gradient-check cases by op: every op that is not element-wise, and the broadcasting and
 * scalar forms of element-wise ops. Each differentiable op of the tensor core must have a case here
 * or in SPEC_CASES: the completeness test below fails otherwise. Inputs avoid kinks.
 */
const EXTRA_CASES: Record<string, Case[]> = {
  add: [
    { name: 'same shape', inputs: () => [uniform([2, 3]), uniform([2, 3])], f: (a, b) => a.add(b) },
    { name: 'broadcast row', inputs: () => [uniform([4, 3]), uniform([3])], f: (a, b) => a.add(b) },
    { name: 'broadcast both', inputs: () => [uniform([2, 1, 3]), uniform([4, 1])], f: (a, b) => a.add(b) },
    { name: 'scalar', inputs: () => [uniform([3])], f: (a) => a.add(2) },
  ],
  sub: [
    { name: 'broadcast column', inputs: () => [uniform([3, 4]), uniform([3, 1])], f: (a, b) => a.sub(b) },
    { name: 'scalar minus tensor', inputs: () => [uniform([3])], f: (a) => a.neg().add(1).sub(a) },
  ],
  mul: [
    { name: 'broadcast', inputs: () => [uniform([2, 3, 4]), uniform([3, 1])], f: (a, b) => a.mul(b) },
    { name: 'self', inputs: () => [uniform([3])], f: (a) => a.mul(a) },
  ],
  div: [
    { name: 'broadcast', inputs: () => [uniform([3, 4]), uniform([4], 0.5, 2)], f: (a, b) => a.div(b) },
    { name: 'reciprocal', inputs: () => [uniform([3], 0.5, 2)], f: (a) => a.pow(-1).div(a) },
  ],
  pow: [
    {
      name: 'tensor exponent',
      inputs: () => [uniform([3, 2], 0.5, 2), uniform([2], -1, 2)],
      f: (a, b) => a.pow(b),
    },
    { name: 'square', inputs: () => [uniform([4], -2, 2)], f: (a) => a.pow(2) },
  ],
  maximum: [
    {
      name: 'no ties',
      inputs: () => [uniform([3, 4], 0.5, 1), uniform([4], -1, 0.4)],
      f: (a, b) => a.maximum(b.mul(b.gt(-0.5).to('float64').mul(3))),
    },
    { name: 'with a scalar', inputs: () => [awayFromZero([6])], f: (a) => a.maximum(0) },
  ],
  minimum: [
    {
      name: 'disjoint ranges',
      inputs: () => [uniform([3, 4], 0.5, 1), uniform([3, 1], -1, 0.4)],
      f: (a, b) => a.minimum(b),
    },
  ],
  where: [
    {
      name: 'broadcast branches',
      inputs: () => [uniform([3, 4]), uniform([4])],
      f: (a, b) => where(a.gt(0), a.mul(2), b),
    },
  ],
  sum: [
    { name: 'all', inputs: () => [uniform([2, 3, 4])], f: (x) => x.sum() },
    { name: 'axes keepdim', inputs: () => [uniform([2, 3, 4])], f: (x) => x.sum([0, 2], true) },
    { name: 'last axis', inputs: () => [uniform([2, 3, 4])], f: (x) => x.sum(-1) },
  ],
  amax: [
    { name: 'over an axis', inputs: () => [uniform([3, 5])], f: (x) => x.amax(1) },
    { name: 'over two axes', inputs: () => [uniform([2, 3, 4])], f: (x) => x.amax([0, 2]) },
    { name: 'all (max(x))', inputs: () => [uniform([2, 3])], f: (x) => x.max() },
  ],
  amin: [
    { name: 'keepdim', inputs: () => [uniform([3, 5])], f: (x) => x.amin(0, true) },
    { name: 'all (min(x))', inputs: () => [uniform([2, 3])], f: (x) => x.min() },
  ],
  cumsum: [{ name: 'middle axis', inputs: () => [uniform([2, 4, 3])], f: (x) => x.cumsum(1) }],
  reshape: [{ name: 'split dims', inputs: () => [uniform([2, 6])], f: (x) => x.reshape(3, 2, 2).mul(w2) }],
  permute: [
    { name: '3-d', inputs: () => [uniform([2, 3, 4])], f: (x) => x.permute(2, 0, 1).mul(w2.reshape(2, 1)) },
  ],
  slice: [
    { name: 'step 2', inputs: () => [uniform([7, 3])], f: (x) => x.slice(0, 1, 6, 2) },
    { name: 'negative bounds', inputs: () => [uniform([3, 5])], f: (x) => x.slice(1, -3, -1) },
  ],
  expand: [{ name: 'broadcast view', inputs: () => [uniform([3, 1])], f: (x) => x.expand(2, 3, 4).mul(w4) }],
  contiguous: [
    { name: 'of a transpose', inputs: () => [uniform([3, 4])], f: (x) => x.transpose().contiguous() },
  ],
  clone: [{ name: 'copy', inputs: () => [uniform([3])], f: (x) => x.clone().mul(x) }],
  cast: [
    { name: 'float64 → float32 → float64', inputs: () => [uniform([4])], f: (x) => x.mul(x).to('float64') },
  ],
  toBackend: [
    { name: 'cpu → cpu-copy', inputs: () => [uniform([3])], f: (x) => x.to(otherCpu).exp().to(cpuBackend) },
  ],
  matmul: [
    { name: '2-d', inputs: () => [uniform([3, 4]), uniform([4, 2])], f: (a, b) => a.matmul(b) },
    {
      name: 'transposed operand',
      inputs: () => [uniform([4, 3]), uniform([2, 4])],
      f: (a, b) => a.mT.matmul(b.mT),
    },
    {
      name: 'batched broadcast',
      inputs: () => [uniform([2, 1, 3, 4]), uniform([3, 4, 2])],
      f: (a, b) => a.matmul(b),
    },
    { name: 'vector · matrix', inputs: () => [uniform([4]), uniform([4, 3])], f: (a, b) => a.matmul(b) },
    { name: 'dot', inputs: () => [uniform([5]), uniform([5])], f: (a, b) => a.matmul(b) },
  ],
  softmax: [
    { name: 'last axis', inputs: () => [uniform([3, 5], -2, 2)], f: (x) => x.softmax(-1) },
    { name: 'first axis', inputs: () => [uniform([3, 5], -2, 2)], f: (x) => x.softmax(0) },
  ],
  logSoftmax: [{ name: 'last axis', inputs: () => [uniform([3, 5], -2, 2)], f: (x) => x.logSoftmax(-1) }],
  causalSoftmax: [
    {
      name: 'square [2, 3, 3], scale 0.7',
      inputs: () => [uniform([2, 3, 3], -2, 2)],
      f: (x) => causalSoftmax(x, 0.7),
    },
    {
      name: 'KV cache: 3 queries over 5 keys',
      inputs: () => [uniform([3, 5], -2, 2)],
      f: (x) => x.causalSoftmax(),
    },
    {
      name: 'permuted scores, negative scale',
      inputs: () => [uniform([4, 2, 4], -2, 2)],
      f: (x) => causalSoftmax(x.permute(1, 2, 0), -1.5),
    },
  ],
  softmaxCrossEntropy: [
    {
      name: 'with an ignored row',
      inputs: () => [uniform([4, 5], -2, 2)],
      f: (x) => softmaxCrossEntropy(x, targets),
    },
    {
      name: 'label smoothing, transposed logits',
      inputs: () => [uniform([5, 4], -2, 2)],
      f: (x) => softmaxCrossEntropy(x.mT, targets, { labelSmoothing: 0.2 }),
    },
  ],
  gather: [
    {
      name: 'along axis 1 with repeats',
      inputs: () => [uniform([3, 4])],
      f: (x) => gather(x, 1, ints([0, 3, 3, 1, 2, 2], [3, 2])),
    },
  ],
  scatterAdd: [
    {
      name: 'with collisions',
      inputs: () => [uniform([2, 3])],
      f: (src) => scatterAddZeros([2, 4], 1, ints([0, 0, 3, 1, 2, 1], [2, 3]), src),
    },
  ],
  indexSelect: [
    {
      name: 'embedding rows, repeated',
      inputs: () => [uniform([5, 3])],
      f: (w) => indexSelect(w, 0, ints([4, 0, 4, 2])),
    },
    { name: 'middle axis', inputs: () => [uniform([2, 4, 3])], f: (w) => indexSelect(w, 1, ints([3, 1])) },
  ],
  indexAdd: [
    {
      name: 'collisions',
      inputs: () => [uniform([3, 2])],
      f: (src) => indexAddZeros([4, 2], 0, ints([1, 1, 3]), src),
    },
  ],
  layerNorm: [
    {
      name: 'with weight and bias (fused kernel)',
      inputs: () => [uniform([3, 2, 5]), uniform([5], 0.5, 1.5), uniform([5])],
      f: (x, w, b) => x.layerNorm([5], w, b, 1e-5),
    },
    {
      name: 'without affine parameters',
      inputs: () => [uniform([4, 6])],
      f: (x) => layerNorm(x, 6, null, null, 1e-5),
    },
    {
      name: 'over two trailing dims (reshaped onto the fused kernel), weight and bias [3, 4]',
      inputs: () => [uniform([2, 3, 4]), uniform([3, 4], 0.5, 1.5), uniform([3, 4])],
      f: (x, w, b) => layerNorm(x, [3, 4], w, b),
    },
  ],
  concat: [
    {
      name: 'three pieces on axis 1',
      inputs: () => [uniform([2, 1]), uniform([2, 3]), uniform([2, 2])],
      f: (a, b, c) => concat([a, b, c], 1),
    },
  ],
};

const CASES: Record<string, Case[]> = { ...EXTRA_CASES };
for (const [op, cases] of Object.entries(SPEC_CASES)) CASES[op] = [...cases, ...(EXTRA_CASES[op] ?? [])];

describe('float64 gradient checks of every differentiable op', () => {
  it('the spec-derived cases are exactly the differentiable element-wise ops of the spec', () => {
    const specOps = [...UNARY_OPS, ...BINARY_OPS];
    expect(Object.keys(SPEC_CASES)).toEqual(specOps.filter((op) => isDifferentiable(op) === true));
    for (const op of specOps) {
      const reason =
        op in UNARY_SPEC
          ? unarySpec(op as UnaryOp).notDifferentiable
          : binarySpec(op as BinaryOp).notDifferentiable;
      expect(isDifferentiable(op), op).toBe(reason === undefined);
    }
  });

  it('every differentiable op of the tensor core has at least one gradcheck case', () => {
    const differentiable = listOps()
      .map((op) => op.name)
      .filter((name) => isDifferentiable(name) === true);
    const missing = differentiable.filter((name) => !(CASES[name]?.length > 0));
    expect(missing).toEqual([]);
  });

  for (const [op, cases] of Object.entries(CASES)) {
    for (const c of cases) {
      it(`${op}: ${c.name}`, () => {
        const result = gradcheck(c.f, c.inputs());
        expect(result.ok, result.report).toBe(true);
        expect(result.worst).not.toBeNull();
      });
    }
  }
});

describe('composite ops differentiate through their primitives', () => {
  const composites: Case[] = [
    { name: 'mean', inputs: () => [uniform([3, 4])], f: (x) => x.mean(1) },
    { name: 'var', inputs: () => [uniform([3, 4])], f: (x) => x.var(1) },
    { name: 'std', inputs: () => [uniform([3, 4])], f: (x) => x.std(0, { correction: 0 }) },
    { name: 'logSumExp', inputs: () => [uniform([3, 4])], f: (x) => x.logSumExp(-1) },
    { name: 'clamp', inputs: () => [uniform([8], -2, 2)], f: (x) => x.clamp(-0.95, 0.95) },
    { name: 'square', inputs: () => [uniform([4])], f: (x) => x.square() },
    {
      name: 'softplus (mul, gt, where, exp, log1p, div)',
      inputs: () => [uniform([3, 4], -3, 3)],
      f: (x) => softplus(x),
    },
    {
      name: 'softplus, β = 2, threshold 5, on both sides of the threshold',
      inputs: () => [uniform([3, 4], -3, 3)],
      f: (x) => softplus(x.mul(4), { beta: 2, threshold: 5 }),
    },
    { name: 'triu', inputs: () => [uniform([2, 3, 3])], f: (x) => x.triu(1) },
    { name: 'tril', inputs: () => [uniform([3, 4])], f: (x) => x.tril() },
    { name: 'maskedFill', inputs: () => [uniform([3, 3])], f: (x) => x.maskedFill(x.gt(0.5), -1) },
    {
      name: 'stack',
      inputs: () => [uniform([2, 3]), uniform([2, 3])],
      f: (a, b) => a.unsqueeze(0).add(b.unsqueeze(0)),
    },
    { name: 'chunk', inputs: () => [uniform([5, 2])], f: (x) => x.chunk(2, 0)[1].mul(2) },
    { name: 'select', inputs: () => [uniform([3, 4])], f: (x) => x.select(1, 2) },
    { name: 'flatten', inputs: () => [uniform([2, 3, 2])], f: (x) => x.flatten(1).mul(w6) },
    { name: 'take', inputs: () => [uniform([3, 4])], f: (x) => x.take(ints([0, 11, 5, 5], [2, 2])) },
    {
      name: 'max(x, dim).values (argmax, gather)',
      inputs: () => [uniform([3, 5])],
      f: (x) => x.max(1).values,
    },
    {
      name: 'min(x, dim, keepdim).values (argmin, gather)',
      inputs: () => [uniform([2, 3, 4])],
      f: (x) => min(x, 1, true).values,
    },
    {
      name: 'takeAlongDim, broadcasting input and indices (expand, gather)',
      inputs: () => [uniform([2, 1, 4])],
      f: (x) => takeAlongDim(x, ints([3, 0, 0, 1, 2, 2], [1, 3, 2]), 2),
    },
    {
      name: 'takeAlongDim, flattened',
      inputs: () => [uniform([3, 4])],
      f: (x) => takeAlongDim(x, ints([11, 0, 5, 5])),
    },
    {
      name: 'index x[1:, None, -1, ::2] (slice, reshape)',
      inputs: () => [uniform([3, 4, 5])],
      f: (x) => x.index('1:', null, -1, '::2'),
    },
    {
      name: 'index with a tuple slice and ... of a permuted input',
      inputs: () => [uniform([4, 3, 5])],
      f: (x) => x.permute(2, 0, 1).index([1, 4], '...', 2),
    },
    {
      name: 'layerNorm, GELU and log-softmax on the default kernels (composites of the primitives)',
      inputs: () => [uniform([3, 5], -2, 2), uniform([5]), uniform([5])],
      f: (x, w, b) =>
        layerNorm(x.to(unfused), 5, w.to(unfused), b.to(unfused))
          .gelu()
          .add(x.to(unfused).gelu({ approximate: 'tanh' }))
          .logSoftmax(-1)
          .to(cpuBackend),
    },
    {
      name: 'causalSoftmax on the default kernel (mul, where, softmax)',
      inputs: () => [uniform([2, 3, 4], -2, 2)],
      f: (x) => causalSoftmax(x.to(unfused), 0.5).to(cpuBackend),
    },
    {
      name: 'softmaxCrossEntropy on the default kernels (logSoftmax, gather)',
      inputs: () => [uniform([4, 5], -2, 2)],
      f: (x) =>
        softmaxCrossEntropy(x.to(unfused), targets.to(unfused), { labelSmoothing: 0.1 }).to(cpuBackend),
    },
  ];
  for (const c of composites) {
    it(c.name, () => {
      const result = gradcheck(c.f, c.inputs());
      expect(result.ok, result.report).toBe(true);
    });
  }
});
