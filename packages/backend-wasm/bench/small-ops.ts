// Bundled and run by small-ops.bench.mjs (it reaches the backend's internals, which the package
// does not export). For every op with a SIMD kernel: the time of one call on the TypeScript kernel
// and on the SIMD kernel, both over linear memory (result allocated and freed), at sizes from 1
// element up, and the smallest size from which the SIMD kernel keeps up — what src/limits.ts
// records as the op's limit.
import type { AdamUpdateOptions, Backend, DType, Handle, View } from '@dendrite/tensor';
import { cpuOnLinearMemory, wasmMembers } from '../src/backend.js';
import { NO_LIMITS, SIMD_LIMITS, type SimdLimits } from '../src/limits.js';

const simd = wasmMembers(NO_LIMITS);
const ts = cpuOnLinearMemory;

function values(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    out[i] = ((s >>> 0) / 4294967296) * 2 - 1;
  }
  return out;
}

function contiguous(shape: number[]): number[] {
  const strides = new Array<number>(shape.length);
  let st = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = st;
    st *= shape[i];
  }
  return strides;
}

/** A float32 view in linear memory of `shape` (or `strides` over a block of `size` elements). */
function tensorView(shape: number[], seed: number, strides?: number[], size?: number): View {
  const n = size ?? shape.reduce((a, b) => a * b, 1);
  const handle = simd.upload(values(n, seed), 'float32' as DType);
  return { handle, dtype: 'float32', shape, strides: strides ?? contiguous(shape), offset: 0 };
}

function free(h: Handle | (Handle | null)[]): void {
  if (Array.isArray(h)) for (const x of h) x && simd.free(x);
  else simd.free(h);
}

/** One op at one size: a call of the TS path and of the SIMD path (each returns what to free). */
type Case = (b: Backend) => Handle | (Handle | null)[];

interface Family {
  name: string;
  limit: keyof SimdLimits;
  /** What the size counts. */
  unit: string;
  sizes: number[];
  /** Instead of `sizes`: shapes, each of size the product of its dims. */
  shapes?: number[][];
  make(n: number, shape?: number[]): Case;
}

const ELEMENTS = [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536];
/** m × k × n of the products timed, by size: small MLPs' layers and a few cubes. */
const MATMUL_SHAPES = [
  [4, 2, 8],
  [4, 2, 32],
  [8, 8, 8],
  [12, 12, 12],
  [4, 16, 32],
  [4, 32, 32],
  [16, 16, 16],
  [20, 20, 20],
  [64, 16, 8],
  [64, 16, 32],
  [32, 32, 32],
  [64, 32, 32],
  [48, 48, 48],
];
const rowsOf = (n: number) => {
  const cols = Math.min(n, 64);
  return [Math.max(1, Math.round(n / cols)), cols];
};
const adam: AdamUpdateOptions = {
  lr: 1e-3,
  beta1: 0.9,
  beta2: 0.999,
  eps: 1e-8,
  weightDecay: 0.01,
  step: 3,
  decoupled: true,
  amsgrad: false,
  maximize: false,
};

