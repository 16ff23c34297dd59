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
} from '@dendrite/tensor';
import { type ConformanceCase, creationCase, goldenCase } from '../case.js';

const CREATION: ConformanceCase[] = [
  creationCase('creation', {
    name: 'tensor() from nested arrays (float32) and scalar()',
    dtypes: ['float32'],
    make: (backend) => [
      tensor(
        [
          [1.5, -2],
          [0, 3e-8],
        ],
        { backend },
      ),
      scalar(-0.25, { backend }),
    ],
  }),
  creationCase('creation', {
    name: 'tensor() from an Int32Array with a shape',
    dtypes: ['int32'],
    make: (backend) =>
      tensor(new Int32Array([5, -7, 2147483647, -2147483648, 0, 1]), { backend, shape: [3, 2] }),
  }),
  creationCase('creation', {
    name: 'tensor() of booleans',
    dtypes: ['bool'],
    make: (backend) => [
      tensor([true, false, true], { backend }),
      tensor(new Uint8Array([0, 1]), { backend }),
    ],
  }),
  creationCase('creation', {
    name: 'tensor() float64 keeps full precision',
    dtypes: ['float64'],
    make: (backend) => tensor([0.1, 1e-300, -1e300], { backend, dtype: 'float64' }),
  }),
  ...(['float32', 'float64', 'int32', 'bool'] as const).map((dtype) =>
    creationCase('creation', {
      name: `zeros, ones, full: ${dtype}`,
      dtypes: [dtype],
      make: (backend) => [
        zeros([2, 3], { backend, dtype }),
        ones([2, 3], { backend, dtype }),
        full([3], dtype === 'bool' ? 1 : -7, { backend, dtype }),
      ],
    }),
  ),
  creationCase('creation', {
    name: 'zeros and ones of 1500 elements, and an empty tensor',
    dtypes: ['float32'],
    make: (backend) => [zeros([1500], { backend }), ones([3, 500], { backend }), zeros([0, 3], { backend })],
  }),
  creationCase('creation', {
    name: 'zerosLike, onesLike, fullLike',
    dtypes: ['int32', 'float32'],
    make: (backend) => {
      const base = tensor([[1, 2, 3]], { backend, dtype: 'int32' });
      return [zerosLike(base), onesLike(base), fullLike(base, 4, { dtype: 'float32' })];
    },
  }),
  creationCase('creation', {
    name: 'arange: int32 and float32',
    dtypes: ['int32', 'float32'],
    make: (backend) => [
      arange(0, 12, 1, { backend }),
      arange(-3, 3, 0.5, { backend }),
      arange(10, 0, -3, { backend }),
    ],
  }),
  creationCase('creation', {
    name: 'linspace and eye',
    dtypes: ['float32'],
    make: (backend) => [linspace(-1, 1, 7, { backend }), eye(4, 6, { backend })],
  }),
  creationCase('creation', {
    name: 'rand and randn with a seeded generator give the CPU’s numbers',
    dtypes: ['float32'],
    make: (backend, g) => [rand([40, 30], { backend, generator: g }), randn([30], { backend, generator: g })],
  }),
  creationCase('creation', {
    name: 'randn float64 and randint',
    dtypes: ['float64', 'int32'],
    make: (backend, g) => [
      randn([1200], { backend, generator: g, dtype: 'float64' }),
      randint(-5, 5, [1200], { backend, generator: g }),
    ],
  }),
  creationCase('creation', {
    name: 'randLike and randnLike follow the template',
    dtypes: ['float32'],
    make: (backend, g) => {
      const base = zeros([3, 4], { backend });
      return [randLike(base, { generator: g }), randnLike(base, { generator: g })];
    },
  }),
];

const GOLDEN: ConformanceCase[] = [
  goldenCase('golden: creation', {
    name: 'arange, linspace, eye, full at known values',
    ops: [],
    family: 'exact',
    dtypes: ['int32', 'float32'],
    compute: (backend) => [
      arange(5, undefined, 1, { backend }),
      linspace(0, 1, 5, { backend }),
      eye(2, 3, { backend }),
      full([2], -1.5, { backend }),
    ],
    expected: [
      { shape: [5], dtype: 'int32', values: [0, 1, 2, 3, 4] },
      { shape: [5], dtype: 'float32', values: [0, 0.25, 0.5, 0.75, 1] },
      { shape: [2, 3], dtype: 'float32', values: [1, 0, 0, 0, 1, 0] },
      { shape: [2], dtype: 'float32', values: [-1.5, -1.5] },
    ],
  }),
];

/** Every creation function, called with `{ backend }`, against the same call on the CPU. */
export const CREATION_CASES: readonly ConformanceCase[] = [...CREATION, ...GOLDEN];
