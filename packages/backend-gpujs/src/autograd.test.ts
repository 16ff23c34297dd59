import { isDifferentiable, valueAndGrad } from '@dendrite/autograd';
import {
  type Backend,
  causalSoftmax,
  concat,
  cpuBackend,
  Generator,
  gather,
  indexAddZeros,
  indexSelect,
  listOps,
  rand,
  registerBackend,
  scatterAddZeros,
  softmaxCrossEntropy,
  type Tensor,
  tensor,
  where,
} from '@dendrite/tensor';
import { describe, expect, it } from 'vitest';
import { backendFor, testModes } from './test/modes.js';

/**
 * Gradients on this backend against gradients on the CPU backend, both in float32, for every
 * differentiable op of the tensor core (the same cases as @dendrite/autograd's float64 gradchecks,
 * whose rules are verified there against finite differences). Tolerance: rtol 1e-4, atol 1e-5 —
 * the backward pass is a few float32 ops per element, summed in a different order.
 */
const RTOL = 1e-4;
const ATOL = 1e-5;

interface Case {
  name: string;
  shapes: number[][];
  /** Inputs drawn uniformly from [low, high). */
  range?: [number, number];
  f: (...xs: Tensor[]) => Tensor;
  /** Needs a synchronous read from the backend (moving a tensor to another backend). */
  sync?: boolean;
}

const ints = (like: Tensor, values: number[], shape?: number[]) =>
  tensor(values, { dtype: 'int32', shape: shape ?? [values.length], backend: like.backend });
const awayFromZero = (x: Tensor) => x.add(x.sign().mul(0.3));
const cpuCopy = registerBackend({ ...cpuBackend, name: 'cpu-copy-for-gradients' });

