import { describe, expect, it } from 'vitest';
import { TorchCheckpointError } from './errors.js';
import { decodePickle, encodePickle } from './pickle.js';
import { PickleWriter } from './pickle-write.js';
import { decodeTorchSave, encodeTorchSave } from './torch-save.js';
import { PyFloat, PyTuple, type PyValue, TorchTensor } from './values.js';
import { readZip, writeZip, ZIP_ALIGNMENT } from './zip.js';

const roundTrip = (v: PyValue) => decodeTorchSave(encodeTorchSave(v));

describe('torch.save files: plain values', () => {
  it('ints at every width the pickle uses, and past 2⁵³ as bigint', () => {
    const ints = [
      0,
      1,
      255,
      256,
      65535,
      65536,
      -1,
      -256,
      2 ** 31 - 1,
      -(2 ** 31),
      2 ** 31,
      -(2 ** 31) - 1,
      2 ** 53 - 1,
      -(2 ** 53 - 1),
    ];
    expect(roundTrip(ints)).toEqual(ints);
    expect(roundTrip([2n ** 70n, -(2n ** 70n), 5n, -(2n ** 63n)])).toEqual([
      2n ** 70n,
      -(2n ** 70n),
      5,
      -(2n ** 63n),
    ]);
  });

  it('floats bit for bit (NaN, ±∞, −0), and PyFloat for an integral float', () => {
    const got = roundTrip([
      0.1,
      -1e-300,
      6e-4,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      -Infinity,
      new PyFloat(1),
      new PyFloat(-0),
    ]) as number[];
    expect(got.slice(0, 3)).toEqual([0.1, -1e-300, 6e-4]);
    expect(got[3]).toBeNaN();
    expect(got.slice(4, 7)).toEqual([Infinity, -Infinity, 1]);
    expect(Object.is(got[7], -0)).toBe(true);
  });

  it('None, bools, strings (UTF-8), lists, tuples of every length, dicts with str and int keys', () => {
    const value = new Map<PyValue, PyValue>([
      ['none', null],
      ['yes', true],
      ['no', false],
      ['text', 'héllo ✓ \n 🎉'],
      ['empty', ''],
      ['list', [1, [2, []], 'x']],
      [
        'tuples',
        [
          new PyTuple([]),
          new PyTuple([1]),
          new PyTuple([1, 2]),
          new PyTuple([1, 2, 3]),
          new PyTuple([1, 2, 3, 4, 5]),
        ],
      ],
      [
        'itos',
        new Map<PyValue, PyValue>([
          [0, '\n'],
          [1, ' '],
          [64, 'z'],
        ]),
      ],
    ]);
    expect(roundTrip(value)).toEqual(value);
  });

  it('plain objects are written as dicts with string keys, read back as Maps', () => {
    expect(roundTrip({ n_layer: 4, dropout: 0.1, bias: true })).toEqual(
      new Map<PyValue, PyValue>([
        ['n_layer', 4],
        ['dropout', 0.1],
        ['bias', true],
      ]),
    );
  });

  it('a value with no pickle form is a TorchCheckpointError naming where it is', () => {
    expect(() => encodeTorchSave({ model: { w: new Date(0) as unknown as PyValue } })).toThrow(
      /checkpoint\["model"\]\["w"\]: a Date has no pickle form/,
    );
    expect(() => encodeTorchSave({ n: 2 ** 60 })).toThrow(/checkpoint\["n"\]: \d+ is an integer past 2⁵³/);
    expect(() => encodeTorchSave({ f: (() => 1) as unknown as PyValue })).toThrow(TorchCheckpointError);
  });

  it('the same value gives the same bytes', () => {
    const make = () => ({ w: new TorchTensor('float32', [2], new Float32Array([1, 2])), iter_num: 3 });
    expect(encodeTorchSave(make())).toEqual(encodeTorchSave(make()));
  });
});

