import { allocArray, type DType, type TypedArray } from '../dtype.js';

/**
 * Where the CPU kernels put their results: a function returning a zeroed typed array of `size`
 * elements. The default allocates on the JavaScript heap; a backend that runs the CPU kernels over
 * memory it owns (backend-wasm: WebAssembly linear memory) passes its own to `createCpuBackend`.
 * Scratch arrays a kernel drops before returning stay on the heap.
 */
export type ArrayAllocator = (dtype: DType, size: number) => TypedArray;

/** The default {@link ArrayAllocator}: zeroed arrays on the JavaScript heap. */
export const heapAllocator: ArrayAllocator = allocArray;
