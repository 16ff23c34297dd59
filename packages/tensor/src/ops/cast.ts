import type { Backend } from '../backend.js';
import { emitOp, registerOp } from '../dispatch.js';
import { assertDType, type DType, type TypedArray } from '../dtype.js';
import { BackendError, DTypeError } from '../errors.js';
import { Tensor } from '../tensor.js';

const CAST = registerOp('cast', 'copy', 'y = dtype(x)');
const TO_BACKEND = registerOp('toBackend', 'copy', 'y = x (on another backend)');

/** Converts element type; float→int truncates toward zero, anything→bool is `x ≠ 0`. */
export function cast(x: Tensor, dtype: DType): Tensor {
  assertDType(dtype, 'cast');
  const b = x.backend;
  if (!b.dtypes.has(dtype)) throw new DTypeError(`cast: backend '${b.name}' does not support ${dtype}`);
  const out = Tensor.fromHandle(b, b.cast(x.backendView('cast'), dtype), x.shape, dtype);
  return emitOp(CAST, [x], out, { from: x.dtype, to: dtype });
}

/** The checks every copy to another backend makes before reading anything. */
function assertTargetHolds(x: Tensor, target: Backend, op: string): void {
  if (!target.dtypes.has(x.dtype))
    throw new DTypeError(`${op}: backend '${target.name}' does not support ${x.dtype}`);
}

/** The copy of `values` (read from `x`) on `target`, reported to the op hook as `toBackend`. */
function uploadCopy(x: Tensor, values: TypedArray, target: Backend): Tensor {
  const out = Tensor.fromHandle(target, target.upload(values, x.dtype), x.shape, x.dtype);
  return emitOp(TO_BACKEND, [x], out, { from: x.backend.name, to: target.name });
}

/**
 * Copies `x` to another backend, synchronously: the values pass through the host, so the source
 * backend must read synchronously. From a backend that cannot (WebGPU) this is a `BackendError`
 * naming both backends and the asynchronous form, {@link toBackendAsync} (`await t.toAsync(…)`).
 */
export function toBackend(x: Tensor, target: Backend): Tensor {
  if (x.backend === target) return x;
  if (!x.backend.canReadSync) {
    throw new BackendError(
      `to: backend '${x.backend.name}' cannot read synchronously, so its tensors cannot move to '${target.name}' with to(); use 'await t.toAsync(backend)'`,
    );
  }
  assertTargetHolds(x, target, 'to');
  return uploadCopy(x, x.dataSync(), target);
}

/**
 * Copies `x` to another backend through an asynchronous read (`await x.data()`), so it works from
 * every backend. Reported to the op hook as the same `toBackend` op as {@link toBackend}, so
 * gradients flow back. `x` must stay alive until the promise settles.
 */
export async function toBackendAsync(x: Tensor, target: Backend): Promise<Tensor> {
  if (x.backend === target) return x;
  assertTargetHolds(x, target, 'toAsync');
  return uploadCopy(x, await x.data(), target);
}
