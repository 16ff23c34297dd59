import { ValueError } from '@dendrite/tensor';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeSafetensors, readSafetensorsHeader } from './decode.js';
import { encodeSafetensors } from './encode.js';
import { SafetensorsError } from './errors.js';
import { rawFile } from './test-utils.js';

/** Expects `fn` to throw a SafetensorsError whose message matches `pattern`. */
function expectBad(fn: () => unknown, pattern: RegExp): void {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(SafetensorsError);
  expect((caught as Error).message).toMatch(pattern);
}

const f32 = (begin: number, end: number, shape = [(end - begin) / 4]) => ({
  dtype: 'F32',
  shape,
  data_offsets: [begin, end],
});

describe('decodeSafetensors: a file built by hand from the spec', () => {
  it('decodes an F32 [2] tensor, an I64 [1] tensor and metadata', () => {
    // Header, written out as the spec describes it, then padded with spaces to a multiple of 8.
    let header =
      '{"__metadata__":{"format":"pt","note":"hand-made"},' +
      '"weight":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},' +
      '"ids":{"dtype":"I64","shape":[1],"data_offsets":[8,16]}}';
    while (header.length % 8 !== 0) header += ' ';
    const n = header.length; // ASCII: one byte per character
    const file = new Uint8Array(8 + n + 16);
    const view = new DataView(file.buffer);
    view.setBigUint64(0, BigInt(n), true); // header length, u64 little-endian
    for (let i = 0; i < n; i++) file[8 + i] = header.charCodeAt(i);
    view.setFloat32(8 + n + 0, 1.5, true);
    view.setFloat32(8 + n + 4, -0.25, true);
    view.setBigInt64(8 + n + 8, -7n, true);

    const { tensors, metadata } = decodeSafetensors(file);
    expect(metadata).toEqual({ format: 'pt', note: 'hand-made' });
    expect(Object.keys(tensors)).toEqual(['weight', 'ids']);
    expect(tensors.weight.dtype).toBe('float32');
    expect(tensors.weight.shape).toEqual([2]);
    expect(tensors.weight.data).toEqual(new Float32Array([1.5, -0.25]));
    expect(tensors.ids.dtype).toBe('int32');
    expect(tensors.ids.shape).toEqual([1]);
    expect(tensors.ids.data).toEqual(new Int32Array([-7]));

    // The same bytes as an ArrayBuffer, and inside a bigger buffer at an odd byte offset.
    expect(decodeSafetensors(file.buffer).tensors.ids.data).toEqual(new Int32Array([-7]));
    const host = new Uint8Array(file.length + 5);
    host.set(file, 3);
    expect(decodeSafetensors(host.subarray(3, 3 + file.length)).tensors.weight.data).toEqual(
      new Float32Array([1.5, -0.25]),
    );
  });

  it('decodes tensors at unaligned offsets (unpadded header, odd-sized tensors before them)', () => {
    const data = new Uint8Array(1 + 8 + 4);
    const view = new DataView(data.buffer);
    data[0] = 1; // BOOL [1]
    view.setFloat64(1, -Math.E, true); // F64 at data offset 1
    view.setInt32(9, -123456, true); // I32 at data offset 9
    const file = rawFile(
      {
        flag: { dtype: 'BOOL', shape: [1], data_offsets: [0, 1] },
        e: { dtype: 'F64', shape: [], data_offsets: [1, 9] },
        n: { dtype: 'I32', shape: [1, 1], data_offsets: [9, 13] },
      },
      data,
    );
    expect((8 + (file.length - 8 - data.length)) % 8).not.toBe(0);
    const { tensors } = decodeSafetensors(file);
    expect(tensors.flag).toEqual({ dtype: 'bool', shape: [1], data: new Uint8Array([1]) });
    expect(tensors.e).toEqual({ dtype: 'float64', shape: [], data: new Float64Array([-Math.E]) });
    expect(tensors.n).toEqual({ dtype: 'int32', shape: [1, 1], data: new Int32Array([-123456]) });
  });

  it('copies data out of the input buffer', () => {
    const file = rawFile({ x: f32(0, 4) }, new Uint8Array(new Float32Array([3]).buffer));
    const { tensors } = decodeSafetensors(file);
    file.fill(0);
    expect(tensors.x.data[0]).toBe(3);
  });

  it('accepts empty files ({} header), zero-size tensors and the spec’s trailing-space padding', () => {
    expect(decodeSafetensors(rawFile('{}'))).toEqual({ tensors: {}, metadata: {} });
    const file = rawFile(
      `{"empty":{"dtype":"F32","shape":[0,3],"data_offsets":[0,0]},"x":${JSON.stringify(f32(0, 4))}}   `,
      [0, 0, 0x80, 0x3f],
    );
    const { tensors } = decodeSafetensors(file);
    expect(tensors.empty).toEqual({ dtype: 'float32', shape: [0, 3], data: new Float32Array(0) });
    expect(tensors.x.data).toEqual(new Float32Array([1]));
  });

  it('reads names like __proto__ as plain entries', () => {
    const file = rawFile('{"__proto__":{"dtype":"U8","shape":[1],"data_offsets":[0,1]}}', [9]);
    const { tensors } = decodeSafetensors(file);
    expect(Object.getPrototypeOf(tensors)).toBe(Object.prototype);
    expect(Object.keys(tensors)).toEqual(['__proto__']);
    expect(Object.getOwnPropertyDescriptor(tensors, '__proto__')?.value.data).toEqual(new Int32Array([9]));
  });

  it('readSafetensorsHeader reports names, file dtypes, shapes and offsets without decoding', () => {
    const bytes = encodeSafetensors(
      { b: { dtype: 'int32', shape: [2], data: new Int32Array([1, 2]) } },
      { k: 'v' },
    );
    const header = readSafetensorsHeader(bytes);
    expect(header.tensors).toEqual({ b: { dtype: 'I32', shape: [2], dataOffsets: [0, 8] } });
    expect(header.metadata).toEqual({ k: 'v' });
    expect(header.dataStart % 8).toBe(0);
    expect(header.dataBytes).toBe(8);
  });
});

