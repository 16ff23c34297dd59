import { type Backend, type DType, type Tensor, tensor, where } from '@dendrite/tensor';
import { type ConformanceCase, goldenCase, referenceCase } from '../case.js';
import { booleans, integers, normal, specials, uniform } from '../inputs.js';
import type { OpFamily } from '../tolerances.js';

interface UnarySpec {
  op: string;
  fn: (x: Tensor) => Tensor;
  family: OpFamily;
  /** Inputs must be positive (log, sqrt, rsqrt). */
  positive?: boolean;
  /** Keeps int32 (neg, abs, sign); bool inputs become int32. */
  intPreserving?: boolean;
}

const UNARY: UnarySpec[] = [
  { op: 'neg', fn: (x) => x.neg(), family: 'elementwise', intPreserving: true },
  { op: 'abs', fn: (x) => x.abs(), family: 'elementwise', intPreserving: true },
  { op: 'sign', fn: (x) => x.sign(), family: 'elementwise', intPreserving: true },
  { op: 'relu', fn: (x) => x.relu(), family: 'elementwise' },
  { op: 'exp', fn: (x) => x.exp(), family: 'transcendental' },
  { op: 'log', fn: (x) => x.log(), family: 'transcendental', positive: true },
  { op: 'sqrt', fn: (x) => x.sqrt(), family: 'transcendental', positive: true },
  { op: 'rsqrt', fn: (x) => x.rsqrt(), family: 'transcendental', positive: true },
  { op: 'tanh', fn: (x) => x.tanh(), family: 'transcendental' },
  { op: 'sigmoid', fn: (x) => x.sigmoid(), family: 'transcendental' },
  { op: 'gelu', fn: (x) => x.gelu(), family: 'transcendental' },
  { op: 'gelu_tanh', fn: (x) => x.gelu({ approximate: 'tanh' }), family: 'transcendental' },
  { op: 'sin', fn: (x) => x.sin(), family: 'transcendental' },
  { op: 'cos', fn: (x) => x.cos(), family: 'transcendental' },
  { op: 'erf', fn: (x) => x.erf(), family: 'transcendental' },
];

function unaryCases(u: UnarySpec): ConformanceCase[] {
  const values = (g: Parameters<typeof normal>[0], shape: number[], dtype: 'float32' | 'float64') =>
    u.positive ? uniform(g, shape, 0.05, 6, dtype) : normal(g, shape, dtype, 2);
  const base = { ops: [u.op], family: u.family };
  const cases = [
    referenceCase('unary', {
      ...base,
      name: `${u.op}: float32 [7,5]`,
      dtypes: ['float32'],
      inputs: (g) => [values(g, [7, 5], 'float32')],
      compute: ([x]) => u.fn(x),
    }),
    referenceCase('unary', {
      ...base,
      name: `${u.op}: float64 rank-4, permuted`,
      dtypes: ['float64'],
      inputs: (g) => [values(g, [2, 3, 4, 5], 'float64')],
      compute: ([x]) => u.fn(x.permute(0, 2, 3, 1)),
    }),
    referenceCase('unary', {
      ...base,
      name: `${u.op}: float32 rank-4 [2,4,16,16], sliced with step 2`,
      dtypes: ['float32'],
      inputs: (g) => [values(g, [2, 4, 16, 32], 'float32')],
      compute: ([x]) => u.fn(x.slice(3, 1, null, 2)),
    }),
    referenceCase('unary', {
      ...base,
      name: `${u.op}: special values (NaN, ±inf, ±0)`,
      dtypes: ['float32'],
      inputs: () => [specials('float32')],
      compute: ([x]) => u.fn(x),
    }),
  ];
  if (u.intPreserving) {
    cases.push(
      referenceCase('unary', {
        ...base,
        name: `${u.op}: int32 stays int32`,
        dtypes: ['int32'],
        inputs: (g) => [integers(g, [6, 4], -50, 50)],
        compute: ([x]) => u.fn(x.mT),
      }),
      referenceCase('unary', {
        ...base,
        name: `${u.op}: bool counts as int32`,
        dtypes: ['bool', 'int32'],
        inputs: (g) => [booleans(g, [9])],
        compute: ([x]) => u.fn(x),
      }),
    );
  } else {
    cases.push(
      referenceCase('unary', {
        ...base,
        name: `${u.op}: int32 input computes in float32`,
        dtypes: ['int32', 'float32'],
        inputs: (g) => [integers(g, [3, 5], u.positive ? 1 : -4, 5)],
        compute: ([x]) => u.fn(x),
      }),
    );
  }
  return cases;
}

interface BinarySpec {
  op: string;
  fn: (a: Tensor, b: Tensor | number) => Tensor;
  family: OpFamily;
  /** Input ranges for [a, b] as float values. */
  a?: 'normal' | 'positive' | 'integral';
  b?: 'normal' | 'positive' | 'integral' | 'exponent';
  scalar: number;
}

