import {
  type AdamUpdateOptions,
  type Backend,
  cpuBackend,
  Generator,
  type Handle,
  randn,
  type Tensor,
  tensor,
  type View,
} from '@dendrite/tensor';
import { describe, expect, it } from 'vitest';
import { cpuOnLinearMemory, wasmBackend, wasmMembers } from './backend.js';
import { NO_LIMITS, SIMD_LIMITS, type SimdLimits, uniformLimits } from './limits.js';

// The size limits below which an op runs the TypeScript kernel (limits.ts): on both sides of each
// limit the result is the CPU reference's (bit for bit where the SIMD kernel is, within the
// conformance tolerances elsewhere), and the limit does pick the kernel.
const g = new Generator(21);
const on = (t: Tensor, b: Backend): View => t.to(b).backendView('test');
const values = (h: Handle | null) => (h === null ? null : Array.from((h as { data: Float32Array }).data));

function close(got: number[] | null, want: number[] | null, rtol: number): void {
  if (got === null || want === null) return void expect(got).toBe(want);
  expect(got.length).toBe(want.length);
  const bad = got.findIndex((x, i) => !(Math.abs(x - want[i]) <= 1e-6 + rtol * Math.abs(want[i])));
  expect(bad, `element ${bad}: ${got[bad]} vs ${want[bad]}`).toBe(-1);
}

/** The CPU members on linear memory, counting the calls that reach them (the TypeScript path). */
const calls = new Map<string, number>();
const counting = Object.fromEntries(
  Object.entries(cpuOnLinearMemory).map(([name, f]) => [
    name,
    typeof f !== 'function'
      ? f
      : (...args: unknown[]) => {
          calls.set(name, (calls.get(name) ?? 0) + 1);
          return (f as (...a: unknown[]) => unknown)(...args);
        },
  ]),
) as unknown as Backend;

const adam: AdamUpdateOptions = {
  lr: 1e-3,
  beta1: 0.9,
  beta2: 0.999,
  eps: 1e-8,
  weightDecay: 0.01,
  decoupled: true,
  step: 2,
  amsgrad: false,
  maximize: false,
};

/** One op at size n: its Backend member, and how close to the reference it must be (0: exact). */
interface Case {
  limit: keyof SimdLimits;
  member: string;
  rtol: number;
  /** Shapes of size ≈ n (the product's size is m·k·n). */
  run(b: Backend, n: number): (Handle | null)[];
}