const families: Family[] = [
  ...(
    [
      // y = x·Wᵀ (forward of nn.Linear: W [n, k] read transposed), dx = g·W (its input gradient),
      // dW = gᵀ·x (its weight gradient: A read transposed, in place).
      ['matmul y = x·Wᵀ', [false, true]],
      ['matmul dx = g·W', [false, false]],
      ['matmul dW = gᵀ·x', [true, false]],
    ] as const
  ).map(
    ([name, [ta, tb]]): Family => ({
      name: `${name}, [m, k]·[k, n]`,
      limit: 'matmul',
      unit: 'm × k × n',
      sizes: [],
      shapes: MATMUL_SHAPES,
      make(_n, [m, k, n] = [1, 1, 1]) {
        const a = ta ? tensorView([m, k], 1, [1, m], m * k) : tensorView([m, k], 1);
        const b = tb ? tensorView([k, n], 2, [1, k], k * n) : tensorView([k, n], 2);
        return (be) => be.matmul(a, b);
      },
    }),
  ),
  {
    name: 'add, same shape',
    limit: 'binary',
    unit: 'elements',
    sizes: ELEMENTS,
    make(n) {
      const a = tensorView([n], 1);
      const c = tensorView([n], 2);
      return (b) => b.binary('add', a, c, [n]);
    },
  },
  {
    name: 'add, a row broadcast (bias)',
    limit: 'binary',
    unit: 'elements',
    sizes: ELEMENTS,
    make(n) {
      const [r, c] = rowsOf(n);
      const a = tensorView([r, c], 1);
      const bias = tensorView([r, c], 2, [0, 1], c);
      return (b) => b.binary('add', a, bias, [r, c]);
    },
  },
  {
    name: 'mul by a scalar',
    limit: 'binary',
    unit: 'elements',
    sizes: ELEMENTS,
    make(n) {
      const a = tensorView([n], 1);
      const s = tensorView([n], 2, [0], 1);
      return (b) => b.binary('mul', a, s, [n]);
    },
  },
  {
    name: 'exp',
    limit: 'unary',
    unit: 'elements',
    sizes: ELEMENTS,
    make(n) {
      const a = tensorView([n], 1);
      return (b) => b.unary('exp', a);
    },
  },
  {
    name: 'gelu (erf)',
    limit: 'unary',
    unit: 'elements',
    sizes: ELEMENTS,
    make(n) {
      const a = tensorView([n], 1);
      return (b) => b.unary('gelu', a);
    },
  },
  {
    name: 'gelu backward',
    limit: 'geluBackward',
    unit: 'elements',
    sizes: ELEMENTS,
    make(n) {
      const a = tensorView([n], 1);
      const g = tensorView([n], 2);
      return (b) => (b.geluBackward as NonNullable<Backend['geluBackward']>)(a, g, 'none');
    },
  },
  {
    name: 'softmax over rows of ≤ 64',
    limit: 'softmax',
    unit: 'elements',
    sizes: ELEMENTS,
    make(n) {
      const a = tensorView(rowsOf(n), 1);
      return (b) => b.softmax(a, 1, false);
    },
  },
  {
    name: 'causal softmax [T, T]',
    limit: 'softmax',
    unit: 'elements',
    sizes: [1, 4, 16, 64, 256, 1024, 4096, 16384],
    make(n) {
      const t = Math.round(Math.sqrt(n));
      const a = tensorView([t, t], 1);
      return (b) => (b.causalSoftmax as NonNullable<Backend['causalSoftmax']>)(a, 0.125);
    },
  },
  {
    name: 'softmax backward',
    limit: 'softmaxBackward',
    unit: 'elements',
    sizes: ELEMENTS,
    make(n) {
      const y = tensorView(rowsOf(n), 1);
      const g = tensorView(rowsOf(n), 2);
      return (b) => (b.softmaxBackward as NonNullable<Backend['softmaxBackward']>)(y, g, 1, false);
    },
  },
  {
    name: 'layer norm over rows of ≤ 64',
    limit: 'layerNorm',
    unit: 'elements',
    sizes: ELEMENTS,
    make(n) {
      const [r, c] = rowsOf(n);
      const x = tensorView([r, c], 1);
      const w = tensorView([c], 2);
      const bias = tensorView([c], 3);
      return (b) => (b.layerNorm as NonNullable<Backend['layerNorm']>)(x, w, bias, 1e-5);
    },
  },
  {
    name: 'layer norm backward',
    limit: 'layerNormBackward',
    unit: 'elements',
    sizes: ELEMENTS,
    make(n) {
      const [r, c] = rowsOf(n);
      const x = tensorView([r, c], 1);
      const w = tensorView([c], 2);
      const g = tensorView([r, c], 3);
      return (b) => (b.layerNormBackward as NonNullable<Backend['layerNormBackward']>)(x, w, g, 1e-5, true);
    },
  },
  {
    name: 'AdamW step',
    limit: 'adam',
    unit: 'elements',
    sizes: ELEMENTS,
    make(n) {
      const [p, g, m, v] = [1, 2, 3, 4].map((s) => tensorView([n], s));
      return (b) => (b.adamUpdate as NonNullable<Backend['adamUpdate']>)(p, g, m, v, null, adam);
    },
  },
  {
    name: 'indexSelect (embedding lookup: rows of a 65-row table)',
    limit: 'indexing',
    unit: 'elements',
    sizes: ELEMENTS,
    make(n) {
      const [r, c] = rowsOf(n);
      const idx = Int32Array.from({ length: r }, (_, j) => (7 * j + 3) % 65);
      const index: View = {
        handle: simd.upload(idx, 'int32' as DType),
        dtype: 'int32',
        shape: [r],
        strides: [1],
        offset: 0,
      };
      const table = tensorView([65, c], 1);
      return (b) => b.indexSelect(table, 0, index);
    },
  },
  {
    name: 'indexAdd (embedding gradient: 2·rows indices, repeating)',
    limit: 'indexing',
    unit: 'elements',
    sizes: ELEMENTS,
    make(n) {
      const [r, c] = rowsOf(n);
      const m = 2 * r + 1;
      const idx = Int32Array.from({ length: m }, (_, j) => (2 * j) % r);
      const index: View = {
        handle: simd.upload(idx, 'int32' as DType),
        dtype: 'int32',
        shape: [m],
        strides: [1],
        offset: 0,
      };
      const src = tensorView([m, c], 1);
      return (b) => b.indexAdd([r, c], 'float32', 0, index, src);
    },
  },
  {
    name: 'sum of every element',
    limit: 'reduce',
    unit: 'elements',
    sizes: ELEMENTS,
    make(n) {
      const x = tensorView([n], 1);
      return (b) => b.reduce('sum', x, [0]);
    },
  },
  {
    name: 'column sums (a bias gradient)',
    limit: 'reduce',
    unit: 'elements',
    sizes: ELEMENTS,
    make(n) {
      const [r, c] = rowsOf(n);
      const x = tensorView([r, c], 1);
      return (b) => b.reduce('sum', x, [0]);
    },
  },
  {
    name: 'copy of a transpose',
    limit: 'copy',
    unit: 'elements',
    sizes: ELEMENTS,
    make(n) {
      const [r, c] = rowsOf(n);
      const x = tensorView([c, r], 1, [1, c], n); // [r, c] stored, viewed transposed
      return (b) => b.copy(x);
    },
  },
];

