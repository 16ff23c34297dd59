import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arange, tensor } from './creation.js';
import { IndexError, ShapeError, ValueError } from './errors.js';
import {
  clone,
  contiguous,
  expand,
  flatten,
  narrow,
  permute,
  reshape,
  select,
  slice,
  squeeze,
  transpose,
  unsqueeze,
  view,
} from './ops/views.js';
import type { Tensor } from './tensor.js';
import {
  arbLayout,
  arbPermutation,
  arbShape,
  arbValues,
  at,
  build,
  expectTensor,
  flat,
  type Nested,
  nest,
  numel,
  PROPERTY_PARAMS,
  values,
  withLayout,
} from './test-utils.js';

/** 0..n-1 as float32 with `shape`. */
const iota = (...shape: number[]) => arange(numel(shape)).float().reshape(shape);

describe('reshape and view', () => {
  it('reshape a contiguous tensor as a view of the same storage', () => {
    const x = iota(2, 3);
    const y = reshape(x, [3, 2]);
    expectTensor(y, [
      [0, 1],
      [2, 3],
      [4, 5],
    ]);
    expect(y.sharesStorageWith(x)).toBe(true);
    expect(reshape(x, [-1]).shape).toEqual([6]);
    expect(reshape(x, [3, -1]).shape).toEqual([3, 2]);
    expect(x.reshape(1, 6, 1).shape).toEqual([1, 6, 1]);
    expect(x.view([6]).strides).toEqual([1]);
    expectTensor(reshape(tensor([5]), []), 5);
    expect(reshape(tensor([]), [0, 3]).shape).toEqual([0, 3]);
  });

  it('reshape copies when the strides cannot express the new shape, view refuses', () => {
    const xt = iota(2, 3).transpose(0, 1); // [[0,3],[1,4],[2,5]]
    expect(xt.isContiguous).toBe(false);
    const r = reshape(xt, [6]);
    expectTensor(r, [0, 3, 1, 4, 2, 5]);
    expect(r.sharesStorageWith(xt)).toBe(false);
    expect(r.isContiguous).toBe(true);
    expect(() => view(xt, [6])).toThrow(ShapeError);
    expect(() => view(xt, [6])).toThrow(/view: cannot view \[3,2\] with strides \[1,3\] as \[6\]/);
  });

  it('view works on non-contiguous inputs whose layout allows it', () => {
    const x = iota(4, 3).slice(0, 0, null, 2); // rows 0 and 2: [[0,1,2],[6,7,8]], strides [6,1]
    const v = view(x, [2, 1, 3]);
    expect(v.sharesStorageWith(x)).toBe(true);
    expect(v.strides).toEqual([6, 3, 1]);
    expectTensor(v, [[[0, 1, 2]], [[6, 7, 8]]]);
    const t = iota(2, 3, 4).permute(1, 0, 2); // [3,2,4]: last dim still contiguous
    const w = view(t, [3, 2, 2, 2]);
    expect(w.sharesStorageWith(t)).toBe(true);
    expect(flat(w.toArraySync(), [3, 2, 2, 2])).toEqual(flat(t.toArraySync(), [3, 2, 4]));
  });

  it('rejects size mismatches, two -1 and invalid dims', () => {
    const x = iota(2, 3);
    expect(() => reshape(x, [4])).toThrow(ShapeError);
    expect(() => reshape(x, [4])).toThrow(/reshape: cannot reshape \[2,3\] \(6 elements\) into \[4\]/);
    expect(() => reshape(x, [-1, 4])).toThrow(/cannot reshape \[2,3\] \(6 elements\) into \[-1,4\]/);
    expect(() => reshape(x, [-1, -1])).toThrow(/reshape: only one dimension can be -1, got \[-1,-1\]/);
    expect(() => reshape(x, [2, 1.5, 2])).toThrow(/reshape: invalid dimension 1.5 in target shape/);
    expect(() => view(x, [-2, -3])).toThrow(/view: invalid dimension -2/);
  });
});

