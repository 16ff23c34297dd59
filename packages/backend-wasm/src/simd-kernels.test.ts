import { type BinaryOp, contiguousStrides, cpuBackend, type UnaryOp, type View } from '@dendrite/tensor';
import { afterAll, describe, expect, it } from 'vitest';
import { KERNELS_SHARED_WASM_BASE64, KERNELS_WASM_BASE64 } from '../generated/kernels.js';
import type { SimdKernelExports } from './simd-exports.js';

// Every float32 SIMD kernel against the CPU reference backend, at the conformance suite's float32
// tolerances (|got − want| ≤ atol + rtol·|want|; NaN matches NaN, infinities must be equal):
const EXACT = { rtol: 0, atol: 0 }; // + − × ÷ and Adam: bit-identical (±0 distinguished)
const TRANSCENDENTAL = { rtol: 1e-5, atol: 1e-6 }; // exp, gelu and its gradients
const NORMALIZE = { rtol: 1e-4, atol: 1e-6 }; // softmax (and its gradient), layerNorm's y and dx
const REDUCTION = { rtol: 1e-4, atol: 1e-5 }; // layerNorm's dw, db (sums over rows)
type Tolerance = typeof EXACT;

// The module, instantiated here on a memory of our own (self-contained: no runtime.ts).
function decodeBytes(base64: string): Uint8Array<ArrayBuffer> {
  return new Uint8Array(Buffer.from(base64, 'base64'));
}
const memory = new WebAssembly.Memory({ initial: 64, maximum: 16384 });
const instance = new WebAssembly.Instance(new WebAssembly.Module(decodeBytes(KERNELS_WASM_BASE64)), {
  env: {
    memory,
    abort() {
      throw new Error('abort');
    },
  },
});
const k = instance.exports as unknown as SimdKernelExports;

// A bump allocator over the memory, from 64 KiB up. Arrays start 4 bytes past a 16-byte boundary, so
// every kernel runs on operands that are not 16-byte aligned.
let top = 65536;
function reset(): void {
  top = 65536;
}
function alloc(bytes: number, align = 16, skew = 4): number {
  const p = Math.ceil(top / align) * align + skew;
  top = p + bytes;
  if (top > memory.buffer.byteLength) memory.grow(Math.ceil((top - memory.buffer.byteLength) / 65536));
  return p;
}
function put(values: ArrayLike<number>): number {
  const p = alloc(values.length * 4);
  new Float32Array(memory.buffer, p, values.length).set(values);
  return p;
}
function take(p: number, n: number): Float32Array {
  return new Float32Array(memory.buffer, p, n).slice();
}

// The CPU reference on contiguous float32 views.
function view(values: ArrayLike<number>, shape: number[], strides = contiguousStrides(shape)): View {
  return {
    handle: cpuBackend.upload(Float32Array.from(values), 'float32'),
    dtype: 'float32',
    shape,
    strides,
    offset: 0,
  };
}
function read(h: object, size: number): Float32Array {
  return cpuBackend.readSync(h, 'float32', size) as Float32Array;
}

// Deterministic inputs: a seeded uniform generator (mulberry32) and a few edge values.
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = rng(2024);
function uniform(n: number, lo: number, hi: number): Float32Array {
  return Float32Array.from({ length: n }, () => lo + (hi - lo) * random());
}
function sweep(lo: number, hi: number, n: number): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => lo + ((hi - lo) * i) / (n - 1));
}
const SUBNORMALS = [1e-40, -1e-40, 1.4e-45, -1.4e-45, 1.1754942e-38];
const EDGES = [0, -0, 1, -1, 0.5, -0.5, 1e-7, 3, -3, 10, -10, 30, -30, 88, -88, 104, -104];
const LARGE = [1e30, -1e30, 3.4e38, -3.4e38, Infinity, -Infinity, Number.NaN];
const LENGTHS = [1, 3, 5, 7, 33, 1000];

