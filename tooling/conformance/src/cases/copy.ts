import { type Backend, concat, cpuBackend, type DType, stack, tensor } from '@dendrite/tensor';
import { type ConformanceCase, customCase, goldenCase, readBack, recordOps, referenceCase } from '../case.js';
import { assertMatches, ConformanceError } from '../compare.js';
import { booleans, integers, normal, specials } from '../inputs.js';

const EXACT = { rtol: 0, atol: 0 };

/** [from, to, how the input is made]. */
const CASTS: [DType, DType, 'normal' | 'integral' | 'bool'][] = [
  ['float32', 'int32', 'normal'],
  ['float32', 'bool', 'integral'],
  ['float64', 'int32', 'normal'],
  ['float64', 'float32', 'normal'],
  ['float32', 'float64', 'normal'],
  ['int32', 'float32', 'integral'],
  ['int32', 'float64', 'integral'],
  ['int32', 'bool', 'integral'],
  ['bool', 'float32', 'bool'],
  ['bool', 'int32', 'bool'],
];

const CAST: ConformanceCase[] = [
  ...CASTS.map(([from, to, kind]) =>
    referenceCase('copy', {
      name: `cast: ${from} → ${to}`,
      ops: ['cast'],
      family: 'exact',
      dtypes: [from, to],
      inputs: (g) => {
        if (kind === 'bool') return [booleans(g, [4, 6])];
        if (kind === 'integral') return [integers(g, [4, 6], -2, 3, from)];
        return [normal(g, [4, 6], from as 'float32' | 'float64', 10)];
      },
      compute: ([x]) => [x.to(to), x.mT.to(to)],
    }),
  ),
  referenceCase('copy', {
    name: 'cast: float32 special values → bool (NaN is true)',
    ops: ['cast'],
    family: 'exact',
    dtypes: ['float32', 'bool'],
    inputs: () => [specials('float32')],
    compute: ([x]) => x.to('bool'),
  }),
  referenceCase('copy', {
    name: 'cast: rank-4 strided float32 → int32 truncates toward zero',
    ops: ['cast'],
    family: 'exact',
    dtypes: ['float32', 'int32'],
    inputs: (g) => [normal(g, [2, 3, 4, 10], 'float32', 5)],
    compute: ([x]) => x.slice(3, 1, null, 3).permute(2, 0, 3, 1).int(),
  }),
];

/** The tensor moves CPU → backend (and back when it can read synchronously) without changing a value. */
const TO_BACKEND = customCase('copy', {
  name: 'toBackend: CPU → backend → CPU keeps every value, for every dtype',
  ops: ['toBackend'],
  dtypes: [],
  async run({ backend }) {
    // On the CPU itself `to(cpu)` is a no-op: move to a copy of it so the op really runs.
    const target: Backend =
      backend === cpuBackend ? { ...cpuBackend, name: 'cpu-conformance-copy' } : backend;
    for (const dtype of ['float32', 'float64', 'int32', 'bool'] as const) {
      if (!target.dtypes.has(dtype)) continue;
      const values = dtype === 'bool' ? [1, 0, 1, 1, 0, 0] : [1.5, -2, 0, 7, -0.25, 3];
      const host = tensor(dtype === 'int32' ? values.map(Math.trunc) : values, {
        backend: cpuBackend,
        dtype,
        shape: [2, 3],
      });
      const { result: moved, ops } = recordOps(() => host.to(target));
      if (!ops.has('toBackend')) throw new ConformanceError(`toBackend (${dtype}): the op was not emitted`);
      if (moved.backend !== target)
        throw new ConformanceError(`toBackend (${dtype}): result is on '${moved.backend.name}'`);
      const want = await readBack(host);
      assertMatches(`toBackend ${dtype}: CPU → ${target.name}`, await readBack(moved), want, EXACT);
      assertMatches(
        `toBackend ${dtype}: transposed view`,
        await readBack(moved.mT),
        await readBack(host.mT),
        EXACT,
      );
      if (target.canReadSync) {
        const back = moved.to(cpuBackend);
        assertMatches(`toBackend ${dtype}: ${target.name} → CPU`, await readBack(back), want, EXACT);
        back.dispose();
      }
      moved.dispose();
      host.dispose();
    }
  },
});