describe('permute and transpose', () => {
  it('permute reorders dims as a view', () => {
    const x = iota(2, 3, 4);
    const y = permute(x, [2, 0, 1]);
    expect(y.shape).toEqual([4, 2, 3]);
    expect(y.strides).toEqual([1, 12, 4]);
    expect(y.sharesStorageWith(x)).toBe(true);
    const xa = x.toArraySync();
    expect(y.toArraySync()).toEqual(build([4, 2, 3], ([k, i, j]) => at(xa, [i, j, k])));
    expect(x.permute(-1, 0, 1).shape).toEqual([4, 2, 3]);
    expect(x.permute([0, 1, 2]).toArraySync()).toEqual(xa);
  });

  it('transpose swaps two dims, by default the last two; mT is the matrix transpose', () => {
    const x = iota(2, 3);
    expectTensor(transpose(x), [
      [0, 3],
      [1, 4],
      [2, 5],
    ]);
    expectTensor(x.mT, [
      [0, 3],
      [1, 4],
      [2, 5],
    ]);
    const z = iota(2, 3, 4);
    expect(transpose(z, 0, 2).shape).toEqual([4, 3, 2]);
    expect(transpose(z, 0, 2).toArraySync()).toEqual(
      build([4, 3, 2], ([k, j, i]) => at(z.toArraySync(), [i, j, k])),
    );
    expectTensor(transpose(tensor([1, 2, 3])), [1, 2, 3]);
  });

  it('rejects wrong axis counts, repeated and out-of-range axes', () => {
    const x = iota(2, 3);
    expect(() => permute(x, [0])).toThrow(ShapeError);
    expect(() => permute(x, [0])).toThrow(/permute: got 1 axes \[0\] for a tensor of rank 2/);
    expect(() => permute(x, [0, 0])).toThrow(IndexError);
    expect(() => permute(x, [0, -2])).toThrow(/permute: repeated axis in \[0,-2\]/);
    expect(() => permute(x, [0, 2])).toThrow(/permute: axis 2 is out of range for a tensor of rank 2/);
    expect(() => transpose(x, 0, 5)).toThrow(/transpose: axis 5 is out of range/);
  });
});

describe('slice, narrow, select', () => {
  it('slice takes Python-style start:end:step with negative and out-of-range bounds', () => {
    const x = iota(10);
    expectTensor(slice(x, 0, 2, 8, 3), [2, 5]);
    expectTensor(slice(x, 0, -3), [7, 8, 9]);
    expectTensor(slice(x, 0, null, -7), [0, 1, 2]);
    expectTensor(slice(x, 0, -100, 100, 4), [0, 4, 8]);
    expectTensor(slice(x, 0, 5, 2), []);
    expectTensor(slice(x, 0, 1, null, 2), [1, 3, 5, 7, 9]);
    expect(slice(x, 0, 1, null, 2).strides).toEqual([2]);
    expect(slice(x, 0, 1, null, 2).offset).toBe(1);
    expect(slice(x, 0, 3).sharesStorageWith(x)).toBe(true);
  });

  it('slice along an inner axis of a matrix and of a slice', () => {
    const x = iota(3, 4);
    expectTensor(x.slice(1, 1, 3), [
      [1, 2],
      [5, 6],
      [9, 10],
    ]);
    expectTensor(x.slice(-1, null, null, 2).slice(0, -2, null, 2), [[4, 6]]);
  });

  it('slice rejects a non-positive step and fractional bounds', () => {
    const x = iota(4);
    expect(() => slice(x, 0, 0, 4, 0)).toThrow(ValueError);
    expect(() => slice(x, 0, 0, 4, -1)).toThrow(/slice: step must be an integer ≥ 1, got -1/);
    expect(() => slice(x, 0, 0.5)).toThrow(/slice: a slice bound must be an integer, got 0.5/);
    expect(() => slice(x, 1)).toThrow(/slice: axis 1 is out of range for a tensor of rank 1/);
  });

  it('narrow takes length elements from start, erroring out of range', () => {
    const x = iota(2, 5);
    expectTensor(narrow(x, 1, 1, 2), [
      [1, 2],
      [6, 7],
    ]);
    expectTensor(x.narrow(1, -2, 2), [
      [3, 4],
      [8, 9],
    ]);
    expectTensor(narrow(x, 0, 1, 0), []);
    expect(() => narrow(x, 1, 4, 2)).toThrow(IndexError);
    expect(() => narrow(x, 1, 4, 2)).toThrow(
      /narrow: range \[4, 4\+2\) is out of bounds for axis 1 of size 5/,
    );
    expect(() => narrow(x, 1, -6, 1)).toThrow(IndexError);
    expect(() => narrow(x, 1, 0, -1)).toThrow(/narrow: length must be an integer ≥ 0, got -1/);
    expect(() => narrow(x, 2, 0, 1)).toThrow(/narrow: axis 2 is out of range/);
  });

  it('select drops the axis; negative indices count from the end', () => {
    const x = iota(2, 3);
    expectTensor(select(x, 0, 1), [3, 4, 5]);
    expectTensor(x.select(1, -1), [2, 5]);
    expect(select(x, 1, 0).sharesStorageWith(x)).toBe(true);
    expectTensor(select(tensor([7, 8]), 0, 1), 8);
    expect(() => select(x, 0, 2)).toThrow(IndexError);
    expect(() => select(x, 0, 2)).toThrow(/select: index 2 is out of range for axis 0 of size 2/);
    expect(() => select(x, 1, -4)).toThrow(/select: index -4 is out of range for axis 1 of size 3/);
    expect(() => select(x, 1, 1.5)).toThrow(ValueError);
  });
});

