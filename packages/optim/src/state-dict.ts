import {
  type Backend,
  BackendError,
  DTYPES,
  type DType,
  sizeOf,
  type Tensor,
  tensor,
  ValueError,
} from '@dendrite/tensor';

/**
 * The optimizer state dict, shaped like PyTorch's `optimizer.state_dict()`:
 *
 * ```ts
 * {
 *   state: { 0: { step: 3, expAvg: Tensor, expAvgSq: Tensor }, 1: { … } },  // by parameter index
 *   paramGroups: [{ lr: 1e-3, betas: [0.9, 0.999], …, params: [0, 1] }],     // options + indices
 * }
 * ```
 *
 * Parameters are numbered 0, 1, 2, … across the groups in order. `optimizer.stateDict()` returns
 * tensors (copies, on the parameters' backend); `optimizerStateToJSON` turns them into plain
 * `{ shape, dtype, data }` objects for `JSON.stringify`, and `loadStateDict` accepts either form.
 */

/** A tensor written out as plain JSON: row-major values and the shape to put them back in. */
export interface SerializedTensor {
  shape: number[];
  dtype: DType;
  data: number[];
}

/** One value of a parameter's state: a counter such as `step`, or a tensor such as `expAvg`. */
export type StateValue = number | Tensor;

/** The state dict as `stateDict()` returns it (`V`: how tensors appear in it). */
export interface OptimizerStateDict<V = StateValue> {
  /** Per-parameter state, keyed by the parameter's index (parameters without state are absent). */
  state: Record<number, Record<string, V>>;
  /** Each group's options, with `params` listing the indices of its parameters. */
  paramGroups: Array<Record<string, unknown> & { params: number[] }>;
}

/** The state dict with every tensor as a {@link SerializedTensor}: safe for `JSON.stringify`. */
export type OptimizerStateJSON = OptimizerStateDict<number | SerializedTensor>;

/** What `loadStateDict` accepts: tensors and serialized tensors may be mixed. */
export type OptimizerStateInput = OptimizerStateDict<number | Tensor | SerializedTensor>;

/** Whether `v` looks like a {@link SerializedTensor}. */
export function isSerializedTensor(v: unknown): v is SerializedTensor {
  if (typeof v !== 'object' || v === null) return false;
  const o = v as Record<string, unknown>;
  return Array.isArray(o.shape) && Array.isArray(o.data) && typeof o.dtype === 'string';
}

function checkSerialized(v: SerializedTensor, where: string): void {
  if (!DTYPES.includes(v.dtype)) throw new ValueError(`${where}: unknown dtype '${v.dtype}'`);
  if (!v.shape.every((d) => Number.isInteger(d) && d >= 0)) {
    throw new ValueError(`${where}: shape must hold integers ≥ 0, got [${v.shape.join(', ')}]`);
  }
  if (sizeOf(v.shape) !== v.data.length) {
    throw new ValueError(
      `${where}: shape [${v.shape.join(', ')}] needs ${sizeOf(v.shape)} values, got ${v.data.length}`,
    );
  }
}

/** A new tensor holding a serialized tensor's values (in `dtype`, default its own, on `backend`). */
export function deserializeTensor(
  v: SerializedTensor,
  options: { dtype?: DType; backend?: Backend | string } = {},
  where = 'optimizerStateFromJSON',
): Tensor {
  checkSerialized(v, where);
  return tensor(Float64Array.from(v.data), {
    shape: v.shape,
    dtype: options.dtype ?? v.dtype,
    backend: options.backend,
  });
}

function mapState<A, B>(sd: OptimizerStateDict<A>, f: (v: A) => B): OptimizerStateDict<B> {
  const state: Record<number, Record<string, B>> = {};
  for (const [index, entry] of Object.entries(sd.state)) {
    const out: Record<string, B> = {};
    for (const [key, v] of Object.entries(entry)) out[key] = f(v);
    state[Number(index)] = out;
  }
  const paramGroups = sd.paramGroups.map((g) => structuredClone(g));
  return { state, paramGroups };
}

function serialize(t: Tensor, values: ArrayLike<number>): SerializedTensor {
  return { shape: [...t.shape], dtype: t.dtype, data: Array.from(values) };
}

/**
 * Reads every tensor of a state dict (`await t.data()`, so it works on every backend) into a
 * plain-JSON object; the tensors themselves are left alone. Counters stay numbers.
 */
export async function optimizerStateToJSON(sd: OptimizerStateDict): Promise<OptimizerStateJSON> {
  const reads: Promise<void>[] = [];
  const json = mapState<StateValue, number | SerializedTensor>(sd, (v) => {
    if (typeof v === 'number') return v;
    const out = serialize(v, []);
    reads.push(
      v.data().then((d) => {
        out.data = Array.from(d);
      }),
    );
    return out;
  });
  await Promise.all(reads);
  return json;
}

/**
 * {@link optimizerStateToJSON} with synchronous reads (backends that can read synchronously). A
 * state tensor on a device that reads only asynchronously (WebGPU) is a `BackendError` naming the
 * entry and the backend, thrown before anything is read: use `await optimizerStateToJSON(sd)`.
 */
export function optimizerStateToJSONSync(sd: OptimizerStateDict): OptimizerStateJSON {
  for (const [index, entry] of Object.entries(sd.state)) {
    for (const [key, v] of Object.entries(entry)) {
      if (typeof v !== 'number' && !v.backend.canReadSync) {
        throw new BackendError(
          `optimizerStateToJSONSync: state[${index}].${key} is on backend '${v.backend.name}', which cannot read synchronously; use 'await optimizerStateToJSON(stateDict)'`,
        );
      }
    }
  }
  return mapState<StateValue, number | SerializedTensor>(sd, (v) =>
    typeof v === 'number' ? v : serialize(v, v.dataSync()),
  );
}

/**
 * Turns a JSON state dict back into tensors (on `backend`, default the current one). Not needed
 * before `loadStateDict`, which accepts the JSON form directly and places each tensor on its
 * parameter's backend; useful to inspect a checkpoint.
 */
export function optimizerStateFromJSON(
  json: OptimizerStateJSON,
  options: { backend?: Backend | string } = {},
): OptimizerStateDict {
  if (
    typeof json !== 'object' ||
    json === null ||
    typeof json.state !== 'object' ||
    !Array.isArray(json.paramGroups)
  ) {
    throw new ValueError('optimizerStateFromJSON: expected an object with `state` and `paramGroups`');
  }
  return mapState<number | SerializedTensor, StateValue>(json, (v) => {
    if (typeof v === 'number') return v;
    if (!isSerializedTensor(v)) {
      throw new ValueError('optimizerStateFromJSON: state values must be numbers or { shape, dtype, data }');
    }
    return deserializeTensor(v, options);
  });
}
