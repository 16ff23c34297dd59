import {
  applyBinary,
  applyUnary,
  type Backend,
  BINARY_OPS,
  type BinaryOp,
  binarySpec,
  type DType,
  type Generator,
  softplus,
  type Tensor,
  type TestRange,
  tensor,
  UNARY_OPS,
  type UnaryOp,
  unarySpec,
  where,
} from '@dendrite/tensor';
import { type ConformanceCase, goldenCase, referenceCase } from '../case.js';
import { booleans, integers, normal, specials, uniform } from '../inputs.js';

/** Float values in a spec's test range: small integers where the range is integral (ties), else uniform. */
function inRange(g: Generator, range: TestRange, shape: number[], dtype: 'float32' | 'float64'): Tensor {
  return range.integral
    ? integers(g, shape, range.low, range.high, dtype)
    : uniform(g, shape, range.low, range.high, dtype);
}

/** int32 inputs in a spec's test range, clipped to [−limit, limit]. */
function intsInRange(g: Generator, range: TestRange, shape: number[], limit: number): Tensor {
  const low = Math.max(Math.ceil(range.low), -limit);
  const high = Math.min(range.integral ? range.high : Math.floor(range.high) + 1, limit + 1);
  return integers(g, shape, low, high);
}

/** The cases of a unary op, from its spec: float inputs in its test range, its dtype rule, special values. */
function unaryCases(op: UnaryOp): ConformanceCase[] {
  const spec = unarySpec(op);
  const u = { op, fn: (x: Tensor) => applyUnary(op, x) };
  const values = (g: Generator, shape: number[], dtype: 'float32' | 'float64') =>
    inRange(g, spec.domain, shape, dtype);
  const base = { ops: [op], family: spec.tolerance };
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
  if (spec.dtype === 'int-preserving') {
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
        inputs: (g) => [intsInRange(g, spec.domain, [3, 5], 4)],
        compute: ([x]) => u.fn(x),
      }),
    );
  }
  return cases;
}

/** The cases of a binary op, from its spec: operands in its test ranges, broadcast, strided, int32, bool, a number. */
function binaryCases(op: BinaryOp): ConformanceCase[] {
  const { domain, tolerance } = binarySpec(op);
  const s = { op, fn: (a: Tensor, b: Tensor | number) => applyBinary(op, a, b), scalar: domain.scalar };
  const base = { ops: [op], family: tolerance };
  const operand = (g: Generator, which: 'a' | 'b', shape: number[], dtype: 'float32' | 'float64') =>
    inRange(g, domain[which], shape, dtype);
  const ints = (g: Generator, shape: number[], which: 'a' | 'b') => intsInRange(g, domain[which], shape, 20);
  return [
    referenceCase('binary', {
      ...base,
      name: `${s.op}: float32 broadcast [3,1,5] with [4,1]`,
      dtypes: ['float32'],
      inputs: (g) => [operand(g, 'a', [3, 1, 5], 'float32'), operand(g, 'b', [4, 1], 'float32')],
      compute: ([a, b]) => s.fn(a, b),
    }),
    referenceCase('binary', {
      ...base,
      name: `${s.op}: float64 rank-4 permuted with a transposed [4,5]`,
      dtypes: ['float64'],
      inputs: (g) => [operand(g, 'a', [2, 3, 5, 4], 'float64'), operand(g, 'b', [5, 4], 'float64')],
      compute: ([a, b]) => s.fn(a.permute(0, 1, 3, 2), b.mT),
    }),
    referenceCase('binary', {
      ...base,
      name: `${s.op}: float32 [37,41], sliced and expanded operands`,
      dtypes: ['float32'],
      inputs: (g) => [operand(g, 'a', [37, 82], 'float32'), operand(g, 'b', [1, 41], 'float32')],
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
      inputs: (g) => [operand(g, 'a', [3, 4], 'float32'), integers(g, [5], -3, 4)],
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

/** Composite ops: no kernel of their own, but a chain of primitives a backend must get right together. */
const COMPOSITE: ConformanceCase[] = [
  referenceCase('composite', {
    name: 'softplus: float32, β = 1 and β = 2 with threshold 5, both sides of the threshold',
    ops: ['exp', 'log1p', 'where'],
    family: 'transcendental',
    dtypes: ['float32', 'bool'],
    inputs: (g) => [uniform(g, [6, 7], -30, 30)],
    compute: ([x]) => [softplus(x), softplus(x, { beta: 2, threshold: 5 })],
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
  ...UNARY_OPS.flatMap(unaryCases),
  ...BINARY_OPS.flatMap(binaryCases),
  ...WHERE,
  ...COMPOSITE,
  ...GOLDEN,
];