const BINARY: BinarySpec[] = [
  { op: 'add', fn: (a, b) => a.add(b), family: 'elementwise', scalar: 1.5 },
  { op: 'sub', fn: (a, b) => a.sub(b), family: 'elementwise', scalar: -2.25 },
  { op: 'mul', fn: (a, b) => a.mul(b), family: 'elementwise', scalar: 3 },
  { op: 'div', fn: (a, b) => a.div(b), family: 'elementwise', b: 'positive', scalar: 7 },
  { op: 'pow', fn: (a, b) => a.pow(b), family: 'transcendental', a: 'positive', b: 'exponent', scalar: 2 },
  {
    op: 'maximum',
    fn: (a, b) => a.maximum(b),
    family: 'elementwise',
    a: 'integral',
    b: 'integral',
    scalar: 0,
  },
  {
    op: 'minimum',
    fn: (a, b) => a.minimum(b),
    family: 'elementwise',
    a: 'integral',
    b: 'integral',
    scalar: 0,
  },
  { op: 'eq', fn: (a, b) => a.eq(b), family: 'exact', a: 'integral', b: 'integral', scalar: 1 },
  { op: 'ne', fn: (a, b) => a.ne(b), family: 'exact', a: 'integral', b: 'integral', scalar: 1 },
  { op: 'lt', fn: (a, b) => a.lt(b), family: 'exact', a: 'integral', b: 'integral', scalar: 0.5 },
  { op: 'le', fn: (a, b) => a.le(b), family: 'exact', a: 'integral', b: 'integral', scalar: 0 },
  { op: 'gt', fn: (a, b) => a.gt(b), family: 'exact', a: 'integral', b: 'integral', scalar: -0.5 },
  { op: 'ge', fn: (a, b) => a.ge(b), family: 'exact', a: 'integral', b: 'integral', scalar: 2 },
];

function operand(
  g: Parameters<typeof normal>[0],
  kind: BinarySpec['a'] | BinarySpec['b'],
  shape: number[],
  dtype: 'float32' | 'float64',
): Tensor {
  switch (kind) {
    case 'positive':
      return uniform(g, shape, 0.5, 3, dtype);
    case 'integral':
      return integers(g, shape, -3, 4, dtype);
    case 'exponent':
      return uniform(g, shape, -2, 3, dtype);
    default:
      return normal(g, shape, dtype, 2);
  }
}

function binaryCases(s: BinarySpec): ConformanceCase[] {
  const base = { ops: [s.op], family: s.family };
  const ints = (g: Parameters<typeof normal>[0], shape: number[], which: 'a' | 'b') => {
    if (s.op === 'pow') return which === 'a' ? integers(g, shape, -5, 6) : integers(g, shape, 0, 4);
    if (s.op === 'div' && which === 'b') return integers(g, shape, 1, 7);
    return integers(g, shape, -20, 20);
  };
  return [
    referenceCase('binary', {
      ...base,
      name: `${s.op}: float32 broadcast [3,1,5] with [4,1]`,
      dtypes: ['float32'],
      inputs: (g) => [operand(g, s.a, [3, 1, 5], 'float32'), operand(g, s.b, [4, 1], 'float32')],
      compute: ([a, b]) => s.fn(a, b),
    }),
    referenceCase('binary', {
      ...base,
      name: `${s.op}: float64 rank-4 permuted with a transposed [4,5]`,
      dtypes: ['float64'],
      inputs: (g) => [operand(g, s.a, [2, 3, 5, 4], 'float64'), operand(g, s.b, [5, 4], 'float64')],
      compute: ([a, b]) => s.fn(a.permute(0, 1, 3, 2), b.mT),
    }),
    referenceCase('binary', {
      ...base,
      name: `${s.op}: float32 [37,41], sliced and expanded operands`,
      dtypes: ['float32'],
      inputs: (g) => [operand(g, s.a, [37, 82], 'float32'), operand(g, s.b, [1, 41], 'float32')],
      compute: ([a, b]) => s.fn(a.slice(1, 0, null, 2), b.expand(37, 41)),
    }),
    referenceCase('binary', {
      ...base,
      name: `${s.op}: int32 broadcast [4,6] with [6]`,
      dtypes: ['int32', ...(s.op === 'div' ? (['float32'] as DType[]) : [])],
      inputs: (g) => [ints(g, [4, 6], 'a'), ints(g, [6], 'b')],
      compute: ([a, b]) => s.fn(a, b),
    }),
    referenceCase('binary', {
      ...base,
      name: `${s.op}: bool operands`,
      dtypes: ['bool', 'int32', 'float32'],
      inputs: (g) => [booleans(g, [5, 3]), booleans(g, [5, 3])],
      compute: ([a, b]) => s.fn(a, b),
    }),
    referenceCase('binary', {
      ...base,
      name: `${s.op}: a number operand`,
      dtypes: ['float32', 'int32'],
      inputs: (g) => [operand(g, s.a, [3, 4], 'float32'), integers(g, [5], -3, 4)],
      compute: ([a, i]) => [s.fn(a, s.scalar), s.fn(i, s.scalar)],
    }),
    referenceCase('binary', {
      ...base,
      name: `${s.op}: special values (NaN, ±inf, ±0)`,
      dtypes: ['float32'],
      inputs: () => [specials('float32'), specials('float32', true)],
      compute: ([a, b]) => s.fn(a, b),
    }),
  ];
}

