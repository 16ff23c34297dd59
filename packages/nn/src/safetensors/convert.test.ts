import { describe, expect, it } from 'vitest';
import {
  bfloat16BitsToFloat32Bits,
  decodeElements,
  float16BitsToFloat32Bits,
  hostToLittleEndian,
  littleEndianToHost,
} from './convert.js';
import { SafetensorsError } from './errors.js';
import { bytesOf } from './test-utils.js';

/** Little-endian bytes of 16-bit patterns. */
function le16(bits: number[]): Uint8Array {
  const out = new Uint8Array(bits.length * 2);
  const view = new DataView(out.buffer);
  bits.forEach((b, i) => {
    view.setUint16(2 * i, b, true);
  });
  return out;
}

function f32Bits(x: Float32Array): number[] {
  return [...new Uint32Array(x.buffer, x.byteOffset, x.length)];
}

/** value = (−1)^s · 2^(e−15) · (1 + m/1024), or (−1)^s · 2^−14 · m/1024 when e = 0: straight from IEEE 754. */
function halfReference(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const m = h & 0x3ff;
  if (e === 0x1f) return m === 0 ? s * Number.POSITIVE_INFINITY : Number.NaN;
  if (e === 0) return s * 2 ** -14 * (m / 1024);
  return s * 2 ** (e - 15) * (1 + m / 1024);
}

describe('F16 decoding', () => {
  it('decodes known bit patterns', () => {
    const cases: [number, number][] = [
      [0x3c00, 1],
      [0xc100, -2.5],
      [0x7bff, 65504], // largest half
      [0x0400, 2 ** -14], // smallest normal
      [0x0001, 2 ** -24], // smallest subnormal
      [0x03ff, 1023 * 2 ** -24], // largest subnormal
      [0x8001, -(2 ** -24)],
      [0x3555, 0.333251953125],
      [0x7c00, Number.POSITIVE_INFINITY],
      [0xfc00, Number.NEGATIVE_INFINITY],
      [0x0000, 0],
    ];
    const out = decodeElements(le16(cases.map((c) => c[0])), 'F16', cases.length, 'h');
    expect(out).toBeInstanceOf(Float32Array);
    expect([...out]).toEqual(cases.map((c) => c[1]));
  });

  it('keeps −0, NaN and NaN payloads as bits', () => {
    const out = decodeElements(le16([0x8000, 0x7e00, 0xfe00, 0x7c01]), 'F16', 4, 'h') as Float32Array;
    expect(Object.is(out[0], -0)).toBe(true);
    expect(Number.isNaN(out[1]) && Number.isNaN(out[2]) && Number.isNaN(out[3])).toBe(true);
    expect(f32Bits(out)).toEqual([0x80000000, 0x7fc00000, 0xffc00000, 0x7f802000]);
  });

  it('matches the IEEE 754 formula on all 65536 bit patterns', () => {
    const all = Array.from({ length: 65536 }, (_, i) => i);
    const out = decodeElements(le16(all), 'F16', all.length, 'h');
    for (const h of all) {
      const want = halfReference(h);
      if (Number.isNaN(want)) expect(Number.isNaN(out[h])).toBe(true);
      else if (!Object.is(out[h], want))
        expect(`0x${h.toString(16)} → ${out[h]}`).toBe(`0x${h.toString(16)} → ${want}`);
    }
    expect(float16BitsToFloat32Bits(0x3c00)).toBe(0x3f800000);
  });
});

describe('BF16 decoding', () => {
  it('decodes known bit patterns (the top half of a float32)', () => {
    const cases: [number, number][] = [
      [0x3f80, 1],
      [0xc020, -2.5],
      [0x477f, 65280],
      [0x7f7f, 3.3895313892515355e38], // largest bfloat16
      [0x0080, 2 ** -126], // smallest normal
      [0x0001, 2 ** -133], // smallest subnormal
      [0x7f80, Number.POSITIVE_INFINITY],
      [0xff80, Number.NEGATIVE_INFINITY],
    ];
    const out = decodeElements(le16(cases.map((c) => c[0])), 'BF16', cases.length, 'b');
    expect(out).toBeInstanceOf(Float32Array);
    expect([...out]).toEqual(cases.map((c) => c[1]));
  });

  it('keeps −0 and NaN payloads as bits', () => {
    const out = decodeElements(le16([0x8000, 0x7fc0, 0xffc1]), 'BF16', 3, 'b') as Float32Array;
    expect(Object.is(out[0], -0)).toBe(true);
    expect(f32Bits(out)).toEqual([0x80000000, 0x7fc00000, 0xffc10000]);
    expect(bfloat16BitsToFloat32Bits(0xffff)).toBe(0xffff0000);
  });
});

