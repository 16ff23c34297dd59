import { allocArray, type DType, type Handle, type TypedArray } from '@dendrite/tensor';
import { type Kernels, kernels } from './runtime.js';

/**
 * A handle of this backend: the CPU backend's shape of handle (`data`, a typed array, so every
 * CPU kernel runs on it unchanged) plus where that array lives in linear memory. `at` is its
 * byte address, or −1 for an array on the JavaScript heap (linear memory was full, or the array
 * came from elsewhere).
 */
export interface WasmHandle {
  readonly data: TypedArray;
  readonly at: number;
  readonly bytes: number;
}

const BYTES: Record<DType, number> = { float32: 4, float64: 8, int32: 4, bool: 1 };

function view(k: Kernels, dtype: DType, at: number, size: number): TypedArray {
  const buf = k.memory.buffer;
  switch (dtype) {
    case 'float32':
      return new Float32Array(buf, at, size);
    case 'float64':
      return new Float64Array(buf, at, size);
    case 'int32':
      return new Int32Array(buf, at, size);
    case 'bool':
      return new Uint8Array(buf, at, size);
  }
}

/**
 * A new handle of `size` elements in linear memory (on the heap when it is full or the kernels
 * are unavailable). `zero` false leaves the bytes as they are, for kernels that write them all.
 */
export function allocate(dtype: DType, size: number, zero = true): WasmHandle {
  const k = kernels();
  const bytes = size * BYTES[dtype];
  const at = k && size > 0 ? k.heap.alloc(bytes) : -1;
  if (!k || at < 0) return { data: allocArray(dtype, size), at: -1, bytes };
  const data = view(k, dtype, at, size);
  if (zero) data.fill(0);
  return { data, at, bytes };
}

/**
 * Where a handle's array lives: its byte address in linear memory, or −1. Handles made by the CPU
 * backend (plain `{ data }`) count as heap arrays.
 */
export function addressOf(h: Handle): number {
  const at = (h as Partial<WasmHandle>).at;
  return typeof at === 'number' ? at : -1;
}

/** Returns a handle's block to the allocator (heap arrays are left to the garbage collector). */
export function release(h: Handle): void {
  const w = h as Partial<WasmHandle>;
  if (typeof w.at === 'number' && w.at >= 0) kernels()?.heap.free(w.at, w.bytes as number);
}

/** Temporary bytes for a kernel's scratch (packed panels, staged operands); −1 when full. */
export function scratch(bytes: number): number {
  return kernels()?.heap.alloc(bytes) ?? -1;
}

/** Frees what {@link scratch} returned. */
export function freeScratch(at: number, bytes: number): void {
  if (at >= 0) kernels()?.heap.free(at, bytes);
}
