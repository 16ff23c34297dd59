import { describe, expect, it } from 'vitest';
import type { Backend } from './backend.js';
import { cpuBackend } from './cpu/index.js';
import {
  BackendError,
  DendriteError,
  DisposedError,
  DTypeError,
  IndexError,
  ShapeError,
  typeNameOf,
  ValueError,
} from './errors.js';
import * as T from './index.js';

const { tensor, zeros, ones } = T;
const int = (v: number[] | number[][]) => tensor(v, { dtype: 'int32' });
const m23 = () => zeros([2, 3]);

type ErrorClass = new (message: string) => DendriteError;

/** [what goes wrong, the call, the typed error, text the message must contain (op name and values)]. */
const MISUSES: [string, () => unknown, ErrorClass, RegExp][] = [
  // ragged and malformed data, bad dims
  [
    'ragged nested array',
    () => tensor([[1, 2], [3]]),
    ShapeError,
    /tensor: ragged nested array: \[1\] has length 1, expected length 2/,
  ],
  [
    'ragged deeper nesting',
    () => tensor([[[1]], [2]] as never),
    ShapeError,
    /tensor: ragged nested array: \[1\]\[0\] has a scalar, expected length 1 \(shape \[2,1,1\]\)/,
  ],
  ['non-numeric element', () => tensor([1, 'x'] as never), DTypeError, /tensor: element \[1\] is string/],
  ['negative dim', () => zeros([2, -1]), ShapeError, /zeros: invalid dimension -1 in shape \[2,-1\]/],
  ['fractional dim', () => ones([2.5]), ShapeError, /ones: invalid dimension 2.5 in shape \[2.5\]/],
  ['negative dim in randn', () => T.randn([-3]), ShapeError, /randn: invalid dimension -3/],
  ['NaN dim in full', () => T.full([Number.NaN], 1), ShapeError, /full: invalid dimension NaN/],
  ['negative eye', () => T.eye(-2), ShapeError, /eye: invalid dimension -2/],
  // shapes
  [
    'reshape size mismatch',
    () => m23().reshape(4),
    ShapeError,
    /reshape: cannot reshape \[2,3\] \(6 elements\) into \[4\]/,
  ],
  [
    'view of a transposed tensor',
    () => m23().mT.view(6),
    ShapeError,
    /view: cannot view \[3,2\] with strides \[1,3\] as \[6\]/,
  ],
  [
    'broadcast failure in add',
    () => zeros([2, 3]).add(zeros([2])),
    ShapeError,
    /add: shapes \[2,3\] and \[2\] cannot be broadcast/,
  ],
  [
    'broadcast failure in where',
    () => T.where(tensor([true, false]), zeros([3]), 0),
    ShapeError,
    /where: shapes \[2\] and \[3\]/,
  ],
  [
    'matmul inner dims',
    () => T.matmul(zeros([2, 3]), zeros([4, 5])),
    ShapeError,
    /matmul: cannot multiply \[2,3\] by \[4,5\]: inner dimensions 3 and 4 differ/,
  ],
  [
    'matmul batch dims',
    () => T.matmul(zeros([2, 1, 2]), zeros([3, 2, 1])),
    ShapeError,
    /matmul: batch dims of \[2,1,2\] and \[3,2,1\] cannot be broadcast/,
  ],
  [
    'concat shape mismatch',
    () => T.concat([zeros([2, 3]), zeros([3, 2])]),
    ShapeError,
    /concat: shapes \[2,3\], \[3,2\] differ outside axis 0/,
  ],
  [
    'expand to a smaller dim',
    () => zeros([3]).expand(2),
    ShapeError,
    /expand: shapes \[3\] and \[2\] cannot be broadcast/,
  ],
  ['squeeze a dim that is not 1', () => m23().squeeze(0), ShapeError, /squeeze: axis 0 has size 2, not 1/],
  [
    'item of many elements',
    () => m23().itemSync(),
    ShapeError,
    /itemSync: only a one-element tensor has an item, got shape \[2,3\]/,
  ],
  ['max over an empty axis', () => zeros([0]).max(), ShapeError, /max: cannot reduce over axis 0 of size 0/],
  // axes out of range
  ['sum axis', () => m23().sum(2), IndexError, /sum: axis 2 is out of range for a tensor of rank 2/],
  [
    'softmax axis',
    () => m23().softmax(-3),
    IndexError,
    /softmax: axis -3 is out of range for a tensor of rank 2/,
  ],
  ['cumsum axis', () => m23().cumsum(5), IndexError, /cumsum: axis 5 is out of range/],
  ['concat axis', () => T.concat([m23(), m23()], 2), IndexError, /concat: axis 2 is out of range/],
  ['transpose axis', () => m23().transpose(0, 2), IndexError, /transpose: axis 2 is out of range/],
  [
    'unsqueeze axis',
    () => m23().unsqueeze(-4),
    IndexError,
    /unsqueeze: axis -4 is out of range for a tensor of rank 3/,
  ],
  ['argmax axis', () => m23().argmax(2), IndexError, /argmax: axis 2 is out of range/],
  ['fractional axis', () => m23().sum(0.5), IndexError, /sum: axis must be an integer, got 0.5/],
  // indices out of range
  [
    'select index',
    () => m23().select(1, 3),
    IndexError,
    /select: index 3 is out of range for axis 1 of size 3/,
  ],
  [
    'narrow range',
    () => m23().narrow(0, 1, 2),
    IndexError,
    /narrow: range \[1, 1\+2\) is out of bounds for axis 0 of size 2/,
  ],
  [
    'gather index',
    () => m23().gather(1, int([[3], [0]])),
    IndexError,
    /gather: index 3 at \[0,0\] is out of range for axis 1 of size 3/,
  ],
  [
    'indexSelect index',
    () => m23().indexSelect(0, int([0, 2])),
    IndexError,
    /indexSelect: index 2 at \[1\] is out of range for axis 0 of size 2/,
  ],
  [
    'embedding id',
    () => T.embedding(int([1, 4]), zeros([4, 2])),
    IndexError,
    /embedding: index 4 at \[1\] is out of range for axis 0 of size 4/,
  ],
  [
    'negative embedding id',
    () => T.embedding(int([-1]), zeros([4, 2])),
    IndexError,
    /embedding: index -1 at \[0\] is out of range/,
  ],
  [
    'take index',
    () => T.take(m23(), int([6])),
    IndexError,
    /take: index 6 at \[0\] is out of range for axis 0 of size 6/,
  ],
  [
    'scatterAdd index',
    () => T.scatterAddZeros([2], 0, int([2]), ones([1])),
    IndexError,
    /scatterAdd: index 2 at \[0\] is out of range for axis 0 of size 2/,
  ],
  ['repeated permute axis', () => m23().permute(1, 1), IndexError, /permute: repeated axis in \[1,1\]/],
  // int / float mix-ups
  [
    'embedding with float ids',
    () => T.embedding(tensor([0, 1]), zeros([4, 2])),
    DTypeError,
    /embedding: ids must be int32, got float32/,
  ],
  [
    'gather with a float index',
    () => m23().gather(1, tensor([[0], [1]])),
    DTypeError,
    /gather: index must be int32, got float32/,
  ],
  [
    'indexSelect with a bool index',
    () => m23().indexSelect(0, tensor([true])),
    DTypeError,
    /indexSelect: index must be int32, got bool/,
  ],
  [
    'where with a non-bool condition',
    () => T.where(int([1, 0]), zeros([2]), 1),
    DTypeError,
    /where: condition must be bool, got int32/,
  ],
  [
    'maskedFill with a float mask',
    () => m23().maskedFill(zeros([3]), 1),
    DTypeError,
    /maskedFill: mask must be bool, got float32/,
  ],
  [
    'oneHot with float ids',
    () => T.oneHot(tensor([1]), 3),
    DTypeError,
    /oneHot: ids must be int32, got float32/,
  ],
  [
    'int32 tensor from fractions',
    () => tensor([0.5], { dtype: 'int32' }),
    DTypeError,
    /tensor: value 0.5 at \[0\] is not a 32-bit integer but dtype is int32/,
  ],
  [
    'rand with an int dtype',
    () => T.rand([2], { dtype: 'int32' }),
    DTypeError,
    /rand: dtype must be float32 or float64, got int32/,
  ],
  [
    'unknown dtype',
    () => zeros([2], { dtype: 'float16' as never }),
    DTypeError,
    /zeros: unknown dtype "float16"; expected one of float32, float64, int32, bool/,
  ],
  [
    'operand that is not a tensor',
    () => m23().add('1' as never),
    DTypeError,
    /add: operands must be Tensors or numbers, got string/,
  ],
  // bad values
  ['arange step 0', () => T.arange(0, 3, 0), ValueError, /arange: step must not be 0/],
  ['split size 0', () => m23().split(0), ValueError, /split: split size must be an integer ≥ 1, got 0/],
  ['clamp min > max', () => m23().clamp(1, 0), ValueError, /clamp: min 1 is greater than max 0/],
  ['slice step 0', () => m23().slice(0, 0, 2, 0), ValueError, /slice: step must be an integer ≥ 1, got 0/],
  [
    'negative narrow length',
    () => m23().narrow(0, 0, -1),
    ValueError,
    /narrow: length must be an integer ≥ 0, got -1/,
  ],
  [
    'fractional seed',
    () => new T.Generator(0.5),
    ValueError,
    /Generator: seed must be a safe integer, got 0.5/,
  ],
  [
    'randint empty range',
    () => T.randint(3, 3, [1]),
    ValueError,
    /randint: need integers low < high, got \[3, 3\)/,
  ],
  [
    'oneHot with 0 classes',
    () => T.oneHot(int([0]), 0),
    ValueError,
    /oneHot: numClasses must be a positive integer, got 0/,
  ],
  [
    'unknown backend',
    () => zeros([1], { backend: 'webgpu' }),
    ValueError,
    /zeros: no backend named 'webgpu' is registered/,
  ],
];