// Measured error of each kernel against the reference (printed with SIMD_ERRORS=1): the largest
// |got − want|, the largest distance in float32 ulps where |want| ≥ 1e-6 (below that the reference's own
// float64 cancellation, e.g. 1 + erf(x) for x ≪ 0, dominates), and the largest fraction of the tolerance used.
const errors = new Map<string, { abs: number; ulp: number; used: number }>();
afterAll(() => {
  if (!process.env.SIMD_ERRORS) return;
  for (const [name, e] of errors) {
    const used = `${(100 * e.used).toFixed(2)}% of the tolerance`;
    console.log(`${name.padEnd(29)} max |Δ| ${e.abs.toExponential(2)}, ${e.ulp} ulp, ${used}`);
  }
});
const bits = new Int32Array(2);
const floats = new Float32Array(bits.buffer);
/** Distance in float32 steps between two finite floats (ordered integer view of the bits). */
function ulpDistance(a: number, b: number): number {
  floats[0] = a;
  floats[1] = b;
  const ordered = (i: number) => (bits[i] < 0 ? -(bits[i] & 0x7fffffff) : bits[i]);
  return Math.abs(ordered(0) - ordered(1));
}

/** Asserts got ≈ want elementwise within `tol`, recording the largest errors under `name`. */
function expectClose(name: string, got: Float32Array, want: ArrayLike<number>, tol: Tolerance): void {
  expect(got.length).toBe(want.length);
  const e = errors.get(name) ?? { abs: 0, ulp: 0, used: 0 };
  let bad = -1;
  for (let i = 0; i < got.length; i++) {
    const a = got[i];
    const b = want[i];
    if (Number.isNaN(a) || Number.isNaN(b) || !Number.isFinite(b) || tol.atol + tol.rtol === 0) {
      if (!Object.is(a, b) && !(tol.atol + tol.rtol > 0 && a === b)) bad = bad < 0 ? i : bad;
      continue;
    }
    const d = Math.abs(a - b);
    e.abs = Math.max(e.abs, d);
    if (Math.abs(b) >= 1e-6) e.ulp = Math.max(e.ulp, ulpDistance(a, b));
    e.used = Math.max(e.used, d / (tol.atol + tol.rtol * Math.abs(b)));
    if (!(d <= tol.atol + tol.rtol * Math.abs(b))) bad = bad < 0 ? i : bad;
  }
  errors.set(name, e);
  if (bad >= 0) expect.fail(`${name}: element ${bad} is ${got[bad]}, the CPU reference gives ${want[bad]}`);
}

describe('element-wise arithmetic is bit-identical to the CPU reference', () => {
  const ops: [BinaryOp, 'addF32' | 'subF32' | 'mulF32' | 'divF32'][] = [
    ['add', 'addF32'],
    ['sub', 'subF32'],
    ['mul', 'mulF32'],
    ['div', 'divF32'],
  ];
  const special = [...EDGES, ...LARGE, ...SUBNORMALS];
  for (const [op, kernel] of ops) {
    it(`${kernel}: lengths ${LENGTHS.join(', ')}, and every pair of edge values`, () => {
      const cases: [Float32Array, Float32Array][] = LENGTHS.map((n) => [
        uniform(n, -5, 5),
        uniform(n, -5, 5),
      ]);
      const a = Float32Array.from(special.flatMap((x) => special.map(() => x)));
      const b = Float32Array.from(special.flatMap(() => special));
      cases.push([a, b]);
      for (const [x, y] of cases) {
        reset();
        const n = x.length;
        const pa = put(x);
        const out = alloc(n * 4);
        k[kernel](pa, put(y), out, n);
        const want = read(cpuBackend.binary(op, view(x, [n]), view(y, [n]), [n]), n);
        expectClose(kernel, take(out, n), want, EXACT);
        k[kernel](pa, put(y), pa, n); // in place
        expectClose(kernel, take(pa, n), want, EXACT);
      }
    });
  }

  const scalarOps: [BinaryOp, 'addScalarF32' | 'mulScalarF32'][] = [
    ['add', 'addScalarF32'],
    ['mul', 'mulScalarF32'],
  ];
  for (const [op, kernel] of scalarOps) {
    it(`${kernel}: a scalar (rounded to float32) on every length, and edge scalars`, () => {
      for (const s of [0.1, -3, 0, Infinity, Number.NaN, 1e-40, 3e38]) {
        for (const n of [...LENGTHS, special.length]) {
          reset();
          const x = n === special.length ? Float32Array.from(special) : uniform(n, -5, 5);
          const out = alloc(n * 4);
          k[kernel](put(x), s, out, n);
          const want = read(cpuBackend.binary(op, view(x, [n]), view([s], [n], [0]), [n]), n);
          expectClose(kernel, take(out, n), want, EXACT);
        }
      }
    });
  }

  const rowOps: [BinaryOp, 'addRowF32' | 'mulRowF32'][] = [
    ['add', 'addRowF32'],
    ['mul', 'mulRowF32'],
  ];
  for (const [op, kernel] of rowOps) {
    it(`${kernel}: a [cols] row over [rows, cols], in place too`, () => {
      for (const [rows, cols] of [
        [1, 1],
        [3, 5],
        [7, 33],
        [4, 1000],
        [5, 4],
        [2, 3],
      ]) {
        reset();
        const a = uniform(rows * cols, -5, 5);
        const b = uniform(cols, -5, 5);
        const pa = put(a);
        const pb = put(b);
        const out = alloc(rows * cols * 4);
        const want = read(
          cpuBackend.binary(op, view(a, [rows, cols]), view(b, [rows, cols], [0, 1]), [rows, cols]),
          rows * cols,
        );
        k[kernel](pa, pb, out, rows, cols);
        expectClose(kernel, take(out, rows * cols), want, EXACT);
        k[kernel](pa, pb, pa, rows, cols);
        expectClose(kernel, take(pa, rows * cols), want, EXACT);
      }
    });
  }
});

