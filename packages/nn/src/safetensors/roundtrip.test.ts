import { DTypeError, liveStorageCount, tensor, ValueError } from '@dendrite/tensor';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeSafetensors } from './decode.js';
import { encodeSafetensors } from './encode.js';
import type { SafetensorsEntry } from './format.js';
import { toTensors } from './tensors.js';
import { bytesOf, f32FromBits, f64FromBits, noFloat64Backend, rawFile } from './test-utils.js';

const specialF32 = f32FromBits([
  0x7fc00000, // NaN
  0xffc00000, // −NaN
  0x7fa00001, // signalling NaN with a payload
  0x80000000, // −0
  0x00000000, // +0
  0x7f800000, // +Inf
  0xff800000, // −Inf
  0x00000001, // smallest subnormal
  0x7f7fffff, // largest finite
  0x3f800000, // 1
]);

const specialF64 = f64FromBits([
  0x7ff8000000000000n, // NaN
  0xfff8000000000001n, // −NaN with a payload
  0x7ff0000000000001n, // signalling NaN
  0x8000000000000000n, // −0
  0x7ff0000000000000n, // +Inf
  0xfff0000000000000n, // −Inf
  0x0000000000000001n, // smallest subnormal
  0x7fefffffffffffffn, // largest finite
  0x3fb999999999999an, // 0.1
]);

describe('round trip encode → decode', () => {
  it('is bit-for-bit for every Dendrite dtype, NaN payloads, −0 and ±Inf included', () => {
    const entries: Record<string, SafetensorsEntry> = {
      f32: { dtype: 'float32', shape: [2, 5], data: specialF32 },
      f64: { dtype: 'float64', shape: [9], data: specialF64 },
      i32: { dtype: 'int32', shape: [5], data: new Int32Array([-2147483648, 2147483647, 0, -1, 42]) },
      bool: { dtype: 'bool', shape: [2, 2], data: new Uint8Array([1, 0, 0, 1]) },
      scalar: { dtype: 'float32', shape: [], data: new Float32Array([-0]) },
      empty: { dtype: 'float64', shape: [3, 0], data: new Float64Array(0) },
    };
    const { tensors, metadata } = decodeSafetensors(encodeSafetensors(entries, { note: 'specials' }));
    expect(metadata).toEqual({ note: 'specials' });
    expect(Object.keys(tensors).sort()).toEqual(Object.keys(entries).sort());
    for (const name of Object.keys(entries)) {
      const got = tensors[name];
      expect(got.dtype, name).toBe(entries[name].dtype);
      expect(got.shape, name).toEqual(entries[name].shape);
      expect(got.data.constructor, name).toBe(entries[name].data.constructor);
      expect(bytesOf(got.data), name).toEqual(bytesOf(entries[name].data));
    }
  });

  it('decodes every file dtype Dendrite reads from little-endian bytes', () => {
    const parts: [string, string, number[], (v: DataView, o: number, x: number) => void, number, number[]][] =
      [
        [
          'f64',
          'F64',
          [1.25, -0, Number.NEGATIVE_INFINITY],
          (v, o, x) => v.setFloat64(o, x, true),
          8,
          [1.25, -0, Number.NEGATIVE_INFINITY],
        ],
        ['f32', 'F32', [0.5, Number.NaN], (v, o, x) => v.setFloat32(o, x, true), 4, [0.5, Number.NaN]],
        ['f16', 'F16', [0x3c00, 0xc100, 0x7bff], (v, o, x) => v.setUint16(o, x, true), 2, [1, -2.5, 65504]],
        ['bf16', 'BF16', [0x3f80, 0xc020], (v, o, x) => v.setUint16(o, x, true), 2, [1, -2.5]],
        ['i64', 'I64', [-5, 2147483647], (v, o, x) => v.setBigInt64(o, BigInt(x), true), 8, [-5, 2147483647]],
        ['i32', 'I32', [-2147483648, 9], (v, o, x) => v.setInt32(o, x, true), 4, [-2147483648, 9]],
        ['i16', 'I16', [-32768, 300], (v, o, x) => v.setInt16(o, x, true), 2, [-32768, 300]],
        ['i8', 'I8', [-128, 127], (v, o, x) => v.setInt8(o, x), 1, [-128, 127]],
        ['u64', 'U64', [0, 2147483647], (v, o, x) => v.setBigUint64(o, BigInt(x), true), 8, [0, 2147483647]],
        ['u32', 'U32', [0, 2147483647], (v, o, x) => v.setUint32(o, x, true), 4, [0, 2147483647]],
        ['u16', 'U16', [65535, 1], (v, o, x) => v.setUint16(o, x, true), 2, [65535, 1]],
        ['u8', 'U8', [255, 0], (v, o, x) => v.setUint8(o, x), 1, [255, 0]],
        ['bool', 'BOOL', [1, 0], (v, o, x) => v.setUint8(o, x), 1, [1, 0]],
      ];
    const total = parts.reduce((n, p) => n + p[2].length * p[4], 0);
    const data = new Uint8Array(total);
    const view = new DataView(data.buffer);
    const header: Record<string, unknown> = {};
    let offset = 0;
    for (const [name, dtype, raw, write, size] of parts) {
      header[name] = { dtype, shape: [raw.length], data_offsets: [offset, offset + raw.length * size] };
      raw.forEach((x, i) => {
        write(view, offset + i * size, x);
      });
      offset += raw.length * size;
    }
    const { tensors } = decodeSafetensors(rawFile(header, data));
    const expectedDType: Record<string, string> = {
      f64: 'float64',
      bool: 'bool',
      f32: 'float32',
      f16: 'float32',
      bf16: 'float32',
    };
    for (const [name, , , , , want] of parts) {
      expect(tensors[name].dtype, name).toBe(expectedDType[name] ?? 'int32');
      expect([...tensors[name].data], name).toEqual(want);
    }
  });

  it('holds for random state dicts, and re-encoding gives identical bytes', () => {
    const dims = fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 3 });
    const entry = fc.oneof(
      dims.chain((shape) => {
        const n = shape.reduce((a, b) => a * b, 1);
        return fc.oneof(
          fc.array(fc.integer({ min: 0, max: 0xffffffff }), { minLength: n, maxLength: n }).map((bits) => ({
            dtype: 'float32' as const,
            shape,
            data: f32FromBits(bits) as SafetensorsEntry['data'],
          })),
          fc.array(fc.double(), { minLength: n, maxLength: n }).map((v) => ({
            dtype: 'float64' as const,
            shape,
            data: Float64Array.from(v) as SafetensorsEntry['data'],
          })),
          fc
            .array(fc.integer({ min: -2147483648, max: 2147483647 }), { minLength: n, maxLength: n })
            .map((v) => ({
              dtype: 'int32' as const,
              shape,
              data: Int32Array.from(v) as SafetensorsEntry['data'],
            })),
          fc.array(fc.integer({ min: 0, max: 1 }), { minLength: n, maxLength: n }).map((v) => ({
            dtype: 'bool' as const,
            shape,
            data: Uint8Array.from(v) as SafetensorsEntry['data'],
          })),
        );
      }),
    );
    const names = fc.string({ minLength: 0, maxLength: 8 }).filter((s) => s !== '__metadata__');
    fc.assert(
      fc.property(
        fc.dictionary(names, entry, { maxKeys: 5 }),
        fc.dictionary(fc.string({ maxLength: 6 }), fc.string({ maxLength: 6 }), { maxKeys: 3 }),
        (entries, metadata) => {
          const bytes = encodeSafetensors(entries, metadata);
          expect(readDataStart(bytes) % 8).toBe(0);
          const decoded = decodeSafetensors(bytes);
          expect(decoded.metadata).toEqual({ ...metadata });
          for (const name of Object.keys(entries)) {
            expect(decoded.tensors[name].dtype).toBe(entries[name].dtype);
            expect(decoded.tensors[name].shape).toEqual(entries[name].shape);
            expect(bytesOf(decoded.tensors[name].data)).toEqual(bytesOf(entries[name].data));
          }
          expect(bytesOf(encodeSafetensors(decoded.tensors, decoded.metadata))).toEqual(bytesOf(bytes));
        },
      ),
      { numRuns: 200, seed: 7 },
    );
  });
});

