/**
 * Test helpers: safetensors bytes assembled by hand (any header text, any data bytes), so tests
 * can build both valid files in dtypes the encoder never writes and every kind of broken file.
 */
import { type Backend, cpuBackend } from '@dendrite/tensor';
import { createAsyncOnlyBackend } from '@dendrite/tensor/backend';

/** 8-byte little-endian header length + the header (JSON text, or an object to stringify) + data. */
export function rawFile(header: string | Record<string, unknown>, data: ArrayLike<number> = []): Uint8Array {
  const text = typeof header === 'string' ? header : JSON.stringify(header);
  const headerBytes = new TextEncoder().encode(text);
  const out = new Uint8Array(8 + headerBytes.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  out.set(data, 8 + headerBytes.length);
  return out;
}

/** The bytes of a typed array, as plain numbers (for byte-for-byte comparisons). */
export function bytesOf(view: ArrayBufferView): number[] {
  return [...new Uint8Array(view.buffer, view.byteOffset, view.byteLength)];
}

/** A Float32Array holding exactly these bit patterns. */
export function f32FromBits(bits: number[]): Float32Array {
  return new Float32Array(new Uint32Array(bits).buffer);
}

/** A Float64Array holding exactly these bit patterns. */
export function f64FromBits(bits: bigint[]): Float64Array {
  return new Float64Array(new BigUint64Array(bits).buffer);
}

/** The CPU backend pretending to be a device that cannot read synchronously (like WebGPU). */
export const asyncOnlyBackend: Backend = createAsyncOnlyBackend({ name: 'safetensors-test-async' });

/** The CPU backend without float64 (like gpu.js). */
export const noFloat64Backend: Backend = {
  ...cpuBackend,
  name: 'safetensors-test-no-f64',
  dtypes: new Set(['float32', 'int32', 'bool']),
};
