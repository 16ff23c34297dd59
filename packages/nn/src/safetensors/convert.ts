/**
 * Element conversion between the file's little-endian bytes and Dendrite's typed arrays.
 *
 * Every read copies into a fresh, aligned buffer: a tensor may start at any byte of the file, and
 * a typed array cannot view unaligned memory. Floats are moved as bits, never through a JS
 * number, so NaN payloads and −0 survive exactly.
 */
import type { TypedArray } from '@dendrite/tensor';
import { SafetensorsError } from './errors.js';
import type { SafetensorsDType } from './format.js';

/** Whether this machine stores typed-array elements little-endian (every mainstream JS host does). */
export const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/**
 * A fresh copy of `src` with each `width`-byte element in host byte order: a plain copy on a
 * little-endian host, a per-element byte swap on a big-endian one.
 */
export function littleEndianToHost(
  src: Uint8Array,
  width: number,
  hostLittleEndian = HOST_LITTLE_ENDIAN,
): Uint8Array {
  if (hostLittleEndian || width === 1) return copyBytes(src);
  return swapBytes(src, width);
}

/** A copy of `src` in a new buffer of its own (never a view, even when `src` is a Node Buffer). */
export function copyBytes(src: Uint8Array): Uint8Array {
  const out = new Uint8Array(src.length);
  out.set(src);
  return out;
}

/**
 * The bytes of `data` in little-endian order: a view (no copy) on a little-endian host, a
 * byte-swapped copy on a big-endian one.
 */
export function hostToLittleEndian(data: TypedArray, hostLittleEndian = HOST_LITTLE_ENDIAN): Uint8Array {
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (hostLittleEndian || data.BYTES_PER_ELEMENT === 1) return bytes;
  return swapBytes(bytes, data.BYTES_PER_ELEMENT);
}

function swapBytes(src: Uint8Array, width: number): Uint8Array {
  const out = new Uint8Array(src.length);
  for (let i = 0; i < src.length; i += width) {
    for (let k = 0; k < width; k++) out[i + k] = src[i + width - 1 - k];
  }
  return out;
}

/**
 * IEEE half (1 sign, 5 exponent, 10 mantissa bits) → the float32 with the same value, as bits.
 * Exact: every half value is a float32. value = (−1)^s · 2^(e−15) · 1.m, or 2^−14 · 0.m when e = 0.
 */
export function float16BitsToFloat32Bits(h: number): number {
  const sign = (h & 0x8000) << 16;
  const exponent = (h >>> 10) & 0x1f;
  let mantissa = h & 0x3ff;
  if (exponent === 0x1f) return (sign | 0x7f800000 | (mantissa << 13)) >>> 0; // ±Inf, NaN (payload kept)
  if (exponent !== 0) return (sign | ((exponent + 127 - 15) << 23) | (mantissa << 13)) >>> 0;
  if (mantissa === 0) return sign >>> 0; // ±0
  // Subnormal half: shift the mantissa up until its leading 1 becomes the implicit bit.
  let shift = 0;
  while ((mantissa & 0x400) === 0) {
    mantissa <<= 1;
    shift++;
  }
  return (sign | ((127 - 14 - shift) << 23) | ((mantissa & 0x3ff) << 13)) >>> 0;
}

/** bfloat16 is the top half of a float32: the bits shift into place unchanged. */
export function bfloat16BitsToFloat32Bits(h: number): number {
  return (h << 16) >>> 0;
}

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

function outOfRange(name: string, dtype: SafetensorsDType, index: number, value: bigint | number): never {
  throw new SafetensorsError(
    `tensor '${name}' (${dtype}) element ${index} is ${value}, outside the int32 range ` +
      `[${INT32_MIN}, ${INT32_MAX}] that integer tensors decode to`,
  );
}

/**
 * Decodes `count` elements of `dtype` from `src` (exactly the tensor's byte range, at any byte
 * offset) into a fresh typed array of the Dendrite dtype it maps to. `name` is for errors.
 */
export function decodeElements(
  src: Uint8Array,
  dtype: SafetensorsDType,
  count: number,
  name: string,
  hostLittleEndian = HOST_LITTLE_ENDIAN,
): TypedArray {
  const view = new DataView(src.buffer, src.byteOffset, src.byteLength);
  switch (dtype) {
    case 'F64':
      return new Float64Array(littleEndianToHost(src, 8, hostLittleEndian).buffer, 0, count);
    case 'F32':
      return new Float32Array(littleEndianToHost(src, 4, hostLittleEndian).buffer, 0, count);
    case 'I32':
      return new Int32Array(littleEndianToHost(src, 4, hostLittleEndian).buffer, 0, count);
    case 'BOOL': {
      const out = copyBytes(src);
      for (let i = 0; i < count; i++) {
        if (out[i] > 1) {
          throw new SafetensorsError(
            `tensor '${name}' (BOOL) element ${i} is byte ${out[i]}, expected 0 or 1`,
          );
        }
      }
      return out;
    }
    case 'F16':
    case 'BF16': {
      const out = new Float32Array(count);
      const bits = new Uint32Array(out.buffer); // same memory: write float32 bit patterns
      const widen = dtype === 'F16' ? float16BitsToFloat32Bits : bfloat16BitsToFloat32Bits;
      for (let i = 0; i < count; i++) bits[i] = widen(view.getUint16(2 * i, true));
      return out;
    }
    case 'I64':
    case 'U64': {
      const out = new Int32Array(count);
      for (let i = 0; i < count; i++) {
        const lo = view.getUint32(8 * i, true);
        const hi = view.getInt32(8 * i + 4, true);
        // Fits int32 iff the high word is the sign extension of the low word.
        const fits = dtype === 'I64' ? hi === (lo | 0) >> 31 : hi === 0 && lo <= INT32_MAX;
        if (!fits) {
          const value = dtype === 'I64' ? view.getBigInt64(8 * i, true) : view.getBigUint64(8 * i, true);
          outOfRange(name, dtype, i, value);
        }
        out[i] = lo | 0;
      }
      return out;
    }
    case 'U32': {
      const out = new Int32Array(count);
      for (let i = 0; i < count; i++) {
        const v = view.getUint32(4 * i, true);
        if (v > INT32_MAX) outOfRange(name, dtype, i, v);
        out[i] = v;
      }
      return out;
    }
    case 'I16': {
      const out = new Int32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getInt16(2 * i, true);
      return out;
    }
    case 'U16': {
      const out = new Int32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getUint16(2 * i, true);
      return out;
    }
    case 'I8':
      return Int32Array.from(new Int8Array(src.buffer, src.byteOffset, count));
    case 'U8':
      return Int32Array.from(src.subarray(0, count));
  }
}