function readDataStart(bytes: Uint8Array): number {
  return 8 + Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
}

describe('toTensors', () => {
  const decoded = () =>
    decodeSafetensors(
      encodeSafetensors({
        w: tensor([
          [1, 2],
          [3, 4],
        ]),
        zd: tensor(new Float64Array([0.1])),
        ids: tensor(new Int32Array([5, 6])),
        mask: tensor([true, false]),
      }),
    );

  it('makes tensors with the decoded dtypes and shapes', async () => {
    const t = toTensors(decoded());
    expect(Object.keys(t).sort()).toEqual(['ids', 'mask', 'w', 'zd']);
    expect(t.w.shape).toEqual([2, 2]);
    expect(t.w.dtype).toBe('float32');
    expect(await t.w.toArray()).toEqual([
      [1, 2],
      [3, 4],
    ]);
    expect(t.zd.dtype).toBe('float64');
    expect(t.ids.dtype).toBe('int32');
    expect(t.mask.dtype).toBe('bool');
    expect([...(await t.mask.data())]).toEqual([1, 0]);
  });

  it('casts only floating-point tensors when dtype is given', () => {
    const t = toTensors(decoded(), { dtype: 'float32' });
    expect(t.zd.dtype).toBe('float32');
    expect(t.zd.dataSync()[0]).toBe(Math.fround(0.1));
    expect(t.ids.dtype).toBe('int32');
    expect(t.mask.dtype).toBe('bool');
    expect(toTensors(decoded(), { dtype: 'float64' }).w.dtype).toBe('float64');
    expect(() => toTensors(decoded(), { dtype: 'int32' as never })).toThrow(ValueError);
  });

  it('creates on the given backend and frees what it made when one tensor fails', () => {
    const entries = decoded(); // 'zd' (float64) is last in the file: three tensors are made first, then freed
    const before = liveStorageCount();
    expect(() => toTensors(entries, { backend: noFloat64Backend })).toThrow(DTypeError);
    expect(liveStorageCount()).toBe(before);
    const t = toTensors(decoded(), { backend: noFloat64Backend, dtype: 'float32' });
    expect(t.zd.backend).toBe(noFloat64Backend);
  });
});