/**
 * µs per call of each path: the fastest of interleaved samples (TS, SIMD, TS, …) — on a shared,
 * busy machine the fastest sample is the one least slowed by others, so it is the steadier figure.
 */
function time(paths: (() => void)[], samples: number, minMs: number): number[] {
  for (const p of paths) for (let i = 0; i < 50; i++) p();
  let reps = 1;
  for (;;) {
    const t0 = performance.now();
    for (let i = 0; i < reps; i++) paths[0]();
    if (performance.now() - t0 >= minMs || reps >= 1 << 20) break;
    reps *= 2;
  }
  const times = paths.map(() => [] as number[]);
  for (let s = 0; s < samples; s++) {
    paths.forEach((p, j) => {
      const t0 = performance.now();
      for (let i = 0; i < reps; i++) p();
      times[j].push(((performance.now() - t0) / reps) * 1000);
    });
  }
  return times.map((t) => Math.min(...t));
}

const fmt = (x: number) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));

export function run(quick: boolean, only: string[] | null): string[] {
  const out: string[] = [];
  const summary: string[][] = [];
  for (const f of families) {
    if (only && !only.includes(f.limit)) continue;
    const rows: string[] = [];
    let from = -1; // the smallest size from which SIMD kept up at every larger size
    const cases = f.shapes
      ? f.shapes.map((d) => [d.reduce((a, b) => a * b, 1), d] as const)
      : f.sizes.map((n) => [n, undefined] as const);
    for (const [n, shape] of quick ? cases.filter((_, i) => i % 2 === 0) : cases) {
      const c = f.make(n, shape);
      const [tTs, tSimd] = time([() => free(c(ts)), () => free(c(simd))], quick ? 5 : 11, quick ? 4 : 10);
      const keeps = tSimd <= tTs * 1.02;
      if (keeps && from < 0) from = n;
      if (!keeps) from = -1;
      rows.push(
        `| ${shape ? `${shape.join(' × ')} = ${n}` : n} | ${fmt(tTs)} | ${fmt(tSimd)} | ${(tTs / tSimd).toFixed(2)}× |`,
      );
    }
    out.push(
      `### ${f.name}`,
      '',
      `| ${f.unit} | TypeScript µs | SIMD µs | SIMD speed-up |`,
      '| ---: | ---: | ---: | ---: |',
    );
    out.push(...rows, '');
    summary.push([f.name, f.limit, from < 0 ? 'never' : String(from), String(SIMD_LIMITS[f.limit])]);
  }
  out.push(
    '### Where SIMD keeps up (smallest size from which it is within 2% of TypeScript or faster at every larger size)',
    '',
    '| op | limit in src/limits.ts | measured here | the limit now |',
    '| --- | --- | ---: | ---: |',
    ...summary.map((r) => `| ${r.join(' | ')} |`),
  );
  return out;
}