describe('exp and GELU match the CPU reference within the transcendental tolerance', () => {
  const special = [...EDGES, ...LARGE, ...SUBNORMALS];
  const inputs = (lo: number, hi: number) => [
    ...LENGTHS.map((n) => uniform(n, lo, hi)),
    sweep(lo, hi, 200_001),
    Float32Array.from(special),
  ];
  const unaries: [UnaryOp, 'expF32' | 'geluF32' | 'geluTanhF32', number, number][] = [
    ['exp', 'expF32', -110, 92],
    ['gelu', 'geluF32', -16, 16],
    ['gelu_tanh', 'geluTanhF32', -16, 16],
  ];
  for (const [op, kernel, lo, hi] of unaries) {
    it(`${kernel} (${op}) over [${lo}, ${hi}], edge values, lengths ${LENGTHS.join(', ')}`, () => {
      for (const x of inputs(lo, hi)) {
        reset();
        const n = x.length;
        const out = alloc(n * 4);
        k[kernel](put(x), out, n);
        expectClose(kernel, take(out, n), read(cpuBackend.unary(op, view(x, [n])), n), TRANSCENDENTAL);
      }
    });
  }

  it("geluF32: four lanes in Φ's centre (the series only) give the bits the full path gives", () => {
    // Each value x in [−0.72, 0.72] is computed twice: in a group of four centre values (the
    // shortcut) and in a group whose last lane is 5 (the tail is computed for all four lanes).
    const xs = sweep(-0.72, 0.72, 4001);
    reset();
    const n = xs.length * 4;
    const centre = new Float32Array(n);
    const mixed = new Float32Array(n);
    xs.forEach((x, i) => {
      centre.fill(x, 4 * i, 4 * i + 4);
      mixed.set([x, x, x, 5], 4 * i);
    });
    const [a, b] = [alloc(n * 4), alloc(n * 4)];
    k.geluF32(put(centre), a, n);
    k.geluF32(put(mixed), b, n);
    const [ga, gb] = [take(a, n), take(b, n)];
    for (let i = 0; i < xs.length; i++) {
      expect(Object.is(ga[4 * i], gb[4 * i]), `x = ${xs[i]}: ${ga[4 * i]} vs ${gb[4 * i]}`).toBe(true);
    }
    expectClose('geluF32', ga, read(cpuBackend.unary('gelu', view(centre, [n])), n), TRANSCENDENTAL);
  });

  it("geluBackwardF32: where most groups lie in the slope's centre (|x| < √2), the shortcut gives the plain loop's bits", () => {
    // The same groups twice: alone, nine in ten wholly in the centre (the sampled loop takes the
    // shortcut for those, the full slope for the rest), and followed by three times as many wide
    // groups (the sample then picks the loop without the shortcut).
    const xs = sweep(-0.9999 * Math.SQRT2, 0.9999 * Math.SQRT2, 4001);
    const groups = xs.length * 4;
    const narrow = new Float32Array(groups);
    xs.forEach((x, i) => narrow.set(i % 10 === 9 ? [x, x, x, -3] : [x, -x, x / 2, x / 3], 4 * i));
    const wide = new Float32Array(groups * 4).fill(2.5);
    wide.set(narrow);
    reset();
    const g = uniform(wide.length, -2, 2);
    const pg = put(g);
    const [a, b] = [alloc(groups * 4), alloc(wide.length * 4)];
    k.geluBackwardF32(put(narrow), pg, a, groups);
    k.geluBackwardF32(put(wide), pg, b, wide.length);
    const [ga, gb] = [take(a, groups), take(b, groups)];
    for (let i = 0; i < groups; i++) {
      expect(Object.is(ga[i], gb[i]), `x = ${narrow[i]}: ${ga[i]} vs ${gb[i]}`).toBe(true);
    }
    const want = read(
      cpuBackend.geluBackward!(view(narrow, [groups]), view(g.subarray(0, groups), [groups]), 'none'),
      groups,
    );
    expectClose('geluBackwardF32', ga, want, TRANSCENDENTAL);
  });

  const backward: ['none' | 'tanh', 'geluBackwardF32' | 'geluTanhBackwardF32'][] = [
    ['none', 'geluBackwardF32'],
    ['tanh', 'geluTanhBackwardF32'],
  ];
  for (const [approximate, kernel] of backward) {
    it(`${kernel} (geluBackward, ${approximate}) over [−16, 16], edge values, several lengths`, () => {
      for (const x of inputs(-16, 16)) {
        reset();
        const n = x.length;
        const g = uniform(n, -2, 2);
        if (n === special.length) g.set([1, -1, 0, 3, Infinity, Number.NaN], 0);
        const out = alloc(n * 4);
        k[kernel](put(x), put(g), out, n);
        const want = read(cpuBackend.geluBackward!(view(x, [n]), view(g, [n]), approximate), n);
        expectClose(kernel, take(out, n), want, TRANSCENDENTAL);
      }
    });
  }
});

