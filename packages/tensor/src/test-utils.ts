/**
 * Test support shared by the `*.test.ts` files: a naive nested-array reference (explicit index
 * loops, no strides) and fast-check arbitraries for shapes, values and memory layouts.
 * Not part of the public surface (`index.ts` does not export it).
 */
import fc from 'fast-check';
import { expect } from 'vitest';
import { tensor } from './creation.js';
import type { DType } from './dtype.js';
import type { Tensor } from './tensor.js';

/** A nested JS array (or a number for rank 0). */
export type Nested = number | Nested[];

/** Number of elements of `shape`. */
export function numel(shape: readonly number[]): number {
  return shape.reduce((p, d) => p * d, 1);
}

/** Every index tuple of `shape` in row-major order. */
export function indices(shape: readonly number[]): number[][] {
  const out: number[][] = [];
  const n = numel(shape);
  for (let flat = 0; flat < n; flat++) {
    const idx = new Array<number>(shape.length);
    let r = flat;
    for (let d = shape.length - 1; d >= 0; d--) {
      idx[d] = r % shape[d];
      r = Math.floor(r / shape[d]);
    }
    out.push(idx);
  }
  return out;
}

/** The element of `x` at `idx`. */
export function at(x: Nested, idx: readonly number[]): number {
  let v: Nested = x;
  for (const i of idx) v = (v as Nested[])[i];
  return v as number;
}

/** Nested arrays of `shape` with `f(idx)` at every index. */
export function build(shape: readonly number[], f: (idx: number[]) => number): Nested {
  const rec = (prefix: number[]): Nested => {
    if (prefix.length === shape.length) return f(prefix);
    return Array.from({ length: shape[prefix.length] }, (_, i) => rec([...prefix, i]));
  };
  return rec([]);
}

/** Row-major flat values of nested arrays of `shape`. */
export function flat(x: Nested, shape: readonly number[]): number[] {
  return indices(shape).map((idx) => at(x, idx));
}

/** Nested arrays of `shape` from row-major `values`. */
export function nest(values: readonly number[], shape: readonly number[]): Nested {
  let k = 0;
  return build(shape, () => values[k++]);
}

/** Values of `t` as plain numbers (row-major). */
export function values(t: Tensor): number[] {
  return Array.from(t.dataSync());
}

/** Asserts shape, dtype and (exactly, NaN = NaN) the nested values of `t`. */
export function expectTensor(t: Tensor, expected: Nested, dtype?: DType): void {
  if (dtype !== undefined) expect(t.dtype).toBe(dtype);
  expect(t.toArraySync()).toEqual(expected);
}

/** Asserts `t` has `shape` and values within `tol` (absolute + relative) of `expected`, NaN matching NaN. */
export function expectClose(t: Tensor, expected: Nested, tol = 1e-6, dtype?: DType): void {
  if (dtype !== undefined) expect(t.dtype).toBe(dtype);
  const shape = shapeOf(expected);
  expect(t.shape).toEqual(shape);
  const got = values(t);
  const want = flat(expected, shape);
  for (let i = 0; i < want.length; i++) {
    const a = got[i];
    const b = want[i];
    if (Number.isNaN(b)) expect(a, `element ${i}`).toBeNaN();
    else if (!Number.isFinite(b)) expect(a, `element ${i}`).toBe(b);
    else
      expect(Math.abs(a - b), `element ${i}: got ${a}, want ${b}`).toBeLessThanOrEqual(
        tol * (1 + Math.abs(b)),
      );
  }
}

/** The shape of regular nested arrays. */
export function shapeOf(x: Nested): number[] {
  const shape: number[] = [];
  let v: Nested = x;
  while (Array.isArray(v)) {
    shape.push(v.length);
    v = v[0];
    if (v === undefined) break;
  }
  return shape;
}

// ---- broadcasting reference ---------------------------------------------------------------------

/** NumPy broadcast of two shapes, or null when they do not broadcast. */
export function refBroadcast(a: readonly number[], b: readonly number[]): number[] | null {
  const rank = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    const x = a[a.length - rank + i] ?? 1;
    const y = b[b.length - rank + i] ?? 1;
    if (x !== y && x !== 1 && y !== 1) return null;
    out.push(x === 1 ? y : x);
  }
  return out;
}

/** The index into an operand of `shape` that a broadcast output index `idx` reads. */
export function broadcastIndex(idx: readonly number[], shape: readonly number[]): number[] {
  const lead = idx.length - shape.length;
  return shape.map((d, i) => (d === 1 ? 0 : idx[lead + i]));
}