describe('expand, squeeze, unsqueeze, flatten', () => {
  it('expand broadcasts with stride 0 and -1 keeps a dim', () => {
    const x = tensor([[1], [2], [3]]);
    const y = expand(x, [3, 4]);
    expect(y.strides).toEqual([1, 0]);
    expect(y.sharesStorageWith(x)).toBe(true);
    expectTensor(y, [
      [1, 1, 1, 1],
      [2, 2, 2, 2],
      [3, 3, 3, 3],
    ]);
    expect(x.expand(2, -1, 2).shape).toEqual([2, 3, 2]);
    expectTensor(tensor([5]).broadcastTo([2, 3]), [
      [5, 5, 5],
      [5, 5, 5],
    ]);
    expect(expand(x, [3, 1])).toBe(x);
    expectTensor(expand(x, [3, 2]).add(tensor([10, 20])), [
      [11, 21],
      [12, 22],
      [13, 23],
    ]);
  });

  it('expand rejects targets the input cannot broadcast to', () => {
    const x = tensor([1, 2]);
    expect(() => expand(x, [3])).toThrow(ShapeError);
    expect(() => expand(x, [3])).toThrow(/expand: shapes \[2\] and \[3\] cannot be broadcast/);
    expect(() => expand(tensor([[1, 2]]), [2])).toThrow(
      /expand: target \[2\] has fewer dims than the input \[1,2\]/,
    );
    expect(() => expand(x, [-1, 2])).toThrow(/expand: invalid dimension -1 in \[-1,2\]/);
    expect(() => expand(tensor([[1], [2]]), [2, 1, 3])).toThrow(ShapeError);
  });

  it('squeeze removes size-1 dims, all or the given ones', () => {
    const x = iota(1, 3, 1);
    expect(squeeze(x).shape).toEqual([3]);
    expect(squeeze(x, 0).shape).toEqual([3, 1]);
    expect(x.squeeze(-1).shape).toEqual([1, 3]);
    expect(squeeze(x, [0, 2]).shape).toEqual([3]);
    const noOnes = iota(2, 3);
    expect(squeeze(noOnes)).toBe(noOnes);
    expectTensor(squeeze(x), [0, 1, 2]);
    expect(() => squeeze(x, 1)).toThrow(ShapeError);
    expect(() => squeeze(x, 1)).toThrow(/squeeze: axis 1 has size 3, not 1 \(shape \[1,3,1\]\)/);
    expect(() => squeeze(x, 3)).toThrow(IndexError);
  });

  it('unsqueeze inserts a size-1 dim', () => {
    const x = iota(2, 3);
    expect(unsqueeze(x, 0).shape).toEqual([1, 2, 3]);
    expect(unsqueeze(x, 1).shape).toEqual([2, 1, 3]);
    expect(x.unsqueeze(-1).shape).toEqual([2, 3, 1]);
    expect(unsqueeze(tensor(3), 0).shape).toEqual([1]);
    expect(unsqueeze(x.mT, 1).toArraySync()).toEqual([[[0, 3]], [[1, 4]], [[2, 5]]]);
    expect(() => unsqueeze(x, 4)).toThrow(/unsqueeze: axis 4 is out of range for a tensor of rank 3/);
  });

  it('flatten merges a range of dims', () => {
    const x = iota(2, 3, 4);
    expect(flatten(x).shape).toEqual([24]);
    expect(flatten(x, 1).shape).toEqual([2, 12]);
    expect(x.flatten(0, 1).shape).toEqual([6, 4]);
    expect(flatten(x, -2, -1).shape).toEqual([2, 12]);
    expect(flatten(tensor(2)).shape).toEqual([1]);
    expect(values(flatten(x.transpose(0, 2)))).toEqual(flat(x.transpose(0, 2).toArraySync(), [4, 3, 2]));
    expect(() => flatten(x, 2, 1)).toThrow(ValueError);
    expect(() => flatten(x, 2, 1)).toThrow(/flatten: startAxis 2 comes after endAxis 1/);
  });
});