describe('row softmax matches the CPU reference', () => {
  /** The reference: y = softmax(scale·x) (or log-softmax) along the last dim, with a causal mask by `where`. */
  function reference(x: Float32Array, rows: number, n: number, scale: number, tq: number, log: boolean) {
    const shape = [rows, n];
    let scores = view(x, shape);
    if (scale !== 1) {
      scores = view(
        read(cpuBackend.binary('mul', scores, view([scale], shape, [0, 0]), shape), rows * n),
        shape,
      );
    }
    if (tq > 0) {
      const visible = Uint8Array.from({ length: rows * n }, (_, p) => {
        const i = Math.floor(p / n) % tq;
        return p % n <= i + n - tq ? 1 : 0;
      });
      const cond: View = { ...view([], shape), handle: cpuBackend.upload(visible, 'bool'), dtype: 'bool' };
      const masked = cpuBackend.where(cond, scores, view([Number.NEGATIVE_INFINITY], shape, [0, 0]), shape);
      scores = view(read(masked, rows * n), shape);
    }
    return read(cpuBackend.softmax(scores, 1, log), rows * n);
  }

  const shapes: [number, number, number][] = [
    // rows, n, causal Tq (0: none; rows are a multiple of Tq)
    [1, 1, 0],
    [3, 5, 0],
    [7, 33, 0],
    [4, 1000, 0],
    [2, 7, 0],
    [10, 5, 5],
    [6, 7, 3],
    [33, 33, 33],
    [4, 9, 1],
    [8, 1000, 4],
    [1, 3, 1],
  ];
  for (const log of [false, true]) {
    const name = log ? 'softmaxRowsF32 (log)' : 'softmaxRowsF32';
    it(`${name}: row counts, lengths, scales, causal blocks`, () => {
      for (const [rows, n, tq] of shapes) {
        for (const scale of [1, 0.125, -2.5]) {
          reset();
          const x = uniform(rows * n, -8, 8);
          const out = alloc(rows * n * 4);
          k.softmaxRowsF32(put(x), out, rows, n, scale, tq, log ? 1 : 0);
          expectClose(name, take(out, rows * n), reference(x, rows, n, scale, tq, log), NORMALIZE);
        }
      }
    });

    it(`${name}: edge rows (−∞ entries, all −∞, NaN, +∞, huge magnitudes, subnormals), in place`, () => {
      const n = 7;
      const rowsOf = [
        [0, -Infinity, 1, 2, -Infinity, 3, 0.5],
        [-Infinity, -Infinity, -Infinity, -Infinity, -Infinity, -Infinity, -Infinity],
        [1, 2, Number.NaN, 3, 4, 5, 6],
        [1, Infinity, 2, 3, 4, 5, 6],
        [1e30, -1e30, 3e38, -3e38, 0, 1, 2],
        [1e-40, -1e-40, 1.4e-45, 0, -0, 1e-38, 2],
        [0, 0, 0, 0, 0, 0, 0],
        [100, 0, -100, 50, -50, 88, 89],
      ];
      const x = Float32Array.from(rowsOf.flat());
      const rows = rowsOf.length;
      for (const scale of [1, 0.5]) {
        reset();
        const p = put(x);
        k.softmaxRowsF32(p, p, rows, n, scale, 0, log ? 1 : 0);
        expectClose(name, take(p, rows * n), reference(x, rows, n, scale, 0, log), NORMALIZE);
      }
    });

    const back = log ? 'softmaxBackwardRowsF32 (log)' : 'softmaxBackwardRowsF32';
    it(`${back}: from the forward output, several shapes`, () => {
      for (const [rows, n] of shapes) {
        reset();
        const y = reference(uniform(rows * n, -6, 6), rows, n, 1, 0, log);
        const g = uniform(rows * n, -3, 3);
        const out = alloc(rows * n * 4);
        k.softmaxBackwardRowsF32(put(y), put(g), out, rows, n, log ? 1 : 0);
        const want = read(
          cpuBackend.softmaxBackward!(view(y, [rows, n]), view(g, [rows, n]), 1, log),
          rows * n,
        );
        expectClose(back, take(out, rows * n), want, NORMALIZE);
      }
    });
  }
});

