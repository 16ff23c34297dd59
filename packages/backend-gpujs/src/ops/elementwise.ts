import type { BinaryOp, DType, Handle, UnaryOp, View } from '@dendrite/tensor';
import { handOutHost, type OpContext } from '../context.js';
import { hostValues } from '../host-values.js';
import { binaryLines, binaryNeeds, unaryLines, unaryNeeds } from '../kernels/math.js';
import { lazyElementwise } from '../lazy.js';
import { assertDType } from './storage.js';

/**
 * The element-wise ops. None launches a kernel: each returns a lazy handle that later element-wise
 * ops extend and that becomes one fused kernel when needed (see `fusion.ts`). Copies and casts of
 * host-known values are done on the host.
 */

/** y = x, in row-major order. */
export function copy(ctx: OpContext, x: View): Handle {
  const host = hostValues(x);
  if (host !== null) return handOutHost(ctx, host);
  return lazyElementwise(ctx, 'copy', x.shape, [x], ([v]) => [`let y = ${v};`]);
}

/** y = x as `dtype` (bool: x ≠ 0; int32: truncation toward zero). */
export function cast(ctx: OpContext, x: View, dtype: DType): Handle {
  assertDType(dtype, 'cast');
  const host = hostValues(x, dtype);
  if (host !== null) return handOutHost(ctx, host);
  if (dtype === 'bool') {
    return lazyElementwise(ctx, 'cast:bool', x.shape, [x], ([v]) => [
      'let y = 0.0;',
      `if (${v} != 0) { y = 1.0; }`,
    ]);
  }
  if (dtype === 'int32' && x.dtype === 'float32') {
    return lazyElementwise(ctx, 'cast:int32', x.shape, [x], ([v]) => [`let y = Math.trunc(${v});`]);
  }
  return lazyElementwise(ctx, 'copy', x.shape, [x], ([v]) => [`let y = ${v};`]);
}

/** y = op(x). */
export function unary(ctx: OpContext, op: UnaryOp, x: View): Handle {
  return lazyElementwise(ctx, `unary:${op}`, x.shape, [x], ([v]) => unaryLines(op, v), unaryNeeds(op));
}

/** y = a op b, broadcast to `shape` (int32 `pow` keeps integer results). */
export function binary(ctx: OpContext, op: BinaryOp, a: View, b: View, shape: readonly number[]): Handle {
  const intResult = op === 'pow' && a.dtype === 'int32';
  const name = `binary:${op}${intResult ? ':int' : ''}`;
  return lazyElementwise(
    ctx,
    name,
    shape,
    [a, b],
    ([x, y]) => binaryLines(op, x, y, intResult),
    binaryNeeds(op),
  );
}

/** y = cond ? a : b, broadcast to `shape`. */
export function where(ctx: OpContext, cond: View, a: View, b: View, shape: readonly number[]): Handle {
  return lazyElementwise(ctx, 'where', shape, [cond, a, b], ([c, x, y]) => [
    `let y = ${y};`,
    `if (${c} > 0.5) { y = ${x}; }`,
  ]);
}