// ---- arbitraries --------------------------------------------------------------------------------

export interface ShapeConstraints {
  minRank?: number;
  maxRank?: number;
  minDim?: number;
  maxDim?: number;
}

/** Small shapes (default rank 0–4, dims 1–4). */
export function arbShape(c: ShapeConstraints = {}): fc.Arbitrary<number[]> {
  return fc.array(fc.integer({ min: c.minDim ?? 1, max: c.maxDim ?? 4 }), {
    minLength: c.minRank ?? 0,
    maxLength: c.maxRank ?? 4,
  });
}

/** Small integers as values: float32 arithmetic on them is exact, so results compare exactly. */
export function arbValues(shape: readonly number[], min = -9, max = 9): fc.Arbitrary<number[]> {
  const n = numel(shape);
  return fc.array(fc.integer({ min, max }), { minLength: n, maxLength: n });
}

/** A shape that broadcasts to `out`: some leading dims dropped, some dims set to 1. */
export function arbBroadcastableTo(out: readonly number[]): fc.Arbitrary<number[]> {
  return fc
    .tuple(
      fc.integer({ min: 0, max: out.length }),
      fc.array(fc.boolean(), { minLength: out.length, maxLength: out.length }),
    )
    .map(([drop, ones]) => out.slice(drop).map((d, i) => (ones[i + drop] ? 1 : d)));
}

/** A random permutation of `0..n-1`. */
export function arbPermutation(n: number): fc.Arbitrary<number[]> {
  return fc
    .array(fc.nat(), { minLength: n, maxLength: n })
    .map((keys) => keys.map((k, i) => [k, i] as const).sort((x, y) => x[0] - y[0] || x[1] - y[1]))
    .map((pairs) => pairs.map(([, i]) => i));
}

export type Layout =
  | { kind: 'contiguous' }
  | { kind: 'permuted'; perm: number[] }
  | { kind: 'stepped'; axis: number; offset: 0 | 1 };

/** A memory layout for a tensor of `shape` (only layouts that fit the rank). */
export function arbLayout(shape: readonly number[]): fc.Arbitrary<Layout> {
  const options: fc.Arbitrary<Layout>[] = [fc.constant({ kind: 'contiguous' } as Layout)];
  if (shape.length >= 2) {
    options.push(arbPermutation(shape.length).map((perm): Layout => ({ kind: 'permuted', perm })));
  }
  if (shape.length >= 1) {
    options.push(
      fc
        .tuple(fc.integer({ min: 0, max: shape.length - 1 }), fc.constantFrom<0 | 1>(0, 1))
        .map(([axis, offset]): Layout => ({ kind: 'stepped', axis, offset })),
    );
  }
  return fc.oneof(...options);
}

/**
 * A tensor with the logical values `data` (nested, of `shape`) stored in `layout`: permuted storage
 * viewed back through `permute`, or every other element of a larger tensor through a stepped `slice`.
 */
export function withLayout(
  data: Nested,
  shape: readonly number[],
  layout: Layout,
  dtype: DType = 'float32',
): Tensor {
  if (layout.kind === 'contiguous') return tensor(data as number[], { dtype });
  if (layout.kind === 'permuted') {
    const { perm } = layout;
    const storeShape = perm.map((p) => shape[p]);
    const inv = new Array<number>(perm.length);
    perm.forEach((p, i) => {
      inv[p] = i;
    });
    const store = build(storeShape, (s) => {
      const l = new Array<number>(shape.length);
      perm.forEach((p, i) => {
        l[p] = s[i];
      });
      return at(data, l);
    });
    return tensor(store as number[], { dtype, shape: storeShape }).permute(inv);
  }
  const { axis, offset } = layout;
  const bigShape = [...shape];
  bigShape[axis] = shape[axis] * 2 + offset;
  const filler = dtype === 'bool' ? 0 : 7;
  const big = build(bigShape, (idx) => {
    const j = idx[axis] - offset;
    if (j < 0 || j % 2 !== 0) return filler;
    const l = [...idx];
    l[axis] = j / 2;
    return at(data, l);
  });
  return tensor(big as number[], { dtype, shape: bigShape }).slice(axis, offset, null, 2);
}

/** Fast-check run parameters shared by the property tests: fixed seed, small run count. */
export const PROPERTY_PARAMS = { seed: 20240601, numRuns: 80 } as const;
