import { BackendError, DTypeError, ShapeError, tensor, ValueError } from '@dendrite/tensor';
import { describe, expect, it } from 'vitest';
import { decodeSafetensors } from './decode.js';
import { encodeSafetensors, serializeStateDict } from './encode.js';
import { asyncOnlyBackend, bytesOf } from './test-utils.js';

describe('encodeSafetensors', () => {
  it('writes exactly the bytes the spec prescribes for a known state dict', () => {
    const bytes = encodeSafetensors(
      {
        b: tensor(new Float32Array([1, -2])),
        mask: tensor(new Uint8Array([1, 0, 1]), { dtype: 'bool' }),
        a: tensor(new Int32Array([7]), { shape: [1, 1] }),
      },
      { format: 'pt', author: 'dendrite' },
    );

    // Expected, by hand: sorted names, metadata first with sorted keys, contiguous offsets.
    let header =
      '{"__metadata__":{"author":"dendrite","format":"pt"},' +
      '"a":{"dtype":"I32","shape":[1,1],"data_offsets":[0,4]},' +
      '"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]},' +
      '"mask":{"dtype":"BOOL","shape":[3],"data_offsets":[12,15]}}';
    while (header.length % 8 !== 0) header += ' ';
    const expected = new Uint8Array(8 + header.length + 15);
    const view = new DataView(expected.buffer);
    view.setBigUint64(0, BigInt(header.length), true);
    for (let i = 0; i < header.length; i++) expected[8 + i] = header.charCodeAt(i);
    const d = 8 + header.length;
    view.setInt32(d, 7, true);
    view.setFloat32(d + 4, 1, true);
    view.setFloat32(d + 8, -2, true);
    expected.set([1, 0, 1], d + 12);

    expect(bytesOf(bytes)).toEqual([...expected]);
  });

  it('pads the header with spaces so the data starts 8-byte aligned', () => {
    for (let nameLength = 1; nameLength <= 16; nameLength++) {
      const name = 'x'.repeat(nameLength);
      const bytes = encodeSafetensors({
        [name]: { dtype: 'float64', shape: [1], data: new Float64Array([2]) },
      });
      const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
      expect((8 + n) % 8).toBe(0);
      const text = new TextDecoder().decode(bytes.subarray(8, 8 + n));
      expect(text.trimEnd().endsWith('}')).toBe(true);
      expect(/^ *$/.test(text.slice(text.trimEnd().length))).toBe(true);
      expect(new DataView(bytes.buffer).getFloat64(8 + n, true)).toBe(2);
    }
  });

  it('counts header length in UTF-8 bytes (non-ASCII names and metadata)', () => {
    const bytes = encodeSafetensors(
      { 'poids·é🙂': { dtype: 'int32', shape: [1], data: new Int32Array([5]) } },
      { clé: 'välue 🙂' },
    );
    const { tensors, metadata } = decodeSafetensors(bytes);
    expect(tensors['poids·é🙂'].data).toEqual(new Int32Array([5]));
    expect(metadata).toEqual({ clé: 'välue 🙂' });
  });

  it('gives the same bytes for the same tensors in any insertion order', () => {
    const w = { dtype: 'float32' as const, shape: [2], data: new Float32Array([1, 2]) };
    const b = { dtype: 'int32' as const, shape: [1], data: new Int32Array([3]) };
    expect(bytesOf(encodeSafetensors({ w, b }, { x: '1', y: '2' }))).toEqual(
      bytesOf(encodeSafetensors({ b, w }, { y: '2', x: '1' })),
    );
  });

  it('omits __metadata__ when there is none, and writes an empty dict as {}', () => {
    const bytes = encodeSafetensors({}, {});
    expect(bytes.length).toBe(16);
    expect(new TextDecoder().decode(bytes.subarray(8))).toBe('{}      ');
    expect(decodeSafetensors(bytes)).toEqual({ tensors: {}, metadata: {} });
  });

  it('writes non-contiguous views and scalars in row-major order', () => {
    const m = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    const { tensors } = decodeSafetensors(encodeSafetensors({ t: m.transpose(0, 1), s: tensor(3.5) }));
    expect(tensors.t.shape).toEqual([3, 2]);
    expect([...tensors.t.data]).toEqual([1, 4, 2, 5, 3, 6]);
    expect(tensors.s).toEqual({ dtype: 'float32', shape: [], data: new Float32Array([3.5]) });
  });

  it('rejects entries that do not describe a tensor', () => {
    const enc = (entry: unknown) => () => encodeSafetensors({ w: entry as never });
    expect(enc({ dtype: 'float16', shape: [1], data: new Float32Array(1) })).toThrow(DTypeError);
    expect(enc({ dtype: 'float32', shape: [1], data: new Float64Array(1) })).toThrow(
      /tensor 'w': float32 data must be a Float32Array, got Float64Array/,
    );
    expect(enc({ dtype: 'float32', shape: [3], data: new Float32Array(2) })).toThrow(ShapeError);
    expect(enc({ dtype: 'float32', shape: [3], data: new Float32Array(2) })).toThrow(
      /shape \[3\] needs 3 values, data has 2/,
    );
    expect(enc({ dtype: 'float32', shape: [-1], data: new Float32Array(1) })).toThrow(ShapeError);
    expect(enc({ dtype: 'bool', shape: [1], data: new Uint8Array([2]) })).toThrow(ValueError);
    expect(enc(null)).toThrow(ValueError);
    expect(() => encodeSafetensors({ __metadata__: tensor([1]) })).toThrow(/'__metadata__' is reserved/);
    expect(() => encodeSafetensors({}, { step: 3 as unknown as string })).toThrow(
      /metadata\["step"\] must be a string, got 3/,
    );
  });

  it('asks for serializeStateDict when a tensor cannot be read synchronously', async () => {
    const w = tensor(new Float32Array([1, 2, 3]), { backend: asyncOnlyBackend });
    expect(() => encodeSafetensors({ w })).toThrow(BackendError);
    expect(() => encodeSafetensors({ w })).toThrow(
      /tensor 'w' is on backend 'safetensors-test-async' and cannot be read synchronously; use `await encodeSafetensorsAsync\(...\)`.*serializeStateDict/,
    );
    const bytes = await serializeStateDict({ w }, { device: 'async' });
    const { tensors, metadata } = decodeSafetensors(bytes);
    expect(tensors.w.data).toEqual(new Float32Array([1, 2, 3]));
    expect(metadata).toEqual({ device: 'async' });
  });

  it('serializeStateDict gives the same bytes as encodeSafetensors and rejects non-tensors', async () => {
    const sd = { w: tensor([[1, 2]]), n: tensor(new Int32Array([4])) };
    expect(bytesOf(await serializeStateDict(sd, { a: 'b' }))).toEqual(
      bytesOf(encodeSafetensors(sd, { a: 'b' })),
    );
    await expect(serializeStateDict({ w: [1, 2] as never })).rejects.toThrow(
      /'w' is an array of length 2, not a Tensor/,
    );
  });
});
