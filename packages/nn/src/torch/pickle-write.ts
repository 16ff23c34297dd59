/**
 * A pickle writer (protocol 2, what `torch.save` uses) for the values of ./values.ts. Tensors are
 * handed to `tensor`, which writes their reduce call (see ./torch-save.ts); no memo is written, so
 * a value reached twice is written twice (tensors share storages through their persistent ids).
 */
import { TorchCheckpointError } from './errors.js';
import { PyFloat, PyTuple, type PyValue, TorchTensor } from './values.js';

export const OP = {
  PROTO: 0x80,
  STOP: 0x2e, // .
  MARK: 0x28, // (
  NONE: 0x4e, // N
  NEWTRUE: 0x88,
  NEWFALSE: 0x89,
  BININT: 0x4a, // J
  BININT1: 0x4b, // K
  BININT2: 0x4d, // M
  LONG1: 0x8a,
  BINFLOAT: 0x47, // G
  BINUNICODE: 0x58, // X
  EMPTY_LIST: 0x5d, // ]
  APPENDS: 0x65, // e
  EMPTY_DICT: 0x7d, // }
  SETITEMS: 0x75, // u
  EMPTY_TUPLE: 0x29, // )
  TUPLE: 0x74, // t
  TUPLE1: 0x85,
  TUPLE2: 0x86,
  TUPLE3: 0x87,
  GLOBAL: 0x63, // c
  REDUCE: 0x52, // R
  BINPERSID: 0x51, // Q
} as const;

/** Bytes appended in chunks, joined once at the end. */
export class PickleWriter {
  private chunks: Uint8Array[] = [];
  private current = new Uint8Array(1 << 16);
  private used = 0;
  private readonly encoder = new TextEncoder();

  constructor(private readonly tensor: (w: PickleWriter, t: TorchTensor, path: string) => void) {}

  byte(b: number): void {
    if (this.used === this.current.length) this.flush();
    this.current[this.used++] = b;
  }

  bytes(b: Uint8Array): void {
    if (b.length > this.current.length - this.used) {
      this.flush();
      if (b.length > this.current.length) {
        this.chunks.push(b.slice());
        return;
      }
    }
    this.current.set(b, this.used);
    this.used += b.length;
  }

  private flush(): void {
    this.chunks.push(this.current.subarray(0, this.used));
    this.current = new Uint8Array(1 << 16);
    this.used = 0;
  }

  private u32(n: number): void {
    this.bytes(new Uint8Array([n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff]));
  }

  /** `module.name` as a GLOBAL opcode. */
  global(module: string, name: string): void {
    this.byte(OP.GLOBAL);
    this.bytes(this.encoder.encode(`${module}\n${name}\n`));
  }

  int(n: number | bigint, path: string): void {
    if (typeof n === 'number' && !Number.isSafeInteger(n)) {
      throw new TorchCheckpointError(
        `${path}: ${n} is an integer past 2⁵³, which a JavaScript number does not hold exactly; pass a bigint`,
      );
    }
    const v = BigInt(n);
    if (v >= 0n && v < 256n) {
      this.byte(OP.BININT1);
      this.byte(Number(v));
    } else if (v >= 0n && v < 65536n) {
      this.byte(OP.BININT2);
      this.byte(Number(v) & 0xff);
      this.byte(Number(v) >>> 8);
    } else if (v >= -(2n ** 31n) && v < 2n ** 31n) {
      this.byte(OP.BININT);
      this.u32(Number(v) >>> 0);
    } else {
      // LONG1: little-endian two's complement, as few bytes as hold the sign
      const out: number[] = [];
      let x = v;
      for (;;) {
        const b = Number(x & 0xffn);
        out.push(b);
        x >>= 8n;
        if ((x === 0n && (b & 0x80) === 0) || (x === -1n && (b & 0x80) !== 0)) break;
      }
      this.byte(OP.LONG1);
      this.byte(out.length);
      this.bytes(new Uint8Array(out));
    }
  }

  float(x: number): void {
    const b = new Uint8Array(9);
    b[0] = OP.BINFLOAT;
    new DataView(b.buffer).setFloat64(1, x, false); // big-endian
    this.bytes(b);
  }

  string(s: string): void {
    const utf8 = this.encoder.encode(s);
    this.byte(OP.BINUNICODE);
    this.u32(utf8.length);
    this.bytes(utf8);
  }

  tuple(items: readonly PyValue[], path: string): void {
    if (items.length === 0) {
      this.byte(OP.EMPTY_TUPLE);
      return;
    }
    if (items.length > 3) this.byte(OP.MARK);
    items.forEach((v, i) => this.value(v, `${path}[${i}]`));
    this.byte(items.length > 3 ? OP.TUPLE : [OP.TUPLE1, OP.TUPLE2, OP.TUPLE3][items.length - 1]);
  }

  /** Any value of ./values.ts; `path` names it in errors (`checkpoint["model"]["wte"]`). */
  value(v: PyValue, path: string): void {
    if (v === null) this.byte(OP.NONE);
    else if (typeof v === 'boolean') this.byte(v ? OP.NEWTRUE : OP.NEWFALSE);
    else if (typeof v === 'number') {
      if (Number.isInteger(v)) this.int(v, path);
      else this.float(v);
    } else if (typeof v === 'bigint') this.int(v, path);
    else if (typeof v === 'string') this.string(v);
    else if (v instanceof PyFloat) this.float(v.value);
    else if (v instanceof PyTuple) this.tuple(v.items, path);
    else if (v instanceof TorchTensor) this.tensor(this, v, path);
    else if (Array.isArray(v)) this.list(v, path);
    else this.dict(v, path);
  }

  private list(v: readonly PyValue[], path: string): void {
    this.byte(OP.EMPTY_LIST);
    if (v.length === 0) return;
    this.byte(OP.MARK);
    v.forEach((item, i) => this.value(item, `${path}[${i}]`));
    this.byte(OP.APPENDS);
  }

  private dict(v: unknown, path: string): void {
    if (!(v instanceof Map) && !isPlainObject(v)) {
      const what = (v as object)?.constructor?.name ?? typeof v;
      throw new TorchCheckpointError(`${path}: a ${what} has no pickle form (see TorchTensor, PyTuple, Map)`);
    }
    const entries: [PyValue, PyValue][] = v instanceof Map ? [...v.entries()] : Object.entries(v);
    this.byte(OP.EMPTY_DICT);
    if (entries.length === 0) return;
    this.byte(OP.MARK);
    for (const [key, item] of entries) {
      this.value(key, `${path} key`);
      this.value(item, `${path}[${JSON.stringify(typeof key === 'string' ? key : String(key))}]`);
    }
    this.byte(OP.SETITEMS);
  }

  /** Every byte written, PROTO 2 first and STOP last. */
  finish(root: PyValue): Uint8Array {
    this.byte(OP.PROTO);
    this.byte(2);
    this.value(root, 'checkpoint');
    this.byte(OP.STOP);
    this.flush();
    const total = this.chunks.reduce((n, c) => n + c.length, 0);
    const out = new Uint8Array(total);
    let at = 0;
    for (const c of this.chunks) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  }
}

function isPlainObject(v: unknown): v is Record<string, PyValue> {
  if (typeof v !== 'object' || v === null) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}