describe('torch.save files: tensors', () => {
  it('every Dendrite dtype, scalars and empty tensors, bit for bit', () => {
    const tensors = {
      f32: new TorchTensor('float32', [2, 3], new Float32Array([1, -2, 3.5, Number.NaN, -0, 1e-40])),
      f64: new TorchTensor('float64', [], new Float64Array([Math.PI])),
      i32: new TorchTensor('int32', [3], new Int32Array([-(2 ** 31), 0, 2 ** 31 - 1])),
      bool: new TorchTensor('bool', [2, 2], new Uint8Array([1, 0, 0, 1])),
      empty: new TorchTensor('float32', [0, 4], new Float32Array(0)),
      grad: new TorchTensor('float32', [1], new Float32Array([7]), true),
    };
    const got = roundTrip(tensors) as Map<string, TorchTensor>;
    for (const [name, t] of Object.entries(tensors)) {
      const back = got.get(name) as TorchTensor;
      expect(back).toBeInstanceOf(TorchTensor);
      expect([back.dtype, back.shape, back.requiresGrad]).toEqual([t.dtype, t.shape, t.requiresGrad]);
      expect(new Uint8Array(back.data.buffer, back.data.byteOffset, back.data.byteLength)).toEqual(
        new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength),
      );
    }
  });

  it('tensors with the same data share one storage record, as tied weights do', () => {
    const data = new Float32Array([1, 2, 3, 4]);
    const bytes = encodeTorchSave({
      'transformer.wte.weight': new TorchTensor('float32', [2, 2], data),
      'lm_head.weight': new TorchTensor('float32', [2, 2], data),
      other: new TorchTensor('float32', [4], data.slice()),
    });
    const records = [...readZip(bytes).keys()];
    expect(records).toEqual([
      'archive/data.pkl',
      'archive/byteorder',
      'archive/data/0',
      'archive/data/1',
      'archive/version',
    ]);
    const got = decodeTorchSave(bytes) as Map<string, TorchTensor>;
    expect(Array.from(got.get('lm_head.weight')?.data ?? [])).toEqual([1, 2, 3, 4]);
  });

  it('a shape that does not match the data is refused before anything is written', () => {
    expect(() => encodeTorchSave({ w: new TorchTensor('float32', [2, 3], new Float32Array(5)) })).toThrow(
      /checkpoint\["w"\]: shape \[2, 3\] holds 6 elements but its data has 5/,
    );
  });

  it('a strided view of a storage (a transpose at an offset) is read as a contiguous copy', () => {
    // what torch.save writes for x[:, 1:].t() of x = arange(8).reshape(2, 4): offset 1, size (3, 2), stride (1, 4)
    const storage = new Float32Array([0, 1, 2, 3, 4, 5, 6, 7]);
    const bytes = handWritten((w) => {
      w.global('torch._utils', '_rebuild_tensor_v2');
      w.byte(0x28); // MARK
      w.byte(0x28);
      w.string('storage');
      w.global('torch', 'FloatStorage');
      w.string('0');
      w.string('cuda:0'); // where PyTorch kept it does not matter here
      w.int(8, 'numel');
      w.byte(0x74); // TUPLE
      w.byte(0x51); // BINPERSID
      w.int(1, 'offset');
      w.tuple([3, 2], 'size');
      w.tuple([1, 4], 'stride');
      w.value(false, 'requires_grad');
      w.global('collections', 'OrderedDict');
      w.byte(0x29);
      w.byte(0x52);
      w.byte(0x74);
      w.byte(0x52);
    }, storage);
    const t = decodeTorchSave(bytes) as TorchTensor;
    expect(t.shape).toEqual([3, 2]);
    expect(Array.from(t.data)).toEqual([1, 5, 2, 6, 3, 7]);
  });
});

/** A torch.save zip whose pickle is what `body` writes, with `storage` as its record 0. */
function handWritten(body: (w: PickleWriter) => void, storage: Float32Array): Uint8Array {
  const w = new PickleWriter((writer) => body(writer)); // the root below is one tensor: `body` writes it
  const pickle = w.finish(new TorchTensor('float32', [], new Float32Array(1)));
  return writeZip([
    { name: 'x/data.pkl', data: pickle },
    { name: 'x/data/0', data: new Uint8Array(storage.buffer) },
    { name: 'x/version', data: new TextEncoder().encode('3\n') },
  ]);
}

