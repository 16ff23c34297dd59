import { allocArray, type DType, type Handle, type TypedArray } from '@dendrite/tensor';
import { type Kernels, kernels } from './runtime.js';

/**
 * A handle of this backend: the CPU backend's shape of handle (`data`, a typed array, so every
 * CPU kernel runs on it unchanged) plus where that array lives in linear memory. `at` is its
 * byte address, or −1 for an array on the JavaScript heap (linear memory was full, or the sweep
 * moved it out: see reclaim.ts).
 *
 * `data` and `at` change when the sweep moves the bytes (to the JavaScript heap and back); every
 * view of the storage shares this one object, so every view follows. Only this backend's own code
 * reads them, always after the op's guard (reclaim.ts) has run, never across ops.
 */
export class WasmHandle {
  /** The sweep generation in which an op last made or read this handle (reclaim.ts). */
  stamp = 0;
  /** Index in {@link resident} while the bytes are in linear memory, else −1. */
  slot = -1;
  /** Whether the sweep moved the bytes to the JavaScript heap (its next op moves them back). */
  evicted = false;

  constructor(
    public data: TypedArray,
    public at: number,
    readonly bytes: number,
  ) {}
}

const BYTES: Record<DType, number> = { float32: 4, float64: 8, int32: 4, bool: 1 };

/** Every handle whose bytes are in linear memory (what a sweep looks through), by `slot`. */
export const resident: WasmHandle[] = [];

/** The least room a sweep leaves before the next one, in bytes (reclaim.ts). */
export const SWEEP_MIN_BYTES = 256 * 1024;

/**
 * The sweep's clock and trigger (reclaim.ts): `gen` is the current generation; once the bytes in
 * use pass `limit`, `due` asks the next op to sweep.
 */
export const clock = { gen: 1, limit: SWEEP_MIN_BYTES, due: false };

function track(h: WasmHandle): void {
  h.stamp = clock.gen;
  h.slot = resident.length;
  resident.push(h);
}

/** Removes `h` from {@link resident} (swapping the last entry into its slot). */
export function untrack(h: WasmHandle): void {
  const last = resident.pop() as WasmHandle;
  if (last !== h) {
    resident[h.slot] = last;
    last.slot = h.slot;
  }
  h.slot = -1;
}

/** The memory's buffer as last read (reading `memory.buffer` costs; it only changes on growth). */
let buffer: ArrayBufferLike | null = null;

function view(k: Kernels, dtype: DType, at: number, size: number): TypedArray {
  if (buffer === null || at + size * BYTES[dtype] > buffer.byteLength) buffer = k.memory.buffer;
  return viewOf(dtype, buffer, at, size);
}

/** A block of linear memory for `bytes`, or −1; flags a sweep when the bytes in use pass the limit. */
function block(k: Kernels, bytes: number): number {
  const at = k.heap.alloc(bytes);
  if (at < 0 || k.heap.bytesInUse > clock.limit) clock.due = true;
  return at;
}

/**
 * A new handle of `size` elements in linear memory (on the heap when it is full or the kernels
 * are unavailable). `zero` false leaves the bytes as they are, for kernels that write them all.
 */
export function allocate(dtype: DType, size: number, zero = true): WasmHandle {
  const k = kernels();
  const bytes = size * BYTES[dtype];
  const at = k && size > 0 ? block(k, bytes) : -1;
  if (!k || at < 0) return new WasmHandle(allocArray(dtype, size), -1, bytes);
  const data = view(k, dtype, at, size);
  if (zero) data.fill(0);
  const h = new WasmHandle(data, at, bytes);
  track(h);
  return h;
}

/**
 * Moves a handle's bytes to the JavaScript heap and frees its block: the sweep's eviction. The
 * tensor (if any still holds it) keeps its values; its next op moves them back ({@link readmit}).
 */
export function evict(h: WasmHandle): void {
  const k = kernels() as Kernels;
  h.data = heapCopy(h.data);
  k.heap.free(h.at, h.bytes);
  h.at = -1;
  h.evicted = true;
  untrack(h);
}

/**
 * Moves an evicted handle's bytes back into linear memory. When no block is free they stay on the
 * JavaScript heap for good (every kernel also runs there), so a full memory is not retried per op.
 */
export function readmit(h: WasmHandle): void {
  h.evicted = false;
  const k = kernels();
  if (!k) return;
  // The sweep took a live block: the room between sweeps was too small for this program's
  // working set, so it grows (reclaim.ts).
  clock.limit += 2 * h.bytes;
  const at = block(k, h.bytes);
  if (at < 0) return;
  const data = view(k, dtypeOf(h.data), at, h.data.length);
  data.set(h.data);
  h.data = data;
  h.at = at;
  track(h);
}

/** Evicted blocks up to this size share slabs of {@link SLAB} bytes on the JavaScript heap. */
const SMALL = 1024;
const SLAB = 32 * 1024;
let slab: ArrayBuffer | null = null;
let slabAt = 0;

/**
 * A copy of `data` on the JavaScript heap. Small ones are views into a shared slab: a typed array
 * of its own costs far more than copying a few hundred bytes, and a loop without `tidy` evicts
 * thousands of such blocks. A slab is collected once every view into it is (a live tensor that
 * keeps one alive leaves its slab at the first op that moves it back).
 */
function heapCopy(data: TypedArray): TypedArray {
  const bytes = data.byteLength;
  let copy: TypedArray;
  if (bytes > SMALL) copy = allocArray(dtypeOf(data), data.length);
  else {
    if (slab === null || slabAt + bytes > SLAB) {
      slab = new ArrayBuffer(SLAB);
      slabAt = 0;
    }
    copy = viewOf(dtypeOf(data), slab, slabAt, data.length);
    slabAt += (bytes + 7) & ~7; // 8-byte aligned, for float64
  }
  copy.set(data);
  return copy;
}

function viewOf(dtype: DType, buf: ArrayBufferLike, at: number, size: number): TypedArray {
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

function dtypeOf(a: TypedArray): DType {
  if (a instanceof Float32Array) return 'float32';
  if (a instanceof Float64Array) return 'float64';
  if (a instanceof Int32Array) return 'int32';
  return 'bool';
}

/**
 * Where a handle's array lives: its byte address in linear memory, or −1. Handles made by the CPU
 * backend (plain `{ data }`) count as heap arrays.
 */
export function addressOf(h: Handle): number {
  return h instanceof WasmHandle ? h.at : -1;
}

/** Returns a handle's block to the allocator (heap arrays are left to the garbage collector). */
export function release(h: Handle): void {
  if (h instanceof WasmHandle && h.at >= 0) {
    kernels()?.heap.free(h.at, h.bytes);
    h.at = -1;
    untrack(h);
  }
}

/** Temporary bytes for a kernel's scratch (packed panels, staged operands); −1 when full. */
export function scratch(bytes: number): number {
  const k = kernels();
  return k ? block(k, bytes) : -1;
}

/** Frees what {@link scratch} returned. */
export function freeScratch(at: number, bytes: number): void {
  if (at >= 0) kernels()?.heap.free(at, bytes);
}
