import { allocArray, type DType, sizeOf, type TypedArray, type View } from '@dendrite/tensor';
import { asHandle } from './context.js';
import { offsetsOf, readsOneElement } from './layout.js';

/**
 * Values the host already knows. Uploaded arrays keep their exact host copy and fills are a single
 * number (see `HandleState`), so copies and casts of them, single-value operands and host-known
 * indices need no device work and no read back.
 */

/** A value cast on the host exactly as the CPU backend casts it. */
function castHost(v: number, dtype: DType): number {
  if (dtype === 'bool') return v !== 0 ? 1 : 0;
  if (dtype === 'int32') return Math.trunc(v) | 0;
  return v;
}

/** The view's values as `dtype`, row-major, when its storage is host-known; else null. */
export function hostValues(x: View, dtype: DType = x.dtype): TypedArray | null {
  const h = asHandle(x.handle);
  if (!h.hostKnown) return null;
  const out = allocArray(dtype, sizeOf(x.shape));
  let p = 0;
  for (const off of offsetsOf(x.shape, x.strides, x.offset)) out[p++] = castHost(h.hostAt(off)!, dtype);
  return out;
}

/** The one number a view reads, when it reads one element whose value the host knows; else undefined. */
export function scalarOf(v: View): number | undefined {
  if (!readsOneElement(v.shape, v.strides)) return undefined;
  return asHandle(v.handle).hostAt(v.offset);
}
