import {
  type Backend,
  cpuBackend,
  type DType,
  Generator,
  setOpHook,
  type Tensor,
  tidy,
} from '@dendrite/tensor';
import { assertMatches, ConformanceError, type HostTensor } from './compare.js';
import { seedOf } from './inputs.js';
import { type OpFamily, type ToleranceOverrides, toleranceFor } from './tolerances.js';

/** What a case needs to know about the run. */
export interface CaseContext {
  /** The backend under test. */
  readonly backend: Backend;
  /** Tolerance overrides from `runConformance` options. */
  readonly tolerances: ToleranceOverrides;
}

/** One conformance check: a titled, self-contained async run against a backend. */
export interface ConformanceCase {
  /** The test title; unique across the suite. */
  readonly name: string;
  /** The describe block it belongs to (an op family or concern). */
  readonly group: string;
  /**
   * Primitive ops (names from `listOps()`) the case covers. The run on the backend under test must
   * emit each of them, so a case cannot claim coverage it does not give.
   */
  readonly ops: readonly string[];
  /** dtypes the case stores on the backend; it is skipped where the backend lacks one. */
  readonly dtypes: readonly DType[];
  /** `reference`: compared with the CPU backend; `golden`: compared with hand-computed values. */
  readonly kind: 'reference' | 'golden';
  run(ctx: CaseContext): Promise<void>;
}

type Outputs = Tensor | readonly Tensor[];

const asList = (out: Outputs): Tensor[] => (Array.isArray(out) ? [...out] : [out as Tensor]);

/** Runs `fn` while recording the names of the primitive ops it emits (other hooks still see them). */
export function recordOps<T>(fn: () => T): { result: T; ops: Set<string> } {
  const ops = new Set<string>();
  const prev = setOpHook((event) => {
    ops.add(event.op);
    prev?.(event);
  });
  try {
    return { result: fn(), ops };
  } finally {
    setOpHook(prev);
  }
}

/** Reads a tensor back to the host with `await t.data()` (device backends may not read synchronously). */
export async function readBack(t: Tensor): Promise<HostTensor> {
  return { shape: [...t.shape], dtype: t.dtype, values: await t.data() };
}

function checkEmitted(name: string, wanted: readonly string[], emitted: ReadonlySet<string>): void {
  const missing = wanted.filter((op) => !emitted.has(op));
  if (missing.length > 0) {
    throw new ConformanceError(
      `${name}: the case covers ${missing.join(', ')} but the run emitted only ${[...emitted].join(', ') || 'nothing'}`,
    );
  }
}

function disposeAll(...lists: Tensor[][]): void {
  for (const list of lists) for (const t of list) t.dispose();
}

export interface ReferenceSpec {
  name: string;
  /** Covered primitive ops; the first names the tolerance (see `toleranceFor`). */
  ops: readonly string[];
  family: OpFamily;
  dtypes: readonly DType[];
  /** Builds the inputs on the CPU from the case's own seeded generator. */
  inputs: (g: Generator) => Tensor[];
  /** The computation, run once on the CPU inputs and once on their copies on the backend under test. */
  compute: (xs: readonly Tensor[]) => Outputs;
}

/** A case that compares the backend with the CPU reference on the same deterministic inputs. */
export function referenceCase(group: string, spec: ReferenceSpec): ConformanceCase {
  return {
    name: spec.name,
    group,
    ops: spec.ops,
    dtypes: spec.dtypes,
    kind: 'reference',
    async run({ backend, tolerances }) {
      const cpuInputs = spec.inputs(new Generator(seedOf(spec.name)));
      const devInputs = cpuInputs.map((t) => t.to(backend));
      const expected = tidy(() => asList(spec.compute(cpuInputs)));
      const { result: actual, ops } = recordOps(() => tidy(() => asList(spec.compute(devInputs))));
      try {
        checkEmitted(spec.name, spec.ops, ops);
        if (actual.length !== expected.length) {
          throw new ConformanceError(`${spec.name}: ${actual.length} outputs, expected ${expected.length}`);
        }
        for (let i = 0; i < expected.length; i++) {
          const want = await readBack(expected[i]);
          const got = await readBack(actual[i]);
          const op = spec.ops[0] ?? spec.family;
          const label = expected.length > 1 ? `${spec.name} (output ${i})` : spec.name;
          assertMatches(label, got, want, toleranceFor(spec.family, op, want.dtype, tolerances));
        }
      } finally {
        disposeAll(actual, expected, devInputs, cpuInputs);
      }
    },
  };
}