const rows = (n: number): [number, number] => (n % 8 === 0 ? [n / 8, 8] : [1, n]);
const cases: Case[] = [
  {
    limit: 'binary',
    member: 'binary',
    rtol: 0,
    run(b, n) {
      const [x, y] = [randn([n], { generator: g }), randn([n], { generator: g })];
      const [r, c] = rows(n);
      const bias = randn([c], { generator: g }).expand(r, c);
      const s = randn([1], { generator: g }).expand(n);
      return [
        b.binary('sub', on(x, b), on(y, b), [n]),
        b.binary('mul', on(x.reshape(r, c), b), on(bias, b), [r, c]),
        b.binary('add', on(x, b), on(s, b), [n]),
      ];
    },
  },
  {
    limit: 'unary',
    member: 'unary',
    rtol: 1e-5,
    run(b, n) {
      const x = randn([n], { generator: g });
      return [b.unary('exp', on(x, b)), b.unary('gelu', on(x, b)), b.unary('gelu_tanh', on(x, b))];
    },
  },
  {
    limit: 'geluBackward',
    member: 'geluBackward',
    rtol: 1e-5,
    run(b, n) {
      const [x, d] = [randn([n], { generator: g }), randn([n], { generator: g })];
      return [(b.geluBackward as NonNullable<Backend['geluBackward']>)(on(x, b), on(d, b), 'none')];
    },
  },
  {
    limit: 'softmax',
    member: 'softmax',
    rtol: 1e-4,
    run(b, n) {
      const x = randn(rows(n), { generator: g });
      return [b.softmax(on(x, b), 1, false), b.softmax(on(x, b), 1, true)];
    },
  },
  {
    limit: 'softmax',
    member: 'causalSoftmax',
    rtol: 1e-4,
    run(b, n) {
      const x = randn(rows(n), { generator: g });
      return [(b.causalSoftmax as NonNullable<Backend['causalSoftmax']>)(on(x, b), 0.5)];
    },
  },
  {
    limit: 'softmaxBackward',
    member: 'softmaxBackward',
    rtol: 1e-4,
    run(b, n) {
      const y = randn(rows(n), { generator: g }).softmax(-1);
      const d = randn(rows(n), { generator: g });
      return [(b.softmaxBackward as NonNullable<Backend['softmaxBackward']>)(on(y, b), on(d, b), 1, false)];
    },
  },
  {
    limit: 'layerNorm',
    member: 'layerNorm',
    rtol: 1e-4,
    run(b, n) {
      const [r, c] = rows(n);
      const x = randn([r, c], { generator: g });
      const [w, bias] = [randn([c], { generator: g }), randn([c], { generator: g })];
      return [(b.layerNorm as NonNullable<Backend['layerNorm']>)(on(x, b), on(w, b), on(bias, b), 1e-5)];
    },
  },
  {
    limit: 'layerNormBackward',
    member: 'layerNormBackward',
    rtol: 1e-4,
    run(b, n) {
      const [r, c] = rows(n);
      const [x, d] = [randn([r, c], { generator: g }), randn([r, c], { generator: g })];
      const w = randn([c], { generator: g });
      return (b.layerNormBackward as NonNullable<Backend['layerNormBackward']>)(
        on(x, b),
        on(w, b),
        on(d, b),
        1e-5,
        true,
      );
    },
  },
  {
    limit: 'adam',
    member: 'adamUpdate',
    rtol: 0,
    run(b, n) {
      const [p, d, m] = [0, 1, 2].map(() => randn([n], { generator: g }));
      const v = randn([n], { generator: g }).abs();
      return (b.adamUpdate as NonNullable<Backend['adamUpdate']>)(
        on(p, b),
        on(d, b),
        on(m, b),
        on(v, b),
        null,
        adam,
      );
    },
  },
  {
    limit: 'copy',
    member: 'copy',
    rtol: 0,
    run(b, n) {
      const [r, c] = rows(n);
      return [b.copy(on(randn([c, r], { generator: g }).transpose(0, 1), b))];
    },
  },
  {
    limit: 'reduce',
    member: 'reduce',
    rtol: 0,
    run(b, n) {
      // n elements: the sum of each row of 8 (or of all), and the column sums over the rows
      const [r, c] = rows(n);
      const x = randn([r, c], { generator: g });
      return [
        b.reduce('sum', on(x, b), [1]),
        b.reduce('sum', on(x, b), [0]),
        b.reduce('sum', on(x, b), [0, 1]),
      ];
    },
  },
  {
    limit: 'copy',
    member: 'concat',
    rtol: 0,
    run(b, n) {
      // n = rows · cols result elements: a transposed piece and a contiguous one side by side
      const [r, c] = rows(n);
      const left = Math.ceil(c / 2);
      const a = randn([left, r], { generator: g }).transpose(0, 1);
      const rest = randn([r, c - left], { generator: g });
      return [b.concat([on(a, b), on(rest, b)], 1)];
    },
  },
  {
    limit: 'indexing',
    member: 'indexSelect',
    rtol: 0,
    run(b, n) {
      // n = rows · cols result elements, rows picked (repeating) from a table of 5 rows.
      const [r, c] = rows(n);
      const idx = tensor(
        Int32Array.from({ length: r }, (_, j) => (3 * j + 1) % 5),
        { dtype: 'int32' },
      );
      const table = randn([5, c], { generator: g });
      return [b.indexSelect(on(table, b), 0, on(idx, b))];
    },
  },
  {
    limit: 'indexing',
    member: 'indexAdd',
    rtol: 0,
    run(b, n) {
      // n = rows · cols result elements; 2·rows + 1 gradient rows, indices repeating (0, 2, 4, … mod rows).
      const [r, c] = rows(n);
      const m = 2 * r + 1;
      const idx = tensor(
        Int32Array.from({ length: m }, (_, j) => (2 * j) % r),
        { dtype: 'int32' },
      );
      const src = randn([m, c], { generator: g });
      const src3 = randn([2, m, c], { generator: g });
      return [
        b.indexAdd([r, c], 'float32', 0, on(idx, b), on(src, b)),
        b.indexAdd([2, r, c], 'float32', 1, on(idx, b), on(src3, b)),
      ];
    },
  },
  {
    limit: 'matmul',
    member: 'matmul',
    rtol: 1e-5,
    run(b, n) {
      // m·k·n = n multiply-adds: x [n/8, 4] · Wᵀ with W [2, 4] (n divisible by 8), else [1, n]·[n, 1].
      const [m, k, cols] = n % 8 === 0 ? [n / 8, 4, 2] : [1, n, 1];
      const x = randn([m, k], { generator: g });
      const w = randn([cols, k], { generator: g });
      return [b.matmul(on(x, b), on(w.mT, b))];
    },
  },
];