describe('Adam is bit-identical to cpuBackend.adamUpdate', () => {
  const configs = [
    { decoupled: false, maximize: false, weightDecay: 0, step: 1 },
    { decoupled: false, maximize: false, weightDecay: 0.01, step: 10 },
    { decoupled: true, maximize: false, weightDecay: 0.1, step: 3 },
    { decoupled: true, maximize: true, weightDecay: 0.01, step: 1000 },
    { decoupled: false, maximize: true, weightDecay: 0, step: 7 },
  ];
  for (const c of configs) {
    it(`adamF32 ${JSON.stringify(c)}: lengths ${LENGTHS.join(', ')}, in place too`, () => {
      const o = { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, amsgrad: false, ...c };
      for (const n of LENGTHS) {
        reset();
        const p = uniform(n, -2, 2);
        const g = uniform(n, -1, 1);
        const m = uniform(n, -0.1, 0.1);
        const v = uniform(n, 0, 0.01);
        if (n >= 5) g.set([0, 1e-40, -3e38, 1e-20, 50], 0); // zero, subnormal and extreme gradients
        if (n >= 3) v.set([0, 0, 1e-30], 0);
        const [P, M, V] = cpuBackend.adamUpdate!(
          view(p, [n]),
          view(g, [n]),
          view(m, [n]),
          view(v, [n]),
          null,
          o,
        );
        const args = [
          n,
          o.lr,
          o.beta1,
          o.beta2,
          o.eps,
          o.weightDecay,
          o.step,
          +o.decoupled,
          +o.maximize,
        ] as const;
        const pp = put(p);
        const pg = put(g);
        const pm = put(m);
        const pv = put(v);
        const [oP, oM, oV] = [alloc(n * 4), alloc(n * 4), alloc(n * 4)];
        k.adamF32(pp, pg, pm, pv, oP, oM, oV, ...args);
        expectClose('adamF32', take(oP, n), read(P, n), EXACT);
        expectClose('adamF32', take(oM, n), read(M, n), EXACT);
        expectClose('adamF32', take(oV, n), read(V, n), EXACT);
        k.adamF32(pp, pg, pm, pv, pp, pm, pv, ...args); // in place
        expectClose('adamF32', take(pp, n), read(P, n), EXACT);
        expectClose('adamF32', take(pm, n), read(M, n), EXACT);
        expectClose('adamF32', take(pv, n), read(V, n), EXACT);
      }
    });
  }
});

