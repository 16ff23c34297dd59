import { describe, expect, it } from 'vitest';
import { cpuBackend } from './cpu/index.js';
import {
  arange,
  eye,
  full,
  fullLike,
  linspace,
  ones,
  onesLike,
  rand,
  randint,
  randLike,
  randn,
  randnLike,
  scalar,
  tensor,
  zeros,
  zerosLike,
} from './creation.js';
import { allocArray } from './dtype.js';
import { BackendError, DTypeError, ShapeError, ValueError } from './errors.js';
import { Generator } from './random.js';
import { expectClose, expectTensor, values } from './test-utils.js';

describe('tensor()', () => {
  it('builds float32 tensors from nested arrays with the inferred shape', () => {
    const t = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(t.shape).toEqual([2, 3]);
    expect(t.dtype).toBe('float32');
    expect(t.size).toBe(6);
    expect(t.rank).toBe(2);
    expect(t.ndim).toBe(2);
    expect(t.strides).toEqual([3, 1]);
    expect(t.isContiguous).toBe(true);
    expect(t.backend).toBe(cpuBackend);
    expect(values(t)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(t.dataSync()).toBeInstanceOf(Float32Array);
  });

  it('rounds values to float32 precision', () => {
    expect(tensor([0.1]).dataSync()[0]).toBe(Math.fround(0.1));
    expect(tensor([0.1], { dtype: 'float64' }).dataSync()[0]).toBe(0.1);
  });

  it('makes a 0-d tensor from a number and a bool tensor from booleans', () => {
    const s = tensor(3.5);
    expect(s.shape).toEqual([]);
    expect(s.size).toBe(1);
    expect(s.itemSync()).toBe(3.5);
    const b = tensor([true, false, true]);
    expect(b.dtype).toBe('bool');
    expect(b.dataSync()).toBeInstanceOf(Uint8Array);
    expect(values(b)).toEqual([1, 0, 1]);
    expect(tensor(true).itemSync()).toBe(1);
  });

  it('honours an explicit dtype', () => {
    expectTensor(tensor([1, -2, 3], { dtype: 'int32' }), [1, -2, 3], 'int32');
    expectTensor(tensor([0, 1, 1], { dtype: 'bool' }), [0, 1, 1], 'bool');
    expectTensor(tensor([true, false], { dtype: 'float64' }), [1, 0], 'float64');
    expect(tensor([1, 2], { dtype: 'int32' }).dataSync()).toBeInstanceOf(Int32Array);
  });

  it('keeps a typed array’s dtype and takes an optional shape', () => {
    const a = tensor(new Int32Array([5, 7, 9, 11]), { shape: [2, 2] });
    expectTensor(a, [
      [5, 7],
      [9, 11],
    ]);
    expect(a.dtype).toBe('int32');
    expect(tensor(new Float64Array([0.5])).dtype).toBe('float64');
    expect(tensor(new Float32Array([0.5, 1])).shape).toEqual([2]);
    expect(tensor(new Uint8Array([1, 0])).dtype).toBe('bool');
    expectTensor(tensor(new Float64Array([1.5, 2]), { dtype: 'float32' }), [1.5, 2], 'float32');
  });

  it('copies the typed array it is given', () => {
    const src = new Float32Array([1, 2]);
    const t = tensor(src);
    src[0] = 100;
    expect(values(t)).toEqual([1, 2]);
  });

  it('reshapes nested data to an explicit shape', () => {
    expectTensor(tensor([1, 2, 3, 4, 5, 6], { shape: [3, 2] }), [
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
  });

  it('handles empty arrays', () => {
    expect(tensor([]).shape).toEqual([0]);
    expect(tensor([[], []]).shape).toEqual([2, 0]);
    expect(tensor([]).size).toBe(0);
    expect(tensor([]).toArraySync()).toEqual([]);
  });

  it('rejects ragged nesting, wrong element types and values the dtype cannot hold', () => {
    expect(() => tensor([[1, 2], [3]])).toThrow(ShapeError);
    expect(() => tensor([[1, 2], [3]])).toThrow(
      /tensor: ragged nested array: \[1\] has length 1, expected length 2/,
    );
    expect(() => tensor([1, [2]] as never)).toThrow(/ragged nested array: \[1\] has more nesting/);
    expect(() => tensor([[1], 2] as never)).toThrow(/ragged nested array: \[1\] has a scalar/);
    expect(() => tensor(['a'] as never)).toThrow(DTypeError);
    expect(() => tensor([null] as never)).toThrow(/element \[0\] is null/);
    expect(() => tensor([1.5], { dtype: 'int32' })).toThrow(/value 1.5 at \[0\] is not a 32-bit integer/);
    expect(() => tensor([2], { dtype: 'bool' })).toThrow(/value 2 at \[0\] is not 0\/1/);
    expect(() => tensor([1, 2, 3], { shape: [2, 2] })).toThrow(/shape \[2,2\] needs 4 values, got 3/);
    expect(() => tensor([1], { dtype: 'int64' as never })).toThrow(/unknown dtype "int64"/);
    expect(() => tensor(new Int16Array([1]) as never)).toThrow(DTypeError);
  });
});

describe('scalar, full, zeros, ones and the *Like variants', () => {
  it('scalar is a 0-d tensor', () => {
    const s = scalar(2, { dtype: 'int32' });
    expect(s.shape).toEqual([]);
    expect(s.dtype).toBe('int32');
    expect(s.toArraySync()).toBe(2);
  });

  it('full fills with the value in the requested dtype', () => {
    expectTensor(full([2, 2], 7), [
      [7, 7],
      [7, 7],
    ]);
    expectTensor(full([3], -4, { dtype: 'int32' }), [-4, -4, -4], 'int32');
    expectTensor(full([2], 1, { dtype: 'bool' }), [1, 1], 'bool');
    expectClose(full([2], Number.NaN), [Number.NaN, Number.NaN]);
    expect(full([], 3).shape).toEqual([]);
    expect(full([0, 3], 1).size).toBe(0);
  });

  it('zeros and ones default to float32', () => {
    expectTensor(zeros([2, 3]), [
      [0, 0, 0],
      [0, 0, 0],
    ]);
    expect(zeros([1]).dtype).toBe('float32');
    expectTensor(ones([2], { dtype: 'float64' }), [1, 1], 'float64');
    expectTensor(ones([2], { dtype: 'int32' }), [1, 1], 'int32');
  });

  it('*Like copy shape, dtype and backend unless overridden', () => {
    const base = tensor([[1, 2, 3]], { dtype: 'int32' });
    const z = zerosLike(base);
    expect(z.shape).toEqual([1, 3]);
    expect(z.dtype).toBe('int32');
    expect(z.backend).toBe(base.backend);
    expect(values(z)).toEqual([0, 0, 0]);
    expectTensor(onesLike(base, { dtype: 'float64' }), [[1, 1, 1]], 'float64');
    expectTensor(fullLike(base, 9), [[9, 9, 9]], 'int32');
  });

  it('rejects bad shapes and values', () => {
    expect(() => zeros([2, -1])).toThrow(ShapeError);
    expect(() => zeros([2, -1])).toThrow(/zeros: invalid dimension -1 in shape \[2,-1\]/);
    expect(() => ones([1.5])).toThrow(/ones: invalid dimension 1.5/);
    expect(() => full([2], 1.5, { dtype: 'int32' })).toThrow(DTypeError);
    expect(() => full([2], 'x' as never)).toThrow(/full: value must be a number/);
    expect(() => zeros(3 as never)).toThrow(/shape must be an array/);
  });
});

describe('arange and linspace', () => {
  it('arange(n) counts 0..n-1 in int32', () => {
    expectTensor(arange(5), [0, 1, 2, 3, 4], 'int32');
  });

  it('arange(start, end, step) with negative and fractional steps', () => {
    expectTensor(arange(2, 8, 2), [2, 4, 6], 'int32');
    expectTensor(arange(5, 0, -2), [5, 3, 1], 'int32');
    expectClose(arange(0, 1, 0.25), [0, 0.25, 0.5, 0.75], 0, 'float32');
    expectClose(arange(0.5, 2), [0.5, 1.5], 0, 'float32');
    expectTensor(arange(3, 1), [], 'int32');
    expectTensor(arange(0, 3, 1, { dtype: 'float64' }), [0, 1, 2], 'float64');
  });

  it('arange rejects a zero step and non-finite bounds', () => {
    expect(() => arange(0, 5, 0)).toThrow(ValueError);
    expect(() => arange(0, 5, 0)).toThrow(/arange: step must not be 0/);
    expect(() => arange(0, Number.POSITIVE_INFINITY)).toThrow(
      /arange: end must be a finite number, got Infinity/,
    );
    expect(() => arange(Number.NaN)).toThrow(ValueError);
  });

  it('linspace includes both ends', () => {
    expectClose(linspace(0, 1, 5), [0, 0.25, 0.5, 0.75, 1], 0, 'float32');
    expectClose(linspace(1, -1, 3, { dtype: 'float64' }), [1, 0, -1], 0, 'float64');
    expectTensor(linspace(2, 3, 1), [2]);
    expectTensor(linspace(2, 3, 0), []);
    expect(linspace(0, 0.3, 4, { dtype: 'float64' }).dataSync()[3]).toBe(0.3);
  });

  it('linspace rejects bad step counts and non-finite ends', () => {
    expect(() => linspace(0, 1, -1)).toThrow(/linspace: steps must be an integer ≥ 0, got -1/);
    expect(() => linspace(0, 1, 2.5)).toThrow(ValueError);
    expect(() => linspace(0, Number.NaN, 3)).toThrow(/linspace: start and end must be finite/);
  });
});

describe('eye', () => {
  it('makes square and rectangular identities', () => {
    expectTensor(eye(3), [
      [1, 0, 0],
      [0, 1, 0],
      [0, 0, 1],
    ]);
    expectTensor(eye(2, 3, { dtype: 'int32' }), [
      [1, 0, 0],
      [0, 1, 0],
    ]);
    expect(eye(2, 3, { dtype: 'int32' }).dtype).toBe('int32');
    expectTensor(eye(3, 1), [[1], [0], [0]]);
  });

  it('rejects negative sizes', () => {
    expect(() => eye(-1)).toThrow(/eye: invalid dimension -1/);
  });
});

describe('random creation', () => {
  it('rand draws from [low, high) with the given generator, reproducibly', () => {
    const a = rand([1000], { generator: new Generator(3), low: -2, high: 5 });
    const b = rand([1000], { generator: new Generator(3), low: -2, high: 5 });
    expect(values(a)).toEqual(values(b));
    const v = values(a);
    expect(Math.min(...v)).toBeGreaterThanOrEqual(-2);
    expect(Math.max(...v)).toBeLessThan(5);
    expect(a.dtype).toBe('float32');
    const m = v.reduce((s, x) => s + x, 0) / v.length;
    expect(Math.abs(m - 1.5)).toBeLessThan(0.3);
  });

  it('rand matches the generator’s own uniform draws', () => {
    const g = new Generator(11);
    const t = rand([3], { generator: new Generator(11), dtype: 'float64' });
    expect(values(t)).toEqual([g.nextFloat(), g.nextFloat(), g.nextFloat()]);
  });

  it('randn takes mean and std', () => {
    const t = randn([4000], { generator: new Generator(5), mean: 10, std: 0.5, dtype: 'float64' });
    const v = values(t);
    const m = v.reduce((s, x) => s + x, 0) / v.length;
    const sd = Math.sqrt(v.reduce((s, x) => s + (x - m) ** 2, 0) / (v.length - 1));
    expect(Math.abs(m - 10)).toBeLessThan(0.05);
    expect(Math.abs(sd - 0.5)).toBeLessThan(0.05);
  });

  it('randint draws integers in [low, high) as int32', () => {
    const t = randint(-3, 4, [2000], { generator: new Generator(9) });
    expect(t.dtype).toBe('int32');
    const v = values(t);
    expect(new Set(v)).toEqual(new Set([-3, -2, -1, 0, 1, 2, 3]));
    expect(randint(0, 5, [3], { dtype: 'float32', generator: new Generator(1) }).dtype).toBe('float32');
  });

  it('randLike and randnLike follow the template tensor', () => {
    const base = zeros([2, 3], { dtype: 'float64' });
    const r = randLike(base, { generator: new Generator(1) });
    expect(r.shape).toEqual([2, 3]);
    expect(r.dtype).toBe('float64');
    const n = randnLike(base, { generator: new Generator(1) });
    expect(n.shape).toEqual([2, 3]);
    expect(values(n)).not.toEqual(values(r));
  });

  it('uses the default generator when none is given', () => {
    const a = rand([4]);
    const b = rand([4]);
    expect(values(a)).not.toEqual(values(b));
  });

  it('rejects bad arguments', () => {
    expect(() => rand([2], { low: 3, high: 1 })).toThrow(/rand: need low ≤ high, got \[3, 1\)/);
    expect(() => randn([2], { std: -1 })).toThrow(/randn: std must be ≥ 0, got -1/);
    expect(() => rand([2], { dtype: 'int32' })).toThrow(DTypeError);
    expect(() => rand([2], { dtype: 'int32' })).toThrow(/rand: dtype must be float32 or float64, got int32/);
    expect(() => randint(5, 5, [2])).toThrow(/randint: need integers low < high, got \[5, 5\)/);
    expect(() => randint(0, 2.5, [2])).toThrow(ValueError);
    expect(() => randint(0, 2, [-2])).toThrow(ShapeError);
    expect(() => randLike(zeros([2], { dtype: 'int32' }))).toThrow(DTypeError);
  });
});

describe('creation options', () => {
  it('accepts a backend by name', () => {
    expect(zeros([1], { backend: 'cpu' }).backend).toBe(cpuBackend);
    expect(() => zeros([1], { backend: 'nope' })).toThrow(
      /zeros: no backend named 'nope' is registered \(have: cpu/,
    );
  });
});

describe('inference and range edge cases', () => {
  it('infers bool only when every element is a boolean', () => {
    expect(tensor([true, false]).dtype).toBe('bool');
    expect(tensor([[true], [false]]).dtype).toBe('bool');
    const mixed = tensor([true, 2, false]);
    expect(mixed.dtype).toBe('float32');
    expect(mixed.toArraySync()).toEqual([1, 2, 0]);
    expect(tensor([[false, 1.5]]).toArraySync()).toEqual([[0, 1.5]]);
  });

  it('randint refuses int32 ranges it cannot store instead of wrapping around', () => {
    expect(() => randint(2 ** 31 - 10, 2 ** 31 + 100, [3])).toThrow(ValueError);
    expect(() => randint(0, 2 ** 32, [3])).toThrow(/randint: \[0, 4294967296\) does not fit int32/);
    expect(() => randint(-(2 ** 31) - 1, 0, [3])).toThrow(ValueError);
    const edge = randint(2 ** 31 - 3, 2 ** 31, [50], {
      generator: new Generator(2),
    }).toArraySync() as number[];
    expect(edge.every((v) => v >= 2 ** 31 - 3 && v < 2 ** 31)).toBe(true);
    const wide = randint(0, 2 ** 32, [4], { dtype: 'float32', generator: new Generator(2) });
    expect((wide.toArraySync() as number[]).every((v) => v >= 0 && v <= 2 ** 32)).toBe(true);
  });
});

describe('a tensor too large for the engine', () => {
  it('is a BackendError naming the elements and bytes, not a bare RangeError', () => {
    // 8·10⁹ elements: past V8's typed-array length limit, so nothing is allocated before it fails
    expect(() => allocArray('float32', 8e9)).toThrow(BackendError);
    expect(() => allocArray('float32', 8e9)).toThrow(
      /cannot allocate 8,000,000,000 float32 elements \(29\.8 GiB\) on the JavaScript heap: /,
    );
    expect(() => zeros([1e9, 8])).toThrow(BackendError);
    expect(() => randn([2e9, 4], { dtype: 'float64' })).toThrow(
      /8,000,000,000 float64 elements \(59\.6 GiB\)/,
    );
  });
});
