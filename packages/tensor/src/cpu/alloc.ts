import { allocArray, type DType, type TypedArray } from '../dtype.js';

/**
 * Where the CPU kernels put their results: a function returning a zeroed typed array of `size`
 * elements. The default allocates on the JavaScript heap; a backend that runs the CPU kernels over
 * memory it owns (backend-wasm: WebAssembly linear memory) installs its own for the duration of a
 * kernel call with {@link withArrayAllocator}. Scratch arrays a kernel drops before returning stay
 * on the heap.
 */
export type ArrayAllocator = (dtype: DType, size: number) => TypedArray;

let current: ArrayAllocator = allocArray;

/** A zeroed result array from the allocator in effect (the heap unless a backend installed one). */
export function outArray(dtype: DType, size: number): TypedArray {
  return current(dtype, size);
}

/**
 * Runs `fn` (synchronous: the CPU kernels are) with `allocate` providing every result array, then
 * restores the previous allocator, also when `fn` throws.
 */
export function withArrayAllocator<T>(allocate: ArrayAllocator, fn: () => T): T {
  const previous = current;
  current = allocate;
  try {
    return fn();
  } finally {
    current = previous;
  }
}
