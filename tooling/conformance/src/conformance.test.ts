import {
  type Backend,
  BackendError,
  BINARY_OPS,
  contiguousStrides,
  cpuBackend,
  type Handle,
  listOps,
  type ReduceOp,
  UNARY_OPS,
  type View,
} from '@dendrite/tensor';
import { composeBackend, primitivesOf } from '@dendrite/tensor/backend';
import { describe, expect, it } from 'vitest';
import { KERNEL_CASES } from './cases/gradients.js';
import {
  assertMatches,
  CONFORMANCE_CASES,
  type ConformanceCase,
  ConformanceError,
  casesToRun,
  closeEnough,
  DEFAULT_TOLERANCES,
  missingOps,
  referenceCase,
  runCases,
  runConformance,
  toleranceFor,
} from './index.js';
import { normal } from './inputs.js';
import { COMPOSITE_KERNEL_TOLERANCES } from './tolerances.js';

/** The CPU backend as a device would look: made asynchronously, values readable only with `await t.data()`. */
const asyncCpu: Backend = {
  ...cpuBackend,
  name: 'cpu-async',
  canReadSync: false,
  readSync(): never {
    throw new BackendError('cpu-async: no synchronous reads');
  },
};

// The reference backend against itself: trivial for the CPU-vs-CPU comparisons, but the suite's
// hand-computed cases, its coverage check over listOps() and its op-emission checks still bite.
// (It runs here, not in @dendrite/tensor, so tensor does not dev-depend on this package, which
// depends on tensor: no cyclic workspace dependency.)
runConformance({ backend: cpuBackend, name: 'cpu' });

// The whole suite, on a backend that is not the reference object itself and reads only asynchronously.
runConformance({ backend: async () => asyncCpu, name: 'CPU without synchronous reads (async factory)' });

const byName = (name: string): ConformanceCase => {
  const found = CONFORMANCE_CASES.find((c) => c.name === name);
  if (!found) throw new Error(`no case named ${name}`);
  return found;
};
const runOn = (name: string, backend: Backend, tolerances = {}) => byName(name).run({ backend, tolerances });

/** Typed-array access to a CPU handle, to build deliberately broken backends. */
const dataOf = (h: Handle) => (h as { data: Float32Array | Float64Array | Int32Array }).data;

describe('the suite itself', () => {
  it('has unique case names and a case for every primitive op', () => {
    const names = CONFORMANCE_CASES.map((c) => c.name);
    expect(new Set(names).size).toBe(names.length);
    expect(missingOps()).toEqual([]);
    expect(listOps().length).toBeGreaterThan(40);
  });

  it('derives a case list for exactly the element-wise ops of the spec', () => {
    const covered = (group: string) =>
      new Set(CONFORMANCE_CASES.filter((c) => c.group === group).flatMap((c) => c.ops));
    expect([...covered('unary')]).toEqual([...UNARY_OPS]);
    expect([...covered('binary')]).toEqual([...BINARY_OPS]);
  });

  it('notices an op without a case', () => {
    const withoutErf = CONFORMANCE_CASES.filter((c) => !c.ops.includes('erf'));
    expect(missingOps(withoutErf)).toEqual(['erf']);
  });

  it('has hand-computed (golden) cases for every op family', () => {
    const groups = new Set(CONFORMANCE_CASES.filter((c) => c.kind === 'golden').map((c) => c.group));
    for (const g of [
      'elementwise',
      'transcendental',
      'reduce',
      'matmul',
      'softmax',
      'indexing',
      'copy',
      'creation',
    ]) {
      expect(groups).toContain(`golden: ${g}`);
    }
  });

  it('registers only the cases the options select: dtypes, skip entries and groups are decided up front', () => {
    const all = casesToRun({});
    expect(all).toEqual(CONFORMANCE_CASES);
    const noFloat64 = casesToRun({ skipDTypes: ['float64'] });
    expect(noFloat64.length).toBeGreaterThan(0);
    expect(noFloat64.length).toBeLessThan(all.length);
    expect(noFloat64.every((c) => !c.dtypes.includes('float64'))).toBe(true);
    const products = casesToRun({ groups: /matmul/ });
    expect(products.length).toBeGreaterThan(0);
    expect(products.every((c) => /matmul/.test(c.group))).toBe(true);
    const first = CONFORMANCE_CASES[0].name;
    expect(casesToRun({ skip: [first] }).map((c) => c.name)).not.toContain(first);
    expect(casesToRun({ skip: [/./] })).toEqual([]);
  });

  it('refuses a case that claims an op it does not run', async () => {
    const liar = referenceCase('test', {
      name: 'claims erf, runs exp',
      ops: ['erf'],
      family: 'transcendental',
      dtypes: ['float32'],
      inputs: (g) => [normal(g, [3])],
      compute: ([x]) => x.exp(),
    });
    await expect(liar.run({ backend: cpuBackend, tolerances: {} })).rejects.toThrow(
      /claims erf, runs exp: the case covers erf but the run emitted only exp/,
    );
  });
});

