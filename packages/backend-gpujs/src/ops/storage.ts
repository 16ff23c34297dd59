import { allocArray, BackendError, type DType, type Handle, type TypedArray } from '@dendrite/tensor';
import { asHandle, handOutHost, type OpContext } from '../context.js';
import { GpuHandle } from '../handle.js';

/**
 * Storage as the tensor core sees it: handles made from host values or a fill, read back, and
 * freed. Everything is stored as float32 on the device; int32 and bool values are converted on read.
 */

/** The dtypes this backend stores: no float64 (gpu.js computes in float32), so the core rejects it clearly. */
export const GPUJS_DTYPES: ReadonlySet<DType> = new Set<DType>(['float32', 'int32', 'bool']);

/** Throws the backend's error for a dtype it does not store. */
export function assertDType(dtype: DType, op: string): void {
  if (!GPUJS_DTYPES.has(dtype)) {
    throw new BackendError(`gpujs ${op}: ${dtype} is not supported (gpu.js computes in float32)`);
  }
}

/** Host values as a new handle: they reach the device only when a kernel reads them. */
export function upload(ctx: OpContext, values: TypedArray, dtype: DType): Handle {
  assertDType(dtype, 'upload');
  return handOutHost(ctx, values);
}

/** `size` copies of `value`: kernels take it as a number until one needs it as an array. */
export function fill(ctx: OpContext, size: number, value: number, dtype: DType): GpuHandle {
  assertDType(dtype, 'fill');
  return ctx.counters.handOut(GpuHandle.constant(size, value));
}

/** Reads a handle's first `size` values as `dtype`. */
export async function read(ctx: OpContext, handle: Handle, dtype: DType, size: number): Promise<TypedArray> {
  return asDType(await ctx.runner.read(asHandle(handle)), dtype, size);
}

/** Synchronous read (every mode but webgpu). */
export function readSync(ctx: OpContext, handle: Handle, dtype: DType, size: number): TypedArray {
  return asDType(ctx.runner.readSync(asHandle(handle)), dtype, size);
}

/** The tensor core lets go of a handle (once); its storage goes when no lazy expression reads it either. */
export function free(ctx: OpContext, handle: Handle): void {
  const h = asHandle(handle);
  if (!h.owned) return;
  h.owned = false;
  ctx.runner.release(h);
  ctx.counters.takeBack();
}

/** float32 storage values as the typed array of `dtype` (bool: any non-zero is 1). */
function asDType(values: ArrayLike<number>, dtype: DType, size: number): TypedArray {
  const out = allocArray(dtype, size);
  if (values instanceof Float32Array || values instanceof Int32Array || values instanceof Uint8Array) {
    out.set(values.length === size ? values : values.subarray(0, size));
  } else for (let i = 0; i < size; i++) out[i] = values[i];
  if (dtype === 'bool') for (let i = 0; i < size; i++) out[i] = out[i] !== 0 ? 1 : 0;
  return out;
}