describe('layer normalisation matches the CPU reference', () => {
  const shapes: [number, number][] = [
    [1, 1],
    [3, 5],
    [7, 33],
    [5, 1000],
    [2, 3],
    [4, 768],
    [64, 7],
  ];
  const inputs = (rows: number, C: number) => [
    uniform(rows * C, -3, 3),
    Float32Array.from(uniform(rows * C, -1, 1), (d) => 1000 + 0.01 * d), // large mean, small spread
    new Float32Array(rows * C).fill(-2.5), // constant rows: var = 0, x̂ = 0
  ];
  for (const [rows, C] of shapes) {
    for (const [hasW, hasB] of [
      [true, true],
      [true, false],
      [false, true],
      [false, false],
    ]) {
      it(`[${rows}, ${C}] weight ${hasW ? 'yes' : 'no'}, bias ${hasB ? 'yes' : 'no'}: forward and backward`, () => {
        for (const x of inputs(rows, C)) {
          reset();
          const n = rows * C;
          const w = uniform(C, 0.5, 1.5);
          const b = uniform(C, -1, 1);
          const g = uniform(n, -1, 1);
          const eps = 1e-5;
          const wv = hasW ? view(w, [C]) : null;
          const px = put(x);
          const pw = hasW ? put(w) : 0;
          const out = alloc(n * 4);
          k.layerNormF32(px, pw, hasB ? put(b) : 0, out, rows, C, eps);
          const y = read(cpuBackend.layerNorm!(view(x, [rows, C]), wv, hasB ? view(b, [C]) : null, eps), n);
          expectClose('layerNormF32', take(out, n), y, NORMALIZE);

          const [dx, dw, db] = cpuBackend.layerNormBackward!(
            view(x, [rows, C]),
            wv,
            view(g, [rows, C]),
            eps,
            hasB,
          );
          const pdx = alloc(n * 4);
          const pdw = hasW ? alloc(C * 4) : 0;
          const pdb = hasB ? alloc(C * 4) : 0;
          const stats = alloc(rows * 16, 8, 0);
          const pg = put(g);
          k.layerNormBackwardF32(px, pw, pg, pdx, rows, C, eps, stats);
          // the column sums in two pieces (as two threads take them): a multiple of 4 columns, then the rest
          const split = Math.min(C, 4 * Math.ceil(C / 8));
          k.layerNormGradSumsF32(px, pg, stats, pdw, pdb, rows, C, split);
          const at = (p: number, by: number) => (p ? p + by : 0);
          k.layerNormGradSumsF32(
            px + 4 * split,
            pg + 4 * split,
            stats,
            at(pdw, 4 * split),
            at(pdb, 4 * split),
            rows,
            C,
            C - split,
          );
          expectClose('layerNormBackwardF32 dx', take(pdx, n), read(dx, n), NORMALIZE);
          if (dw) expectClose('layerNormBackwardF32 dw', take(pdw, C), read(dw, C), REDUCTION);
          if (db) expectClose('layerNormBackwardF32 db', take(pdb, C), read(db, C), REDUCTION);
        }
      });
    }
  }
});

describe('the shared-memory build', () => {
  it('runs the same kernels on a shared memory with bit-identical results', () => {
    const shared = new WebAssembly.Memory({ initial: 64, maximum: 16384, shared: true });
    const module = new WebAssembly.Module(decodeBytes(KERNELS_SHARED_WASM_BASE64));
    const s = new WebAssembly.Instance(module, { env: { memory: shared, abort() {} } })
      .exports as unknown as SimdKernelExports;
    const rows = 5;
    const n = 37;
    const x = uniform(rows * n, -6, 6);
    const g = uniform(rows * n, -1, 1);
    new Float32Array(shared.buffer, 65536, rows * n).set(x);
    new Float32Array(shared.buffer, 65536 + 4 * rows * n, rows * n).set(g);
    const at = (p: number) => new Float32Array(shared.buffer, p, rows * n).slice();
    const out = 65536 + 8 * rows * n;
    reset();
    const px = put(x);
    const pg = put(g);
    const po = alloc(rows * n * 4);
    const runs: [(k: SimdKernelExports, x: number, g: number, o: number) => void, string][] = [
      [(k, x, _g, o) => k.geluF32(x, o, rows * n), 'geluF32'],
      [(k, x, g, o) => k.geluTanhBackwardF32(x, g, o, rows * n), 'geluTanhBackwardF32'],
      [(k, x, _g, o) => k.softmaxRowsF32(x, o, rows, n, 0.5, rows, 0), 'softmaxRowsF32'],
      [(k, x, g, o) => k.layerNormBackwardF32(x, 0, g, o, rows, n, 1e-5, 0), 'layerNormBackwardF32'],
    ];
    for (const [run, name] of runs) {
      run(s, 65536, 65536 + 4 * rows * n, out);
      run(k, px, pg, po);
      expectClose(`${name} (shared build)`, at(out), take(po, rows * n), EXACT);
    }
  });
});