const CASES: Record<string, Case[]> = {
  neg: [{ name: 'matrix', shapes: [[3, 4]], f: (x) => x.neg() }],
  abs: [{ name: 'away from 0', shapes: [[3, 4]], f: (x) => awayFromZero(x).abs() }],
  sign: [{ name: 'zero gradient', shapes: [[5]], f: (x) => awayFromZero(x).sign().mul(x) }],
  exp: [{ name: 'matrix', shapes: [[2, 3]], f: (x) => x.exp() }],
  log: [{ name: 'positive', shapes: [[2, 3]], range: [0.5, 2], f: (x) => x.log() }],
  log1p: [{ name: 'above −1', shapes: [[2, 3]], range: [-0.9, 2], f: (x) => x.log1p() }],
  sqrt: [{ name: 'positive', shapes: [[2, 3]], range: [0.5, 2], f: (x) => x.sqrt() }],
  rsqrt: [{ name: 'positive', shapes: [[2, 3]], range: [0.5, 2], f: (x) => x.rsqrt() }],
  tanh: [{ name: 'matrix', shapes: [[3, 3]], range: [-2, 2], f: (x) => x.tanh() }],
  sigmoid: [{ name: 'matrix', shapes: [[3, 3]], range: [-3, 3], f: (x) => x.sigmoid() }],
  relu: [{ name: 'away from 0', shapes: [[4, 3]], f: (x) => awayFromZero(x).relu() }],
  gelu: [{ name: 'exact erf form', shapes: [[4, 3]], range: [-3, 3], f: (x) => x.gelu() }],
  gelu_tanh: [
    {
      name: 'tanh approximation',
      shapes: [[4, 3]],
      range: [-3, 3],
      f: (x) => x.gelu({ approximate: 'tanh' }),
    },
  ],
  sin: [{ name: 'vector', shapes: [[6]], range: [-3, 3], f: (x) => x.sin() }],
  cos: [{ name: 'vector', shapes: [[6]], range: [-3, 3], f: (x) => x.cos() }],
  erf: [{ name: 'vector', shapes: [[6]], range: [-2, 2], f: (x) => x.erf() }],
  add: [
    {
      name: 'broadcast both',
      shapes: [
        [2, 1, 3],
        [4, 1],
      ],
      f: (a, b) => a.add(b),
    },
    { name: 'scalar', shapes: [[3]], f: (a) => a.add(2) },
  ],
  sub: [
    {
      name: 'broadcast column',
      shapes: [
        [3, 4],
        [3, 1],
      ],
      f: (a, b) => a.sub(b),
    },
  ],
  mul: [
    {
      name: 'broadcast',
      shapes: [
        [2, 3, 4],
        [3, 1],
      ],
      f: (a, b) => a.mul(b),
    },
    { name: 'self', shapes: [[3]], f: (a) => a.mul(a) },
  ],
  div: [{ name: 'broadcast', shapes: [[3, 4], [4]], range: [0.5, 2], f: (a, b) => a.div(b) }],
  pow: [
    { name: 'tensor exponent', shapes: [[3, 2], [2]], range: [0.5, 2], f: (a, b) => a.pow(b.sub(1)) },
    { name: 'square', shapes: [[4]], f: (a) => a.pow(2) },
  ],
  maximum: [{ name: 'with a scalar', shapes: [[6]], f: (a) => awayFromZero(a).maximum(0) }],
  minimum: [
    {
      name: 'disjoint ranges',
      shapes: [
        [3, 4],
        [3, 1],
      ],
      f: (a, b) => a.add(2).minimum(b),
    },
  ],
  where: [{ name: 'broadcast branches', shapes: [[3, 4], [4]], f: (a, b) => where(a.gt(0), a.mul(2), b) }],
  sum: [
    { name: 'all', shapes: [[2, 3, 4]], f: (x) => x.sum() },
    { name: 'axes keepdim', shapes: [[2, 3, 4]], f: (x) => x.sum([0, 2], true) },
  ],
  amax: [{ name: 'over an axis', shapes: [[3, 5]], f: (x) => x.amax(1) }],
  amin: [{ name: 'keepdim', shapes: [[3, 5]], f: (x) => x.amin(0, true) }],
  cumsum: [{ name: 'middle axis', shapes: [[2, 4, 3]], f: (x) => x.cumsum(1) }],
  reshape: [{ name: 'split dims', shapes: [[2, 6]], f: (x) => x.reshape(3, 2, 2).exp() }],
  permute: [{ name: '3-d', shapes: [[2, 3, 4]], f: (x) => x.permute(2, 0, 1).exp() }],
  slice: [{ name: 'step 2', shapes: [[7, 3]], f: (x) => x.slice(0, 1, 6, 2).exp() }],
  expand: [{ name: 'broadcast view', shapes: [[3, 1]], f: (x) => x.expand(2, 3, 4).exp() }],
  contiguous: [{ name: 'of a transpose', shapes: [[3, 4]], f: (x) => x.transpose().contiguous() }],
  clone: [{ name: 'copy', shapes: [[3]], f: (x) => x.clone().mul(x) }],
  cast: [
    {
      name: 'float32 → int32 → float32 (zero gradient) plus x',
      shapes: [[4]],
      f: (x) => x.int().float().add(x),
    },
  ],
  toBackend: [
    {
      name: 'to another backend and back',
      shapes: [[3]],
      sync: true,
      f: (x) => x.to(cpuCopy).exp().to(x.backend),
    },
  ],
  matmul: [
    {
      name: '2-d',
      shapes: [
        [3, 4],
        [4, 2],
      ],
      f: (a, b) => a.matmul(b),
    },
    {
      name: 'transposed operands',
      shapes: [
        [4, 3],
        [2, 4],
      ],
      f: (a, b) => a.mT.matmul(b.mT),
    },
    {
      name: 'batched broadcast',
      shapes: [
        [2, 1, 3, 4],
        [3, 4, 2],
      ],
      f: (a, b) => a.matmul(b),
    },
    { name: 'dot', shapes: [[5], [5]], f: (a, b) => a.matmul(b) },
  ],
  softmax: [
    { name: 'last axis', shapes: [[3, 5]], range: [-2, 2], f: (x) => x.softmax(-1) },
    { name: 'first axis', shapes: [[3, 5]], range: [-2, 2], f: (x) => x.softmax(0) },
  ],
  logSoftmax: [{ name: 'last axis', shapes: [[3, 5]], range: [-2, 2], f: (x) => x.logSoftmax(-1) }],
  // The CPU backend's own kernels; here the default kernels, composed from this backend's primitives.
  layerNorm: [
    {
      name: 'last dim with weight and bias',
      shapes: [[3, 6], [6], [6]],
      range: [-2, 2],
      f: (x, w, b) => x.layerNorm([6], w, b),
    },
  ],
  causalSoftmax: [
    {
      name: 'KV cache: 3 queries over 5 keys',
      shapes: [[2, 3, 5]],
      range: [-2, 2],
      f: (x) => causalSoftmax(x, 0.7),
    },
  ],
  softmaxCrossEntropy: [
    {
      name: 'ignored row, label smoothing',
      shapes: [[4, 5]],
      range: [-2, 2],
      f: (x) => softmaxCrossEntropy(x, ints(x, [2, -100, 0, 4]), { labelSmoothing: 0.1 }),
    },
  ],
  gather: [
    {
      name: 'along axis 1 with repeats',
      shapes: [[3, 4]],
      f: (x) => gather(x, 1, ints(x, [0, 3, 3, 1, 2, 2], [3, 2])),
    },
  ],
  scatterAdd: [
    {
      name: 'with collisions',
      shapes: [[2, 3]],
      f: (src) => scatterAddZeros([2, 4], 1, ints(src, [0, 0, 3, 1, 2, 1], [2, 3]), src),
    },
  ],
  indexSelect: [
    {
      name: 'embedding rows, repeated',
      shapes: [[5, 3]],
      f: (w) => indexSelect(w, 0, ints(w, [4, 0, 4, 2])),
    },
    { name: 'middle axis', shapes: [[2, 4, 3]], f: (w) => indexSelect(w, 1, ints(w, [3, 1])) },
  ],
  indexAdd: [
    { name: 'collisions', shapes: [[3, 2]], f: (src) => indexAddZeros([4, 2], 0, ints(src, [1, 1, 3]), src) },
  ],
  concat: [
    {
      name: 'three pieces on axis 1',
      shapes: [
        [2, 1],
        [2, 3],
        [2, 2],
      ],
      f: (a, b, c) => concat([a, b, c], 1),
    },
  ],
  // composites: differentiated through their primitives
  composite: [
    { name: 'mean and var', shapes: [[3, 4]], f: (x) => x.var(1).add(x.mean(0).sum()) },
    { name: 'logSumExp', shapes: [[3, 4]], f: (x) => x.logSumExp(-1) },
    { name: 'clamp', shapes: [[8]], range: [-2, 2], f: (x) => x.clamp(-0.95, 0.95) },
    { name: 'triu and maskedFill', shapes: [[2, 3, 3]], f: (x) => x.triu(1).maskedFill(x.gt(0.5), -1) },
    { name: 'take', shapes: [[3, 4]], f: (x) => x.take(ints(x, [0, 11, 5, 5], [2, 2])) },
  ],
};