const WHERE: ConformanceCase[] = [
  referenceCase('select', {
    name: 'where: float32, condition [4,1], a [4,5], b [5]',
    ops: ['where'],
    family: 'exact',
    dtypes: ['bool', 'float32'],
    inputs: (g) => [booleans(g, [4, 1]), normal(g, [4, 5]), normal(g, [5])],
    compute: ([c, a, b]) => where(c, a, b),
  }),
  referenceCase('select', {
    name: 'where: rank-4 permuted values, int32 and a number',
    ops: ['where'],
    family: 'exact',
    dtypes: ['bool', 'int32'],
    inputs: (g) => [booleans(g, [2, 1, 4, 5]), integers(g, [2, 3, 5, 4], -9, 9)],
    compute: ([c, a]) => where(c, a.permute(0, 1, 3, 2), 7),
  }),
  referenceCase('select', {
    name: 'where: bool values, strided condition',
    ops: ['where'],
    family: 'exact',
    dtypes: ['bool'],
    inputs: (g) => [booleans(g, [6, 8]), booleans(g, [3, 8]), booleans(g, [8])],
    compute: ([c, a, b]) => where(c.slice(0, 0, null, 2), a, b),
  }),
  referenceCase('select', {
    name: 'where: float64 with NaN values',
    ops: ['where'],
    family: 'exact',
    dtypes: ['bool', 'float64'],
    inputs: (g) => [booleans(g, [10]), specials('float64'), normal(g, [10], 'float64')],
    compute: ([c, a, b]) => where(c, a, b),
  }),
];

const on = (backend: Backend) => ({ backend });