describe('contiguous and clone', () => {
  it('contiguous returns the tensor itself when already contiguous, else a row-major copy', () => {
    const x = iota(2, 3);
    expect(contiguous(x)).toBe(x);
    const t = x.transpose(0, 1);
    const c = contiguous(t);
    expect(c.isContiguous).toBe(true);
    expect(c.sharesStorageWith(x)).toBe(false);
    expect(c.strides).toEqual([2, 1]);
    expectTensor(c, t.toArraySync());
    expect(t.contiguous().toArraySync()).toEqual([
      [0, 3],
      [1, 4],
      [2, 5],
    ]);
  });

  it('clone copies into new storage', () => {
    const x = iota(3);
    const c = clone(x);
    expect(c).not.toBe(x);
    expect(c.sharesStorageWith(x)).toBe(false);
    expectTensor(c, [0, 1, 2]);
    expectTensor(x.slice(0, 0, null, 2).clone(), [0, 2]);
    expect(tensor([1], { dtype: 'int32' }).clone().dtype).toBe('int32');
  });
});

// ---- property tests: chains of views against nested-array reference implementations -------------

interface Ref {
  shape: number[];
  data: Nested;
}

const refPermute = ({ shape, data }: Ref, perm: readonly number[]): Ref => {
  const out = perm.map((p) => shape[p]);
  return {
    shape: out,
    data: build(out, (l) => {
      const s = new Array<number>(shape.length);
      perm.forEach((p, j) => {
        s[p] = l[j];
      });
      return at(data, s);
    }),
  };
};

/** Python slicing semantics, written as an explicit list of kept positions. */
const refSlice = (
  { shape, data }: Ref,
  axis: number,
  start: number | null,
  end: number | null,
  step: number,
): Ref => {
  const n = shape[axis];
  const clampBound = (v: number) => Math.min(Math.max(v < 0 ? v + n : v, 0), n);
  const s = start === null ? 0 : clampBound(start);
  const e = end === null ? n : clampBound(end);
  const kept: number[] = [];
  for (let i = s; i < e; i += step) kept.push(i);
  const out = [...shape];
  out[axis] = kept.length;
  return {
    shape: out,
    data: build(out, (idx) => {
      const src = [...idx];
      src[axis] = kept[idx[axis]];
      return at(data, src);
    }),
  };
};