const VIEWS: ConformanceCase[] = [
  referenceCase('views', {
    name: 'reshape: a contiguous rank-4 tensor is viewed, a permuted one is copied',
    ops: ['reshape'],
    family: 'exact',
    dtypes: ['float32'],
    inputs: (g) => [normal(g, [2, 3, 4, 5])],
    compute: ([x]) => [x.reshape(6, 20), x.permute(3, 1, 0, 2).reshape(5, -1), x.mT.flatten()],
  }),
  referenceCase('views', {
    name: 'reshape: int32 and bool',
    ops: ['reshape'],
    family: 'exact',
    dtypes: ['int32', 'bool'],
    inputs: (g) => [integers(g, [4, 6], -9, 9), booleans(g, [4, 6])],
    compute: ([i, b]) => [i.mT.reshape(3, 8), b.mT.reshape(-1)],
  }),
  referenceCase('views', {
    name: 'permute: rank-4 read through the backend’s strided copy, and fed to a kernel',
    ops: ['permute'],
    family: 'exact',
    dtypes: ['float64', 'int32'],
    inputs: (g) => [normal(g, [2, 3, 4, 5], 'float64'), integers(g, [3, 4, 5, 2], -9, 9)],
    compute: ([x, i]) => [
      x.permute(3, 1, 0, 2),
      x.permute(1, 2, 3, 0).maximum(i.to('float64')),
      i.permute(0, 3, 2, 1),
    ],
  }),
  referenceCase('views', {
    name: 'slice: steps, negative bounds and offsets',
    ops: ['slice'],
    family: 'exact',
    dtypes: ['float32', 'bool'],
    inputs: (g) => [normal(g, [7, 11]), booleans(g, [5, 9])],
    compute: ([x, b]) => [
      x.slice(1, -7, null, 2),
      x.slice(0, 1, -1, 3).slice(1, 2, 9),
      x.narrow(1, 4, 3).select(0, -1),
      b.slice(1, null, null, 4),
    ],
  }),
  referenceCase('views', {
    name: 'expand: stride-0 dims read back and fed to a kernel',
    ops: ['expand'],
    family: 'exact',
    dtypes: ['float32', 'int32'],
    inputs: (g) => [normal(g, [3, 1, 4]), integers(g, [1, 5], -9, 9)],
    compute: ([x, i]) => [x.expand(2, 3, 5, 4), x.expand(3, 6, 4).mul(1), i.expand(4, 5)],
  }),
  referenceCase('views', {
    name: 'contiguous: rank-4 permuted float32 and sliced int32',
    ops: ['contiguous'],
    family: 'exact',
    dtypes: ['float32', 'int32'],
    inputs: (g) => [normal(g, [2, 3, 4, 5]), integers(g, [6, 8], -9, 9)],
    compute: ([x, i]) => [x.permute(2, 0, 3, 1).contiguous(), i.slice(1, 1, null, 3).contiguous()],
  }),
  referenceCase('views', {
    name: 'clone: contiguous, strided and bool inputs',
    ops: ['clone'],
    family: 'exact',
    dtypes: ['float64', 'bool'],
    inputs: (g) => [normal(g, [4, 5], 'float64'), booleans(g, [3, 3])],
    compute: ([x, b]) => [x.clone(), x.mT.slice(0, 1, null, 2).clone(), b.clone()],
  }),
];

const JOIN: ConformanceCase[] = [
  referenceCase('join', {
    name: 'concat: float32 along axis 1, one input transposed',
    ops: ['concat'],
    family: 'exact',
    dtypes: ['float32'],
    inputs: (g) => [normal(g, [4, 3]), normal(g, [5, 4]), normal(g, [4, 1])],
    compute: ([a, b, c]) => concat([a, b.mT, c], 1),
  }),
  referenceCase('join', {
    name: 'concat: rank-4 float64 along axis 2, and stack',
    ops: ['concat'],
    family: 'exact',
    dtypes: ['float64'],
    inputs: (g) => [normal(g, [2, 3, 4, 5], 'float64'), normal(g, [2, 3, 1, 5], 'float64')],
    compute: ([a, b]) => [concat([a, b, a], 2), stack([a, a.neg()], 1)],
  }),
  referenceCase('join', {
    name: 'concat: int32, bool, and mixed int32 + float32',
    ops: ['concat'],
    family: 'exact',
    dtypes: ['int32', 'bool', 'float32'],
    inputs: (g) => [
      integers(g, [3, 2], -9, 9),
      integers(g, [1, 2], -9, 9),
      booleans(g, [2, 5]),
      normal(g, [2, 2]),
    ],
    compute: ([i, j, b, f]) => [
      concat([i, j, i]),
      concat([b, b.slice(1, 0, 2)], 1),
      concat([i.slice(0, 0, 2), f], 1),
    ],
  }),
];

const on = (backend: Backend) => ({ backend });

const GOLDEN: ConformanceCase[] = [
  goldenCase('golden: copy', {
    name: 'cast truncates toward zero; bool is x ≠ 0',
    ops: ['cast'],
    family: 'exact',
    dtypes: ['float32', 'int32', 'bool'],
    compute: (b) => {
      const x = tensor([-2.75, -0.5, 0, 0.5, 2.75], on(b));
      return [x.int(), x.to('bool'), tensor([true, false], on(b)).float()];
    },
    expected: [
      { shape: [5], dtype: 'int32', values: [-2, 0, 0, 0, 2] },
      { shape: [5], dtype: 'bool', values: [1, 1, 0, 1, 1] },
      { shape: [2], dtype: 'float32', values: [1, 0] },
    ],
  }),
  goldenCase('golden: copy', {
    name: 'transpose, stepped slice, expand and concat move the right values',
    ops: ['permute', 'slice', 'expand', 'concat', 'contiguous'],
    family: 'exact',
    dtypes: ['float32'],
    compute: (b) => {
      const x = tensor(
        [
          [0, 1, 2],
          [3, 4, 5],
        ],
        on(b),
      );
      return [
        x.mT.contiguous(),
        x.slice(1, 0, null, 2),
        tensor([[7], [8]], on(b)).expand(2, 3),
        concat([x, x.slice(0, 1)], 0),
      ];
    },
    expected: [
      { shape: [3, 2], dtype: 'float32', values: [0, 3, 1, 4, 2, 5] },
      { shape: [2, 2], dtype: 'float32', values: [0, 2, 3, 5] },
      { shape: [2, 3], dtype: 'float32', values: [7, 7, 7, 8, 8, 8] },
      { shape: [3, 3], dtype: 'float32', values: [0, 1, 2, 3, 4, 5, 3, 4, 5] },
    ],
  }),
];

/** Casts, moves between backends, views read back through the backend, copies and joins. */
export const COPY_CASES: readonly ConformanceCase[] = [...CAST, TO_BACKEND, ...VIEWS, ...JOIN, ...GOLDEN];