describe('tolerances', () => {
  it('int32 and bool are exact; floats take the family default', () => {
    expect(toleranceFor('matmul', 'matmul', 'int32')).toEqual({ rtol: 0, atol: 0 });
    expect(toleranceFor('transcendental', 'exp', 'bool', { exp: { rtol: 1, atol: 1 } })).toEqual({
      rtol: 0,
      atol: 0,
    });
    expect(toleranceFor('matmul', 'matmul', 'float32')).toEqual(DEFAULT_TOLERANCES.matmul.float32);
    expect(toleranceFor('elementwise', 'add', 'float64')).toEqual({ rtol: 1e-12, atol: 1e-12 });
    expect(DEFAULT_TOLERANCES.elementwise.float32.rtol).toBe(1e-5);
    expect(DEFAULT_TOLERANCES.reduction.float32.rtol).toBe(1e-4);
  });

  it('overrides apply most specific first: op.dtype, op, family.dtype, family', () => {
    const o = {
      'exp.float32': { rtol: 1, atol: 0 },
      exp: { rtol: 2, atol: 0 },
      'transcendental.float64': { rtol: 3, atol: 0 },
      transcendental: { rtol: 4, atol: 0 },
    };
    expect(toleranceFor('transcendental', 'exp', 'float32', o).rtol).toBe(1);
    expect(toleranceFor('transcendental', 'exp', 'float64', o).rtol).toBe(2);
    expect(toleranceFor('transcendental', 'log', 'float64', o).rtol).toBe(3);
    expect(toleranceFor('transcendental', 'log', 'float32', o).rtol).toBe(4);
  });

  it('closeEnough: NaN matches NaN, infinities must be equal, finite values within atol + rtol·|expected|', () => {
    const tol = { rtol: 1e-3, atol: 1e-6 };
    expect(closeEnough(Number.NaN, Number.NaN, tol)).toBe(true);
    expect(closeEnough(1, Number.NaN, tol)).toBe(false);
    expect(closeEnough(Number.NaN, 1, tol)).toBe(false);
    expect(closeEnough(Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY, tol)).toBe(true);
    expect(closeEnough(Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY, tol)).toBe(false);
    expect(closeEnough(1e30, Number.POSITIVE_INFINITY, tol)).toBe(false);
    expect(closeEnough(1000.9, 1000, tol)).toBe(true);
    expect(closeEnough(1001.1, 1000, tol)).toBe(false);
    expect(closeEnough(-0, 0, { rtol: 0, atol: 0 })).toBe(true);
  });

  it('assertMatches names dtype, shape and value differences', () => {
    const t = (values: number[], shape = [values.length], dtype: 'float32' | 'int32' = 'float32') => ({
      shape,
      dtype,
      values,
    });
    const tol = { rtol: 0, atol: 0 };
    expect(() => assertMatches('x', t([1]), t([1], [1], 'int32'), tol)).toThrow(
      'x: dtype float32, expected int32',
    );
    expect(() => assertMatches('x', t([1, 2], [2, 1]), t([1, 2], [1, 2]), tol)).toThrow(
      'x: shape [2,1], expected [1,2]',
    );
    expect(() => assertMatches('x', t([1, 5, 3]), t([1, 2, 3]), tol)).toThrow(ConformanceError);
    expect(() => assertMatches('x', t([1, 5, 3]), t([1, 2, 3]), tol)).toThrow(
      'x: 1 of 3 values differ beyond rtol 0, atol 0 (max abs error 3): [1] got 5, expected 2',
    );
    expect(() => assertMatches('x', t([1, 2]), t([1, 2]), tol)).not.toThrow();
  });
});