describe('torch.save files: what is refused', () => {
  const pickleOnly = (pickle: number[] | Uint8Array) =>
    writeZip([
      { name: 'a/data.pkl', data: Uint8Array.from(pickle) },
      { name: 'a/version', data: new TextEncoder().encode('3\n') },
    ]);
  const enc = (s: string) => [...new TextEncoder().encode(s)];

  it('a Python callable outside the allow-list, naming it (nothing is ever run)', () => {
    const evil = [0x80, 2, ...enc('cos\nsystem\n'), ...enc('X'), 2, 0, 0, 0, ...enc('ls'), 0x85, 0x52, 0x2e];
    expect(() => decodeTorchSave(pickleOnly(evil), { file: 'ckpt.pt' })).toThrow(
      /PyTorch checkpoint 'ckpt.pt': a\/data.pkl: uses the Python class or function 'os.system'/,
    );
  });

  it('an unknown opcode, a missing STOP, an unwritten memo slot', () => {
    expect(() => decodeTorchSave(pickleOnly([0x80, 2, 0x49, 0x2e]))).toThrow(/opcode 0x49/);
    expect(() => decodeTorchSave(pickleOnly([0x80, 2, 0x4e]))).toThrow(/ends without a STOP/);
    expect(() => decodeTorchSave(pickleOnly([0x80, 2, 0x68, 3, 0x2e]))).toThrow(/memo slot 3/);
    expect(() => decodeTorchSave(pickleOnly([0x80, 2, 0x58, 9, 0, 0, 0, 0x61]))).toThrow(
      /ends inside an opcode/,
    );
  });

  it('a storage record missing or too short for its elements', () => {
    const bytes = encodeTorchSave({ w: new TorchTensor('float32', [4], new Float32Array(4)) });
    const records = readZip(bytes);
    const without = writeZip(
      [...records].filter(([n]) => n !== 'archive/data/0').map(([name, data]) => ({ name, data })),
    );
    expect(() => decodeTorchSave(without)).toThrow(/record 'archive\/data\/0' is missing/);
    const short = writeZip(
      [...records].map(([name, data]) => ({
        name,
        data: name === 'archive/data/0' ? data.subarray(0, 12) : data,
      })),
    );
    expect(() => decodeTorchSave(short)).toThrow(/holds 12 bytes; its 4 FloatStorage elements need 16/);
  });

  it('not a zip, a legacy (pre-1.6) file, no data.pkl', () => {
    expect(() => decodeTorchSave(new Uint8Array([0x80, 2, 0x8a, 10]))).toThrow(
      /not a zip archive .*legacy-format/,
    );
    expect(() => decodeTorchSave(writeZip([{ name: 'a/other', data: new Uint8Array(1) }]))).toThrow(
      /no '<archive>\/data.pkl' record among a\/other/,
    );
  });
});

describe('the zip container', () => {
  it('starts every entry’s data on a 64-byte boundary and reads back what it wrote', () => {
    const entries = Array.from({ length: 7 }, (_, i) => ({
      name: `archive/${'n'.repeat(i * 5)}${i}`,
      data: Uint8Array.from({ length: i * 13 + 1 }, (_, k) => (k * 7 + i) & 0xff),
    }));
    const bytes = writeZip(entries);
    const read = readZip(bytes);
    expect([...read.keys()]).toEqual(entries.map((e) => e.name));
    for (const e of entries) {
      const got = read.get(e.name) as Uint8Array;
      expect(got).toEqual(e.data);
      expect(got.byteOffset % ZIP_ALIGNMENT).toBe(0);
    }
  });

  it('a flipped byte fails the CRC, a cut file names what it lacks, a compressed entry is refused', () => {
    const bytes = writeZip([{ name: 'a/x', data: new Uint8Array([1, 2, 3, 4]) }]);
    const flipped = bytes.slice();
    flipped[64] ^= 1;
    expect(() => readZip(flipped)).toThrow(/'a\/x' fails its CRC-32 check/);
    expect(() => readZip(bytes.subarray(0, 70))).toThrow(/no end record/);
    const deflated = bytes.slice();
    const central = new DataView(deflated.buffer).getUint32(deflated.length - 6, true);
    new DataView(deflated.buffer).setUint16(central + 10, 8, true);
    expect(() => readZip(deflated)).toThrow(/'a\/x' is compressed \(method 8\)/);
  });
});

describe('plain pickles', () => {
  it("round-trip a character vocabulary as nanoGPT's meta.pkl holds it, and refuse tensors and classes", () => {
    const meta = new Map<PyValue, PyValue>([
      ['vocab_size', 3],
      [
        'itos',
        new Map<PyValue, PyValue>([
          [0, '\n'],
          [1, 'a'],
          [2, 'é'],
        ]),
      ],
      [
        'stoi',
        new Map<PyValue, PyValue>([
          ['\n', 0],
          ['a', 1],
          ['é', 2],
        ]),
      ],
    ]);
    const bytes = encodePickle(meta);
    expect(Array.from(bytes.subarray(0, 2))).toEqual([0x80, 2]);
    expect(decodePickle(bytes)).toEqual(meta);
    expect(() => encodePickle({ w: new TorchTensor('float32', [1], new Float32Array(1)) })).toThrow(
      /checkpoint\["w"\]: a tensor in a plain pickle/,
    );
    const enc = (s: string) => [...new TextEncoder().encode(s)];
    const numpy = Uint8Array.from([0x80, 2, ...enc('cnumpy\ndtype\n'), 0x29, 0x52, 0x2e]);
    expect(() => decodePickle(numpy, 'meta.pkl')).toThrow(
      /meta.pkl: uses the Python class or function 'numpy.dtype'/,
    );
  });
});