/** Runs `c` at size n on `members` and on the CPU reference; returns whether the TS path ran. */
function check(members: Backend, c: Case, n: number): boolean {
  const before = calls.get(c.member) ?? 0;
  const seed = g.getState();
  const got = c.run(members, n);
  const typescript = (calls.get(c.member) ?? 0) > before;
  g.setState(seed); // the same inputs for the reference
  const want = c.run(cpuBackend, n);
  got.forEach((h, i) => {
    if (c.rtol === 0) expect(values(h)).toEqual(values(want[i]));
    else close(values(h), values(want[i]), c.rtol);
  });
  return typescript;
}

describe('size limits of the SIMD kernels', () => {
  it('every limit picks the kernel: below it the TypeScript one, from it the SIMD one, same results', () => {
    const L = 64;
    const members = wasmMembers(uniformLimits(L), counting);
    for (const c of cases) {
      const [below, at, above] = c.limit === 'matmul' ? [L - 1, L, L + 8] : [L - 1, L, L + 1];
      expect(check(members, c, below), `${c.member} at ${below}`).toBe(true);
      expect(check(members, c, at), `${c.member} at ${at}`).toBe(false);
      expect(check(members, c, above), `${c.member} at ${above}`).toBe(false);
    }
  });

  it('NO_LIMITS is 0 for every op SIMD_LIMITS names, and nothing else', () => {
    expect(Object.keys(NO_LIMITS).sort()).toEqual(Object.keys(SIMD_LIMITS).sort());
    expect(new Set(Object.values(NO_LIMITS))).toEqual(new Set([0]));
  });

  it("wasmBackend's own limits, on both sides of each", () => {
    const members = wasmMembers(SIMD_LIMITS, counting);
    for (const c of cases) {
      const L = SIMD_LIMITS[c.limit];
      const sizes = L <= 1 ? [1, 2, 3, 5, 8] : c.limit === 'matmul' ? [L - 1, L, L + 8] : [L - 1, L, L + 1];
      for (const n of sizes) expect(check(members, c, n), `${c.member} at ${n}`).toBe(n < L);
    }
  });

  it('the backend behind its guard takes the same paths', () => {
    for (const c of cases) {
      const L = Math.max(SIMD_LIMITS[c.limit], 8);
      for (const n of [L - 1, L + 8]) {
        const seed = g.getState();
        const got = c.run(wasmBackend, n);
        g.setState(seed);
        const want = c.run(cpuBackend, n);
        got.forEach((h, i) => {
          if (c.rtol === 0) expect(values(h)).toEqual(values(want[i]));
          else close(values(h), values(want[i]), c.rtol);
        });
      }
    }
  });
});
