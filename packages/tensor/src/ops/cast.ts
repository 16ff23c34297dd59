import type { Backend } from '../backend.js';
import { emitOp, registerOp } from '../dispatch.js';
import { assertDType, type DType } from '../dtype.js';
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

/** Copies `x` to another backend (synchronously; the source backend must read synchronously). */
export function toBackend(x: Tensor, target: Backend): Tensor {
  if (x.backend === target) return x;
  if (!x.backend.canReadSync) {
    throw new BackendError(
      `to: backend '${x.backend.name}' cannot read synchronously; use 'tensor(await t.data(), { shape, backend })'`,
    );
  }
  if (!target.dtypes.has(x.dtype))
    throw new DTypeError(`to: backend '${target.name}' does not support ${x.dtype}`);
  const values = x.dataSync();
  const out = Tensor.fromHandle(target, target.upload(values, x.dtype), x.shape, x.dtype);
  return emitOp(TO_BACKEND, [x], out, { from: x.backend.name, to: target.name });
}
