import type { Backend, Handle } from '../backend.js';
import { castScalar, type DType, promoteTypes } from '../dtype.js';
import { BackendError, DTypeError } from '../errors.js';
import type { Shape } from '../shape.js';
import { Tensor, type TensorOrScalar } from '../tensor.js';
import { cast } from './cast.js';

/** Wraps a fresh contiguous handle from `backend` as a tensor. */
export function wrap(backend: Backend, handle: Handle, shape: Shape, dtype: DType): Tensor {
  return Tensor.fromHandle(backend, handle, shape, dtype);
}

/** All inputs must live on one backend; returns it. */
export function commonBackend(op: string, tensors: readonly Tensor[]): Backend {
  const b = tensors[0].backend;
  for (const t of tensors) {
    t.assertLive(op);
    if (t.backend !== b) {
      throw new BackendError(
        `${op}: inputs live on different backends ('${b.name}' and '${t.backend.name}'); move one with t.to(backend)`,
      );
    }
  }
  return b;
}

export function checkTensor(value: unknown, op: string, what: string): Tensor {
  if (!(value instanceof Tensor)) {
    throw new DTypeError(`${op}: ${what} must be a Tensor, got ${value === null ? 'null' : typeof value}`);
  }
  return value;
}

/** The dtype a plain number takes next to a tensor of `dtype`: fractional numbers make ints float. */
export function scalarDType(value: number, dtype: DType): DType {
  if (dtype === 'bool') return Number.isInteger(value) ? 'int32' : 'float32';
  if (dtype === 'int32' && !Number.isInteger(value)) return 'float32';
  return dtype;
}

/** A 0-d tensor holding `value` on `backend`. */
export function scalarTensor(value: number, dtype: DType, backend: Backend): Tensor {
  return wrap(backend, backend.fill(1, castScalar(value, dtype), dtype), [], dtype);
}

/**
 * Brings tensor-or-number operands to one dtype on one backend. Numbers adopt the tensor's dtype
 * (an int tensor with a fractional number becomes float32), as in PyTorch.
 */
export function coerceOperands(op: string, values: readonly TensorOrScalar[]): Tensor[] {
  const tensors = values.filter((v): v is Tensor => v instanceof Tensor);
  if (tensors.length === 0) throw new DTypeError(`${op}: at least one operand must be a Tensor`);
  for (const v of values) {
    if (!(v instanceof Tensor) && typeof v !== 'number') {
      throw new DTypeError(`${op}: operands must be Tensors or numbers, got ${typeof v}`);
    }
  }
  const backend = commonBackend(op, tensors);
  let dtype = tensors[0].dtype;
  for (const t of tensors) dtype = promoteTypes(dtype, t.dtype);
  for (const v of values) if (typeof v === 'number') dtype = promoteTypes(dtype, scalarDType(v, dtype));
  return values.map((v) => (typeof v === 'number' ? scalarTensor(v, dtype, backend) : ensureDType(v, dtype)));
}

/** Casts when needed (an emitted `cast` op), else returns the tensor itself. */
export function ensureDType(t: Tensor, dtype: DType): Tensor {
  return t.dtype === dtype ? t : cast(t, dtype);
}