/** The CPU primitives with every fused kernel at its default (the composites of `@dendrite/tensor/backend`). */
const composed: Backend = composeBackend({ ...primitivesOf(cpuBackend), name: 'cpu-composites' });

describe('the default kernels: the CPU primitives composed without a fused kernel pass the whole suite', () => {
  it('every fused kernel has its cases', () => {
    for (const [kernel, prefix] of Object.entries(KERNEL_CASES)) {
      const named = CONFORMANCE_CASES.filter((c) => c.name.startsWith(prefix));
      expect(named.length, `${kernel}: no case named '${prefix} …'`).toBeGreaterThan(0);
    }
  });
  for (const c of CONFORMANCE_CASES) {
    it(c.name, async () => {
      await c.run({ backend: composed, tolerances: COMPOSITE_KERNEL_TOLERANCES });
    });
  }
});

/** The CPU backend with an `exp` 0.1 % too large. */
function sloppyExpBackend(name: string): Backend {
  return {
    ...cpuBackend,
    name,
    unary(op, x) {
      const h = cpuBackend.unary(op, x);
      if (op === 'exp') {
        const d = dataOf(h);
        for (let i = 0; i < d.length; i++) d[i] *= 1.001;
      }
      return h;
    },
  };
}

describe('the suite catches broken backends', () => {
  it('an exp that is 0.1% off fails the exp cases, unless a tolerance override allows it', async () => {
    const sloppyExp = sloppyExpBackend('sloppy-exp');
    await expect(runOn('exp: float32 [7,5]', sloppyExp)).rejects.toThrow(ConformanceError);
    await expect(runOn('exp, log, sqrt, rsqrt, pow at known points', sloppyExp)).rejects.toThrow(
      /values differ/,
    );
    await expect(
      runOn('exp: float32 [7,5]', sloppyExp, { exp: { rtol: 2e-3, atol: 0 } }),
    ).resolves.toBeUndefined();
    await expect(runOn('log: float32 [7,5]', sloppyExp)).resolves.toBeUndefined();
  });

  it('runCases (no test framework: browser pages, scripts) reports each case: passed, failed with the mismatch, skipped for a dtype', async () => {
    const sloppyExp: Backend = {
      ...sloppyExpBackend('sloppy-exp-standalone'),
      dtypes: new Set(['float32', 'int32', 'bool'] as const),
    };
    const names = ['exp: float32 [7,5]', 'log: float32 [7,5]', 'exp: float64 rank-4, permuted'];
    const seen: string[] = [];
    const results = await runCases(
      sloppyExp,
      CONFORMANCE_CASES.filter((c) => names.includes(c.name)),
      { onResult: (r) => seen.push(r.name) },
    );
    const byName = new Map(results.map((r) => [r.name, r]));
    expect(byName.get('exp: float32 [7,5]')).toMatchObject({ status: 'failed', group: 'unary' });
    expect(byName.get('exp: float32 [7,5]')?.message).toMatch(
      /^ConformanceError: exp: float32 \[7,5\]: .*values differ/,
    );
    expect(byName.get('log: float32 [7,5]')).toEqual({
      name: 'log: float32 [7,5]',
      group: 'unary',
      status: 'passed',
    });
    expect(byName.get('exp: float64 rank-4, permuted')).toMatchObject({
      status: 'skipped',
      message: 'needs float64',
    });
    expect(seen).toEqual(results.map((r) => r.name)); // one report per case, in order
    const allowed = await runCases(
      sloppyExp,
      CONFORMANCE_CASES.filter((c) => c.name === names[0]),
      {
        tolerances: { exp: { rtol: 2e-3, atol: 0 } },
      },
    );
    expect(allowed.map((r) => r.status)).toEqual(['passed']);
  });

  it('a sum that stops after 1000 elements (the gpu.js loop cap) fails the long reductions', async () => {
    const capped: Backend = {
      ...cpuBackend,
      name: 'capped-loops',
      reduce(op: ReduceOp, x: View, axes: readonly number[]) {
        const shape = x.shape.map((d, i) => (axes.includes(i) ? Math.min(d, 1000) : d));
        return cpuBackend.reduce(op, { ...x, shape }, axes);
      },
    };
    await expect(
      runOn('sum: more than 1000 elements per output (gpu.js caps loops at 1000)', capped),
    ).rejects.toThrow(ConformanceError);
    await expect(
      runOn('sums of 1500 and 4096 ones (no loop cap), int32 and bool counts', capped),
    ).rejects.toThrow(/got 1000, expected 1500/);
    await expect(
      runOn('sum: float32 [5,7] over axis 0, axis -1 with keepdim, and all axes', capped),
    ).resolves.toBeUndefined();
  });

  it('a matmul that ignores strides fails the transposed and broadcast cases', async () => {
    const naive: Backend = {
      ...cpuBackend,
      name: 'stride-blind-matmul',
      matmul(a: View, b: View) {
        return cpuBackend.matmul(
          { ...a, strides: contiguousStrides(a.shape) },
          { ...b, strides: contiguousStrides(b.shape) },
        );
      },
    };
    await expect(runOn('matmul: transposed A (non-contiguous), float32', naive)).rejects.toThrow(
      ConformanceError,
    );
    await expect(runOn('matmul: broadcast batch [2,1,3,4] @ [5,4,2], float64', naive)).rejects.toThrow(
      ConformanceError,
    );
    await expect(runOn('matmul: [7,13] @ [13,5], float32', naive)).resolves.toBeUndefined();
  });

  it('a float → int32 cast that rounds instead of truncating fails the cast cases', async () => {
    const rounding: Backend = {
      ...cpuBackend,
      name: 'rounding-cast',
      cast(x: View, dtype) {
        const h = cpuBackend.cast(x, dtype);
        if (dtype === 'int32' && (x.dtype === 'float32' || x.dtype === 'float64')) {
          const src = dataOf(cpuBackend.copy(x));
          const d = dataOf(h);
          for (let i = 0; i < d.length; i++) d[i] = Math.round(src[i]);
        }
        return h;
      },
    };
    await expect(runOn('cast: float32 → int32', rounding)).rejects.toThrow(ConformanceError);
    await expect(runOn('cast truncates toward zero; bool is x ≠ 0', rounding)).rejects.toThrow(
      /got -3, expected -2/,
    );
  });

  it('a causal softmax that does not mask (a plain softmax) fails its cases', async () => {
    const unmasked: Backend = {
      ...cpuBackend,
      name: 'unmasked-causal-softmax',
      causalSoftmax(x: View, scale: number) {
        const scaled = cpuBackend.binary(
          'mul',
          x,
          { ...x, handle: cpuBackend.fill(1, scale, x.dtype), strides: x.shape.map(() => 0), offset: 0 },
          x.shape,
        );
        return cpuBackend.softmax(
          { ...x, handle: scaled, strides: contiguousStrides(x.shape), offset: 0 },
          x.shape.length - 1,
          false,
        );
      },
    };
    await expect(
      runOn('causalSoftmax: float32 [2,3,6,6] scores, Tq = Tk, scale 1/√8', unmasked),
    ).rejects.toThrow(ConformanceError);
    await expect(
      runOn('causalSoftmax of [[1, 2], [3, 4]] and of one query over [0, ln 3]', unmasked),
    ).rejects.toThrow(/values differ/);
  });

  it('a strided copy that ignores the view offset fails the slice cases', async () => {
    const offsetBlind: Backend = {
      ...cpuBackend,
      name: 'offset-blind-copy',
      copy(x: View) {
        return cpuBackend.copy({ ...x, offset: 0 });
      },
    };
    await expect(runOn('slice: steps, negative bounds and offsets', offsetBlind)).rejects.toThrow(
      ConformanceError,
    );
  });
});