const refReshape = ({ shape, data }: Ref, target: number[]): Ref => ({
  shape: target,
  data: nest(flat(data, shape), target),
});

const refExpand = ({ shape, data }: Ref, target: number[]): Ref => ({
  shape: target,
  data: build(target, (idx) => {
    const lead = target.length - shape.length;
    return at(
      data,
      shape.map((d, i) => (d === 1 ? 0 : idx[lead + i])),
    );
  }),
});

/** Splits `n` into up to `k` dims using the random keys (a shape whose product is n). */
function factorShape(n: number, keys: readonly number[], ones: number): number[] {
  const dims = [1, 1, 1];
  let m = n;
  let i = 0;
  for (let p = 2; p <= m; p++) {
    while (m % p === 0) {
      dims[keys[i++ % keys.length] % dims.length] *= p;
      m /= p;
    }
  }
  const out = dims.filter((d) => d > 1);
  for (let j = 0; j < ones % 3; j++) out.splice(keys[j % keys.length] % (out.length + 1), 0, 1);
  return out;
}

type Step = { kind: string; r: number[] };
const arbStep: fc.Arbitrary<Step> = fc.record({
  kind: fc.constantFrom(
    'permute',
    'transpose',
    'slice',
    'narrow',
    'select',
    'reshape',
    'expand',
    'squeeze',
    'unsqueeze',
    'flatten',
  ),
  r: fc.array(fc.integer({ min: 0, max: 1000 }), { minLength: 6, maxLength: 6 }),
});

/** Applies one random view step to both the tensor and the reference (or skips it when it does not fit). */
function applyStep(x: Tensor, ref: Ref, { kind, r }: Step): [Tensor, Ref] {
  const rank = ref.shape.length;
  const pick = (k: number, n: number) => r[k] % n;
  switch (kind) {
    case 'permute': {
      if (rank < 2) return [x, ref];
      const perm = ref.shape
        .map((_, i) => i)
        .sort((a, b) => ((r[a % 6] * 31 + a) % 17) - ((r[b % 6] * 31 + b) % 17));
      return [x.permute(perm), refPermute(ref, perm)];
    }
    case 'transpose': {
      if (rank < 2) return [x, ref];
      const a = pick(0, rank);
      const b = pick(1, rank);
      const perm = ref.shape.map((_, i) => i);
      perm[a] = b;
      perm[b] = a;
      return [x.transpose(a - rank, b), refPermute(ref, perm)];
    }
    case 'slice': {
      if (rank < 1) return [x, ref];
      const axis = pick(0, rank);
      const n = ref.shape[axis];
      const bound = (v: number) => (v % 3 === 0 ? null : (v % (2 * n + 3)) - n - 1);
      const step = 1 + pick(3, 3);
      return [
        x.slice(axis, bound(r[1]), bound(r[2]), step),
        refSlice(ref, axis, bound(r[1]), bound(r[2]), step),
      ];
    }
    case 'narrow': {
      if (rank < 1) return [x, ref];
      const axis = pick(0, rank);
      const n = ref.shape[axis];
      const start = pick(1, n + 1);
      const length = pick(2, n - start + 1);
      return [x.narrow(axis, start, length), refSlice(ref, axis, start, start + length, 1)];
    }
    case 'select': {
      if (rank < 1 || ref.shape.some((d) => d === 0)) return [x, ref];
      const axis = pick(0, rank);
      const i = pick(1, ref.shape[axis]);
      const sliced = refSlice(ref, axis, i, i + 1, 1);
      return [
        x.select(axis, i - (r[2] % 2) * ref.shape[axis]),
        refReshape(
          sliced,
          ref.shape.filter((_, d) => d !== axis),
        ),
      ];
    }
    case 'reshape': {
      const target = factorShape(numel(ref.shape), r, r[5]);
      if (numel(ref.shape) === 0) return [x, ref];
      return [x.reshape(target), refReshape(ref, target)];
    }
    case 'expand': {
      if (rank > 3) return [x, ref];
      const target = [1 + pick(0, 3), ...ref.shape.map((d, i) => (d === 1 ? 1 + pick(i + 1, 3) : d))];
      return [x.expand(target), refExpand(ref, target)];
    }
    case 'squeeze':
      return [
        x.squeeze(),
        refReshape(
          ref,
          ref.shape.filter((d) => d !== 1),
        ),
      ];
    case 'unsqueeze': {
      if (rank > 4) return [x, ref];
      const a = pick(0, rank + 1);
      const target = [...ref.shape];
      target.splice(a, 0, 1);
      return [x.unsqueeze(a), refReshape(ref, target)];
    }
    default: {
      if (rank < 1) return [x, ref];
      const s = pick(0, rank);
      const e = s + pick(1, rank - s);
      const merged = ref.shape.slice(s, e + 1).reduce((p, d) => p * d, 1);
      return [
        x.flatten(s, e),
        refReshape(ref, [...ref.shape.slice(0, s), merged, ...ref.shape.slice(e + 1)]),
      ];
    }
  }
}