describe('misuse throws the typed error with a message naming the op and the values', () => {
  for (const [what, call, ErrorType, message] of MISUSES) {
    it(what, () => {
      let caught: unknown;
      try {
        call();
      } catch (err) {
        caught = err;
      }
      expect(caught, `${what} did not throw`).toBeInstanceOf(ErrorType);
      expect(caught).toBeInstanceOf(DendriteError);
      expect((caught as Error).message).toMatch(message);
      expect((caught as Error).name).toBe(ErrorType.name);
    });
  }
});

describe('the error classes', () => {
  it('all extend DendriteError and Error and carry their class name', () => {
    for (const E of [ShapeError, DTypeError, IndexError, ValueError, DisposedError, BackendError]) {
      const e = new E('x: y');
      expect(e).toBeInstanceOf(DendriteError);
      expect(e).toBeInstanceOf(Error);
      expect(e.name).toBe(E.name);
      expect(E.typeName).toBe(E.name); // what survives a minifier: checked bundled in @dendrite/gpt
      expect(e.message).toBe('x: y');
    }
  });

  it("a subclass of one's own is named by its own class, not the inherited typeName", () => {
    class ParseError extends ValueError {}
    class Renamed extends ValueError {
      static override readonly typeName = 'ConfigParseError';
    }
    expect(new ParseError('x').name).toBe('ParseError');
    expect(new Renamed('x').name).toBe('ConfigParseError');
    expect(typeNameOf(ShapeError)).toBe('ShapeError');
  });

  it('backend and disposal misuse are typed too', () => {
    const other: Backend = { ...cpuBackend, name: 'errors-other' };
    expect(() => zeros([1]).add(zeros([1], { backend: other }))).toThrow(BackendError);
    const t = zeros([1]);
    t.dispose();
    expect(() => t.neg()).toThrow(DisposedError);
  });
});