/** Hand-computed expected values (row-major). */
export interface Golden {
  shape: readonly number[];
  dtype: DType;
  values: readonly number[];
}

export interface GoldenSpec {
  name: string;
  ops: readonly string[];
  family: OpFamily;
  dtypes: readonly DType[];
  /** Builds inputs directly on `backend` (e.g. `tensor([...], { backend })`) and computes. */
  compute: (backend: Backend) => Outputs;
  expected: Golden | readonly Golden[];
}

/** A case that checks the backend against values worked out by hand, so it means something on the CPU too. */
export function goldenCase(group: string, spec: GoldenSpec): ConformanceCase {
  return {
    name: spec.name,
    group,
    ops: spec.ops,
    dtypes: spec.dtypes,
    kind: 'golden',
    async run({ backend, tolerances }) {
      const { result: actual, ops } = recordOps(() => tidy(() => asList(spec.compute(backend))));
      const expected = Array.isArray(spec.expected) ? spec.expected : [spec.expected as Golden];
      try {
        checkEmitted(spec.name, spec.ops, ops);
        if (actual.length !== expected.length) {
          throw new ConformanceError(`${spec.name}: ${actual.length} outputs, expected ${expected.length}`);
        }
        for (let i = 0; i < expected.length; i++) {
          const want = expected[i];
          const got = await readBack(actual[i]);
          if (got.values.length > 0 && actual[i].backend !== backend) {
            throw new ConformanceError(
              `${spec.name}: the result lives on '${actual[i].backend.name}', not on '${backend.name}'`,
            );
          }
          const op = spec.ops[0] ?? spec.family;
          const label = expected.length > 1 ? `${spec.name} (output ${i})` : spec.name;
          assertMatches(label, got, want, toleranceFor(spec.family, op, want.dtype, tolerances));
        }
      } finally {
        disposeAll(actual);
      }
    },
  };
}

export interface CreationSpec {
  name: string;
  dtypes: readonly DType[];
  /** Calls creation functions with `{ backend }` (and a fresh seeded generator for random ones). */
  make: (backend: Backend, g: Generator) => Outputs;
}

/** A creation function on the backend under test against the same call on the CPU: always exact. */
export function creationCase(group: string, spec: CreationSpec): ConformanceCase {
  return {
    name: spec.name,
    group,
    ops: [],
    dtypes: spec.dtypes,
    kind: 'reference',
    async run({ backend }) {
      const seed = seedOf(spec.name);
      const want = asList(spec.make(cpuBackend, new Generator(seed)));
      const got = asList(spec.make(backend, new Generator(seed)));
      try {
        for (let i = 0; i < want.length; i++) {
          const label = want.length > 1 ? `${spec.name} (output ${i})` : spec.name;
          if (got[i].backend !== backend) {
            throw new ConformanceError(
              `${label}: created on '${got[i].backend.name}', not on '${backend.name}'`,
            );
          }
          assertMatches(label, await readBack(got[i]), await readBack(want[i]), { rtol: 0, atol: 0 });
        }
      } finally {
        disposeAll(got, want);
      }
    },
  };
}

/** A case with its own run function (for what the three shapes above cannot express). */
export function customCase(
  group: string,
  spec: Omit<ConformanceCase, 'group' | 'kind'> & { kind?: ConformanceCase['kind'] },
): ConformanceCase {
  return { kind: 'reference', ...spec, group };
}