describe('views (property tests)', () => {
  it('chains of views on any layout match nested-array references', () => {
    fc.assert(
      fc.property(
        arbShape({ minRank: 1, maxRank: 4, maxDim: 4 }).chain((shape) =>
          fc.tuple(
            fc.constant(shape),
            arbValues(shape),
            arbLayout(shape),
            fc.array(arbStep, { minLength: 1, maxLength: 4 }),
          ),
        ),
        ([shape, v, layout, steps]) => {
          let ref: Ref = { shape, data: nest(v, shape) };
          let x = withLayout(ref.data, shape, layout);
          for (const step of steps) {
            [x, ref] = applyStep(x, ref, step);
            expect(x.shape, step.kind).toEqual(ref.shape);
            expect(x.toArraySync(), step.kind).toEqual(ref.data);
          }
        },
      ),
      PROPERTY_PARAMS,
    );
  });

  it('view either shares storage with correct values or refuses, and reshape always gives the values', () => {
    fc.assert(
      fc.property(
        arbShape({ minRank: 1, maxRank: 4, maxDim: 4 }).chain((shape) =>
          fc.tuple(
            fc.constant(shape),
            arbValues(shape),
            arbLayout(shape),
            fc.array(fc.nat(), { minLength: 6, maxLength: 6 }),
            fc.nat(),
          ),
        ),
        ([shape, v, layout, keys, ones]) => {
          const data = nest(v, shape);
          const x = withLayout(data, shape, layout);
          const target = factorShape(numel(shape), keys, ones);
          const want = nest(flat(data, shape), target);
          expect(x.reshape(target).toArraySync()).toEqual(want);
          if (x.isContiguous) expect(x.view(target).sharesStorageWith(x)).toBe(true);
          try {
            const w = x.view(target);
            expect(w.sharesStorageWith(x)).toBe(true);
            expect(w.toArraySync()).toEqual(want);
          } catch (err) {
            expect(err).toBeInstanceOf(ShapeError);
            expect(x.isContiguous).toBe(false);
          }
        },
      ),
      PROPERTY_PARAMS,
    );
  });

  it('permute matches the index rule y[l] = x[s] with s[perm[j]] = l[j]', () => {
    fc.assert(
      fc.property(
        arbShape({ minRank: 1, maxRank: 4, maxDim: 4 }).chain((shape) =>
          fc.tuple(fc.constant(shape), arbValues(shape), arbLayout(shape), arbPermutation(shape.length)),
        ),
        ([shape, v, layout, perm]) => {
          const ref = refPermute({ shape, data: nest(v, shape) }, perm);
          const y = permute(withLayout(nest(v, shape), shape, layout), perm);
          expect(y.shape).toEqual(ref.shape);
          expect(y.toArraySync()).toEqual(ref.data);
          expect(y.contiguous().toArraySync()).toEqual(ref.data);
        },
      ),
      PROPERTY_PARAMS,
    );
  });
});