describe('integer decoding', () => {
  function le64(values: bigint[]): Uint8Array {
    const out = new Uint8Array(values.length * 8);
    const view = new DataView(out.buffer);
    values.forEach((v, i) => {
      view.setBigUint64(8 * i, BigInt.asUintN(64, v), true);
    });
    return out;
  }

  it('narrows I64 and U64 values that fit int32', () => {
    const ok = [0n, 1n, -1n, 2147483647n, -2147483648n, 123456789n];
    expect([...decodeElements(le64(ok), 'I64', ok.length, 'ids')]).toEqual(ok.map(Number));
    const u = [0n, 7n, 2147483647n];
    expect([...decodeElements(le64(u), 'U64', u.length, 'ids')]).toEqual(u.map(Number));
  });

  it('rejects I64/U64/U32 values outside int32, naming the tensor, element and value', () => {
    expect(() => decodeElements(le64([1n, 2147483648n]), 'I64', 2, 'token_ids')).toThrow(
      /tensor 'token_ids' \(I64\) element 1 is 2147483648, outside the int32 range/,
    );
    expect(() => decodeElements(le64([-2147483649n]), 'I64', 1, 'x')).toThrow(/element 0 is -2147483649/);
    expect(() => decodeElements(le64([-1n]), 'U64', 1, 'x')).toThrow(/element 0 is 18446744073709551615/);
    expect(() => decodeElements(le64([1n << 32n]), 'I64', 1, 'x')).toThrow(SafetensorsError);
    const u32 = new Uint8Array([0xff, 0xff, 0xff, 0xff]);
    expect(() => decodeElements(u32, 'U32', 1, 'x')).toThrow(/\(U32\) element 0 is 4294967295/);
  });

  it('widens I16, U16, I8 and U8', () => {
    expect([...decodeElements(le16([0x8000, 0x7fff, 0xffff]), 'I16', 3, 'x')]).toEqual([-32768, 32767, -1]);
    expect([...decodeElements(le16([0x8000, 0xffff]), 'U16', 2, 'x')]).toEqual([32768, 65535]);
    const bytes = new Uint8Array([0x80, 0x7f, 0xff, 0]);
    expect([...decodeElements(bytes, 'I8', 4, 'x')]).toEqual([-128, 127, -1, 0]);
    expect([...decodeElements(bytes, 'U8', 4, 'x')]).toEqual([128, 127, 255, 0]);
  });

  it('rejects BOOL bytes other than 0 and 1', () => {
    expect(() => decodeElements(new Uint8Array([1, 0, 2]), 'BOOL', 3, 'mask')).toThrow(
      /tensor 'mask' \(BOOL\) element 2 is byte 2, expected 0 or 1/,
    );
  });
});

describe('byte order', () => {
  it('copies (never views) and swaps each element on a big-endian host', () => {
    const src = new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]);
    const same = littleEndianToHost(src, 4, true);
    expect([...same]).toEqual([...src]);
    expect(same.buffer).not.toBe(src.buffer);
    expect([...littleEndianToHost(src, 4, false)]).toEqual([4, 3, 2, 1, 8, 7, 6, 5]);
    expect([...littleEndianToHost(src, 8, false)]).toEqual([8, 7, 6, 5, 4, 3, 2, 1]);
    expect([...littleEndianToHost(src, 1, false)]).toEqual([...src]);
  });

  it('on a big-endian host, produces arrays whose native (big-endian) bytes hold the values', () => {
    const values = [1.5, -0, Number.POSITIVE_INFINITY, -2.5e-30];
    const le = new Uint8Array(16);
    const be = new Uint8Array(16);
    values.forEach((v, i) => {
      new DataView(le.buffer).setFloat32(4 * i, v, true);
      new DataView(be.buffer).setFloat32(4 * i, v, false);
    });
    // Reading: little-endian file bytes → a Float32Array whose memory is big-endian.
    expect(bytesOf(decodeElements(le, 'F32', 4, 'x', false))).toEqual([...be]);
    // Writing: a big-endian host's Float32Array memory → little-endian file bytes.
    expect([...hostToLittleEndian(new Float32Array(be.buffer), false)]).toEqual([...le]);
    // On this (little-endian) host both directions are plain copies.
    expect(bytesOf(decodeElements(le, 'F32', 4, 'x', true))).toEqual([...le]);
  });

  it('copies data at odd byte offsets into aligned arrays', () => {
    const buf = new Uint8Array(13);
    new DataView(buf.buffer).setFloat64(3, Math.PI, true);
    const f64 = decodeElements(buf.subarray(3, 11), 'F64', 1, 'x');
    expect(f64).toBeInstanceOf(Float64Array);
    expect(f64[0]).toBe(Math.PI);
    expect(f64.byteOffset).toBe(0);
  });
});