const GOLDEN: ConformanceCase[] = [
  goldenCase('golden: elementwise', {
    name: 'add broadcasts a row over a matrix',
    ops: ['add'],
    family: 'elementwise',
    dtypes: ['float32'],
    compute: (b) =>
      tensor(
        [
          [1, 2, 3],
          [4, 5, 6],
        ],
        on(b),
      ).add(tensor([10, 20, 30], on(b))),
    expected: { shape: [2, 3], dtype: 'float32', values: [11, 22, 33, 14, 25, 36] },
  }),
  goldenCase('golden: elementwise', {
    name: 'int32 arithmetic: 7 − 2, 7 × 2, 7 ÷ 2 = 3.5 (float32), max and min',
    ops: ['sub', 'mul', 'div', 'maximum', 'minimum'],
    family: 'elementwise',
    dtypes: ['int32', 'float32'],
    compute: (b) => {
      const x = tensor([7, -7], { ...on(b), dtype: 'int32' });
      const y = tensor([2, 2], { ...on(b), dtype: 'int32' });
      return [x.sub(y), x.mul(y), x.div(y), x.maximum(y), x.minimum(y)];
    },
    expected: [
      { shape: [2], dtype: 'int32', values: [5, -9] },
      { shape: [2], dtype: 'int32', values: [14, -14] },
      { shape: [2], dtype: 'float32', values: [3.5, -3.5] },
      { shape: [2], dtype: 'int32', values: [7, 2] },
      { shape: [2], dtype: 'int32', values: [2, -7] },
    ],
  }),
  goldenCase('golden: elementwise', {
    name: 'bool max and min stay bool (or, and); where of two numbers',
    ops: ['maximum', 'minimum', 'where'],
    family: 'exact',
    dtypes: ['bool', 'int32', 'float32'],
    compute: (b) => {
      const p = tensor([true, true, false, false], on(b));
      const q = tensor([true, false, true, false], on(b));
      return [p.maximum(q), p.minimum(q), where(p, 7, -1), where(q, 0.5, 2)];
    },
    expected: [
      { shape: [4], dtype: 'bool', values: [1, 1, 1, 0] },
      { shape: [4], dtype: 'bool', values: [1, 0, 0, 0] },
      { shape: [4], dtype: 'int32', values: [7, 7, -1, -1] },
      { shape: [4], dtype: 'float32', values: [0.5, 2, 0.5, 2] },
    ],
  }),
  goldenCase('golden: elementwise', {
    name: 'neg, abs, sign, relu and where, with NaN kept',
    ops: ['neg', 'abs', 'sign', 'relu', 'where'],
    family: 'elementwise',
    dtypes: ['float32', 'bool'],
    compute: (b) => {
      const x = tensor([-2.5, 0.5, Number.NaN], on(b));
      return [x.neg(), x.abs(), x.sign(), x.relu(), where(tensor([true, false, true], on(b)), x, 9)];
    },
    expected: [
      { shape: [3], dtype: 'float32', values: [2.5, -0.5, Number.NaN] },
      { shape: [3], dtype: 'float32', values: [2.5, 0.5, Number.NaN] },
      { shape: [3], dtype: 'float32', values: [-1, 1, Number.NaN] },
      { shape: [3], dtype: 'float32', values: [0, 0.5, Number.NaN] },
      { shape: [3], dtype: 'float32', values: [-2.5, 9, Number.NaN] },
    ],
  }),
  goldenCase('golden: elementwise', {
    name: 'comparisons give bool, NaN compares unequal',
    ops: ['eq', 'ne', 'lt', 'le', 'gt', 'ge'],
    family: 'exact',
    dtypes: ['float32', 'bool'],
    compute: (b) => {
      const x = tensor([1, 2, 3, Number.NaN], on(b));
      const y = tensor([2, 2, 2, Number.NaN], on(b));
      return [x.eq(y), x.ne(y), x.lt(y), x.le(y), x.gt(y), x.ge(y)];
    },
    expected: [
      { shape: [4], dtype: 'bool', values: [0, 1, 0, 0] },
      { shape: [4], dtype: 'bool', values: [1, 0, 1, 1] },
      { shape: [4], dtype: 'bool', values: [1, 0, 0, 0] },
      { shape: [4], dtype: 'bool', values: [1, 1, 0, 0] },
      { shape: [4], dtype: 'bool', values: [0, 0, 1, 0] },
      { shape: [4], dtype: 'bool', values: [0, 1, 1, 0] },
    ],
  }),
  goldenCase('golden: transcendental', {
    name: 'exp, log, sqrt, rsqrt, pow at known points',
    ops: ['exp', 'log', 'sqrt', 'rsqrt', 'pow'],
    family: 'transcendental',
    dtypes: ['float32'],
    compute: (b) => {
      const x = tensor([1, 4, 0.25], on(b));
      return [x.exp(), x.log(), x.sqrt(), x.rsqrt(), x.pow(tensor([3, 0.5, -1], on(b)))];
    },
    expected: [
      { shape: [3], dtype: 'float32', values: [Math.E, 54.598150033144236, 1.2840254166877414] },
      { shape: [3], dtype: 'float32', values: [0, 1.3862943611198906, -1.3862943611198906] },
      { shape: [3], dtype: 'float32', values: [1, 2, 0.5] },
      { shape: [3], dtype: 'float32', values: [1, 0.5, 2] },
      { shape: [3], dtype: 'float32', values: [1, 2, 4] },
    ],
  }),
  goldenCase('golden: transcendental', {
    name: 'tanh, sigmoid, gelu (exact and tanh), erf, sin, cos at known points',
    ops: ['tanh', 'sigmoid', 'gelu', 'gelu_tanh', 'erf', 'sin', 'cos'],
    family: 'transcendental',
    dtypes: ['float32'],
    compute: (b) => {
      const x = tensor([0, 1, -1], on(b));
      const angles = tensor([0, Math.PI / 2, Math.PI], on(b));
      return [
        x.tanh(),
        x.sigmoid(),
        x.gelu(),
        x.gelu({ approximate: 'tanh' }),
        x.erf(),
        angles.sin(),
        angles.cos(),
      ];
    },
    expected: [
      { shape: [3], dtype: 'float32', values: [0, 0.7615941559557649, -0.7615941559557649] },
      { shape: [3], dtype: 'float32', values: [0.5, 0.7310585786300049, 0.2689414213699951] },
      { shape: [3], dtype: 'float32', values: [0, 0.8413447460685429, -0.15865525393145707] },
      { shape: [3], dtype: 'float32', values: [0, 0.8411919906082768, -0.15880800939172324] },
      { shape: [3], dtype: 'float32', values: [0, 0.8427007929497149, -0.8427007929497149] },
      { shape: [3], dtype: 'float32', values: [0, 1, 0] },
      { shape: [3], dtype: 'float32', values: [1, 0, -1] },
    ],
  }),
];

/** Element-wise cases: every unary and binary op, where; float32/64, int32, bool, strided, special values. */
export const ELEMENTWISE_CASES: readonly ConformanceCase[] = [
  ...UNARY.flatMap(unaryCases),
  ...BINARY.flatMap(binaryCases),
  ...WHERE,
  ...GOLDEN,
];