describe('decodeSafetensors: malformed files are rejected with SafetensorsError', () => {
  it('a file shorter than the 8-byte length prefix', () => {
    expectBad(
      () => decodeSafetensors(new Uint8Array(0)),
      /0 bytes is shorter than the 8-byte header-length prefix/,
    );
    expectBad(() => decodeSafetensors(new Uint8Array(7)), /7 bytes is shorter than the 8-byte/);
  });

  it('a header length larger than the file, without allocating it', () => {
    const file = rawFile('{}');
    new DataView(file.buffer).setBigUint64(0, 1000n, true);
    expectBad(
      () => decodeSafetensors(file),
      /header length 1000 runs past the end of the data: only 2 bytes follow/,
    );
    new DataView(file.buffer).setBigUint64(0, 0xffff_ffff_ffff_ffffn, true);
    expectBad(() => decodeSafetensors(file), /header length 18446744073709551615 runs past the end/);
  });

  it('a header length larger than maxHeaderBytes', () => {
    const file = rawFile({ x: f32(0, 4) }, [0, 0, 0, 0]);
    const n = file.length - 12;
    expectBad(
      () => decodeSafetensors(file, { maxHeaderBytes: 16 }),
      new RegExp(`header length ${n} exceeds maxHeaderBytes 16`),
    );
    expect(decodeSafetensors(file, { maxHeaderBytes: n }).tensors.x.data).toEqual(new Float32Array([0]));
    expect(() => decodeSafetensors(file, { maxHeaderBytes: -1 })).toThrow(ValueError);
    expect(() => decodeSafetensors(file, { maxHeaderBytes: Number.NaN })).toThrow(ValueError);
  });

  it('a header that is not UTF-8', () => {
    const file = rawFile('{"a":1}');
    file[10] = 0xff;
    expectBad(() => decodeSafetensors(file), /header \(7 bytes\) is not valid UTF-8/);
  });

  it('a header that is not JSON, or not a JSON object', () => {
    expectBad(() => decodeSafetensors(rawFile('{"a":')), /header \(5 bytes\) is not valid JSON/);
    expectBad(() => decodeSafetensors(rawFile('')), /header \(0 bytes\) is not valid JSON/);
    expectBad(
      () => decodeSafetensors(rawFile('[]')),
      /header must be a JSON object, got an array of length 0/,
    );
    expectBad(() => decodeSafetensors(rawFile('null')), /header must be a JSON object, got null/);
    expectBad(() => decodeSafetensors(rawFile('"x"')), /header must be a JSON object, got "x"/);
    expectBad(() => decodeSafetensors(rawFile('42')), /header must be a JSON object, got 42/);
  });

  it('a tensor entry that is not an object, or misses dtype, shape or data_offsets', () => {
    expectBad(
      () => decodeSafetensors(rawFile({ w: [1, 2] })),
      /tensor 'w': entry must be an object, got an array/,
    );
    expectBad(() => decodeSafetensors(rawFile({ w: 3 })), /tensor 'w': entry must be an object, got 3/);
    for (const field of ['dtype', 'shape', 'data_offsets']) {
      const entry: Record<string, unknown> = { dtype: 'F32', shape: [1], data_offsets: [0, 4] };
      delete entry[field];
      expectBad(
        () => decodeSafetensors(rawFile({ w: entry }, [0, 0, 0, 0])),
        new RegExp(`tensor 'w': missing field '${field}'`),
      );
    }
  });

  it('fields of the wrong type', () => {
    const bad = (entry: Record<string, unknown>) => decodeSafetensors(rawFile({ w: entry }, [0, 0, 0, 0]));
    expectBad(
      () => bad({ dtype: 5, shape: [1], data_offsets: [0, 4] }),
      /tensor 'w': dtype must be a string, got 5/,
    );
    expectBad(
      () => bad({ dtype: 'F32', shape: '1', data_offsets: [0, 4] }),
      /tensor 'w': shape must be an array of integers, got "1"/,
    );
    expectBad(
      () => bad({ dtype: 'F32', shape: [1], data_offsets: 4 }),
      /tensor 'w': data_offsets must be \[begin, end\], got 4/,
    );
    expectBad(
      () => bad({ dtype: 'F32', shape: [1], data_offsets: [0] }),
      /data_offsets must be \[begin, end\], got an array of length 1/,
    );
    expectBad(
      () => bad({ dtype: 'F32', shape: [1], data_offsets: [0, 4, 8] }),
      /data_offsets must be \[begin, end\]/,
    );
    expectBad(
      () => bad({ dtype: 'F32', shape: [1], data_offsets: [0, '4'] }),
      /data_offsets must be two integers ≥ 0, got \[0, "4"\]/,
    );
    expectBad(
      () => bad({ dtype: 'F32', shape: [1], data_offsets: [-4, 0] }),
      /data_offsets must be two integers ≥ 0, got \[-4, 0\]/,
    );
    expectBad(
      () => bad({ dtype: 'F32', shape: [1], data_offsets: [0, 4.5] }),
      /two integers ≥ 0, got \[0, 4.5\]/,
    );
  });

  it('unknown and unsupported dtypes', () => {
    const bad = (dtype: string) =>
      decodeSafetensors(rawFile({ w: { dtype, shape: [1], data_offsets: [0, 1] } }, [0]));
    expectBad(() => bad('F33'), /tensor 'w': unknown dtype "F33" \(supported: F64, F32, F16, BF16, I64/);
    expectBad(() => bad('f32'), /unknown dtype "f32"/);
    expectBad(() => bad('F8_E4M3'), /tensor 'w': dtype F8_E4M3 is not supported by Dendrite/);
  });

  it('negative, fractional and huge dims', () => {
    const bad = (shape: unknown[]) =>
      decodeSafetensors(rawFile({ w: { dtype: 'U8', shape, data_offsets: [0, 1] } }, [0]));
    expectBad(() => bad([1, -1]), /tensor 'w': shape\[1\] is -1; dims must be integers ≥ 0/);
    expectBad(() => bad([0.5]), /shape\[0\] is 0.5; dims must be integers ≥ 0/);
    expectBad(() => bad(['1']), /shape\[0\] is "1"/);
    expectBad(() => bad([null]), /shape\[0\] is null/);
    expectBad(() => bad([1e300]), /shape\[0\] is 1e\+300/);
  });

  it('a shape whose element count × dtype size is not the byte range', () => {
    expectBad(
      () => decodeSafetensors(rawFile({ w: f32(0, 8, [3]) }, new Uint8Array(8))),
      /tensor 'w': shape \[3\] of F32 \(4 bytes each\) needs 12 bytes, not the 8 bytes of data_offsets \[0, 8\]/,
    );
    expectBad(
      () => decodeSafetensors(rawFile({ w: f32(0, 8, [0]) }, new Uint8Array(8))),
      /shape \[0\] of F32 \(4 bytes each\) needs 0 bytes, not the 8 bytes/,
    );
    // A product far beyond 2^53 is caught without being computed exactly.
    expectBad(
      () => decodeSafetensors(rawFile({ w: f32(0, 8, [2 ** 40, 2 ** 40, 2 ** 40]) }, new Uint8Array(8))),
      /shape \[1099511627776,1099511627776,1099511627776\] of F32 \(4 bytes each\) needs more than 9007199254740991 bytes, not the 8 bytes/,
    );
  });

  it('offsets outside the data buffer, or begin > end', () => {
    expectBad(
      () => decodeSafetensors(rawFile({ w: f32(0, 12) }, new Uint8Array(8))),
      /tensor 'w': data_offsets \[0, 12\] run past the data buffer of 8 bytes/,
    );
    expectBad(
      () =>
        decodeSafetensors(
          rawFile({ w: { dtype: 'U8', shape: [0], data_offsets: [8, 0] } }, new Uint8Array(8)),
        ),
      /tensor 'w': data_offsets \[8, 0\] has begin > end/,
    );
  });

  it('overlapping ranges, gaps, and trailing bytes no tensor covers', () => {
    expectBad(
      () => decodeSafetensors(rawFile({ a: f32(0, 8), b: f32(4, 12) }, new Uint8Array(12))),
      /tensor 'b' data_offsets \[4, 12\] overlap tensor 'a' \[0, 8\]/,
    );
    expectBad(
      () => decodeSafetensors(rawFile({ a: f32(0, 8), b: f32(0, 8) }, new Uint8Array(8))),
      /data_offsets \[0, 8\] overlap tensor 'a' \[0, 8\]/,
    );
    expectBad(
      () => decodeSafetensors(rawFile({ a: f32(0, 4), b: f32(8, 12) }, new Uint8Array(12))),
      /data buffer bytes \[4, 8\) belong to no tensor \(gap before tensor 'b'\)/,
    );
    expectBad(
      () => decodeSafetensors(rawFile({ a: f32(4, 8) }, new Uint8Array(8))),
      /data buffer bytes \[0, 4\) belong to no tensor \(gap before tensor 'a'\)/,
    );
    expectBad(
      () => decodeSafetensors(rawFile({ a: f32(0, 4) }, new Uint8Array(8))),
      /data buffer has 8 bytes but the tensors cover only \[0, 4\): 4 trailing bytes belong to no tensor/,
    );
    expectBad(() => decodeSafetensors(rawFile({}, [1])), /1 trailing bytes belong to no tensor/);
  });

  it('__metadata__ that is not an object of strings', () => {
    expectBad(
      () => decodeSafetensors(rawFile({ __metadata__: { step: 3 } })),
      /__metadata__\["step"\] must be a string, got 3/,
    );
    expectBad(
      () => decodeSafetensors(rawFile({ __metadata__: { a: null } })),
      /__metadata__\["a"\] must be a string, got null/,
    );
    expectBad(
      () => decodeSafetensors(rawFile({ __metadata__: { a: {} } })),
      /__metadata__\["a"\] must be a string, got an object/,
    );
    expectBad(
      () => decodeSafetensors(rawFile({ __metadata__: ['x'] })),
      /__metadata__ must be an object of strings, got an array/,
    );
    expectBad(
      () => decodeSafetensors(rawFile({ __metadata__: 'x' })),
      /__metadata__ must be an object of strings, got "x"/,
    );
  });

  it('every truncation of a valid file', () => {
    const file = encodeSafetensors(
      {
        a: { dtype: 'float32', shape: [3], data: new Float32Array([1, 2, 3]) },
        b: { dtype: 'int32', shape: [2], data: new Int32Array([4, 5]) },
      },
      { format: 'pt' },
    );
    for (let cut = 0; cut < file.length; cut++) {
      expect(() => decodeSafetensors(file.subarray(0, cut)), `cut at ${cut}`).toThrow(SafetensorsError);
    }
    expectBad(
      () => decodeSafetensors(file.subarray(0, file.length - 1)),
      /tensor 'b': data_offsets \[12, 20\] run past the data buffer of 19 bytes/,
    );
  });

  it('a value that does not fit int32 or bool names the tensor', () => {
    const bytes = new Uint8Array(8);
    new DataView(bytes.buffer).setBigInt64(0, 1n << 40n, true);
    expectBad(
      () => decodeSafetensors(rawFile({ steps: { dtype: 'I64', shape: [1], data_offsets: [0, 8] } }, bytes)),
      /tensor 'steps' \(I64\) element 0 is 1099511627776, outside the int32 range/,
    );
    expectBad(
      () => decodeSafetensors(rawFile({ m: { dtype: 'BOOL', shape: [2], data_offsets: [0, 2] } }, [0, 7])),
      /tensor 'm' \(BOOL\) element 1 is byte 7/,
    );
  });

  it('input that is not bytes is a ValueError', () => {
    expect(() => decodeSafetensors('file' as unknown as Uint8Array)).toThrow(ValueError);
    expect(() => decodeSafetensors(null as unknown as Uint8Array)).toThrow(ValueError);
  });

  it('random corruption either decodes or throws SafetensorsError, never anything else', () => {
    const file = encodeSafetensors(
      {
        w: { dtype: 'float32', shape: [2, 2], data: new Float32Array([1, 2, 3, 4]) },
        ids: { dtype: 'int32', shape: [3], data: new Int32Array([1, 2, 3]) },
        mask: { dtype: 'bool', shape: [2], data: new Uint8Array([0, 1]) },
      },
      { step: '10' },
    );
    fc.assert(
      fc.property(
        fc.array(fc.record({ at: fc.nat(file.length - 1), value: fc.integer({ min: 0, max: 255 }) }), {
          minLength: 1,
          maxLength: 4,
        }),
        fc.nat(file.length),
        (edits, cut) => {
          const copy = file.slice(0, Math.max(cut, file.length - 8));
          for (const { at, value } of edits) if (at < copy.length) copy[at] = value;
          try {
            decodeSafetensors(copy);
          } catch (err) {
            if (!(err instanceof SafetensorsError)) throw err;
          }
        },
      ),
      { numRuns: 2000, seed: 42 },
    );
  });
});