/** Value and gradients of Σ f(xs)·r (a fixed random projection r) on `backend`, read back. */
async function gradients(c: Case, backend: Backend): Promise<{ value: number; grads: Float32Array[] }> {
  const g = new Generator(7);
  const [low, high] = c.range ?? [-1, 1];
  const hostInputs = c.shapes.map((s) => rand(s, { low, high, generator: g, backend: cpuBackend }));
  const xs = hostInputs.map((x) => x.to(backend));
  const projected = (...args: Tensor[]) => {
    const y = c.f(...args);
    const r = rand(y.shape, { generator: new Generator(11), backend }).sub(0.5);
    return y.mul(r).sum();
  };
  const { value, grads } = valueAndGrad(projected, { argnums: xs.map((_, i) => i) })(...xs);
  return {
    value: await value.item(),
    grads: await Promise.all(grads.map(async (t) => (await t.data()) as Float32Array)),
  };
}

describe('gradient cases cover every differentiable op', () => {
  it('has a case for each differentiable primitive of the tensor core', () => {
    const missing = listOps()
      .map((op) => op.name)
      .filter((name) => isDifferentiable(name) === true && !(CASES[name]?.length > 0));
    expect(missing).toEqual([]);
  });
});

for (const mode of await testModes()) {
  describe(`autograd on gpujs ${mode} matches the CPU backend (float32)`, () => {
    for (const [op, cases] of Object.entries(CASES)) {
      for (const c of cases) {
        // Moving a tensor off a webgpu backend needs a synchronous read, which WebGPU does not have.
        if (c.sync && mode === 'webgpu') continue;
        it(`${op}: ${c.name}`, async () => {
          const b = await backendFor(mode);
          const want = await gradients(c, cpuBackend);
          const got = await gradients(c, b);
          expect(Math.abs(got.value - want.value)).toBeLessThanOrEqual(ATOL + RTOL * Math.abs(want.value));
          expect(got.grads.length).toBe(want.grads.length);
          for (let i = 0; i < want.grads.length; i++) {
            const w = want.grads[i];
            const a = got.grads[i];
            for (let k = 0; k < w.length; k++) {
              if (Math.abs(a[k] - w[k]) > ATOL + RTOL * Math.abs(w[k])) {
                throw new Error(`input ${i}, element ${k}: gradient ${a[k]}, CPU ${w[k]}`);
              }
            }
          }
        });
      }
    }
  });
}
