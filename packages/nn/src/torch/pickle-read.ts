/**
 * A pickle reader for what `torch.save` writes (protocols 2 to 5): plain values, tuples, dicts and
 * OrderedDicts, and tensors. It never runs code: a GLOBAL resolves only through `globals`, an
 * allow-list of the few Python callables a checkpoint of tensors and settings uses (as PyTorch's
 * own `weights_only=True` does); anything else is an error naming the class.
 */
import { TorchCheckpointError } from './errors.js';
import { PyTuple, type PyValue } from './values.js';

/** A Python callable the reader allows: called by REDUCE (or NEWOBJ) with the arguments' values. */
export type PyCallable = (args: readonly unknown[], where: string) => unknown;

/** What the reader needs from the container around the pickle. */
export interface PickleContext {
  /** `module.name` → what it stands for; missing names are refused. */
  globals: ReadonlyMap<string, unknown>;
  /** BINPERSID's value for a persistent id (a storage of `torch.save`). */
  persistentLoad(pid: unknown): unknown;
  /** The record's name, for errors. */
  where: string;
}

const MARK = Symbol('mark');

const decoder = new TextDecoder('utf-8', { fatal: true });

/** Reads one pickle; the value STOP leaves. */
export function readPickle(bytes: Uint8Array, ctx: PickleContext): unknown {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const stack: unknown[] = [];
  const memo = new Map<number, unknown>();
  let pos = 0;
  const fail = (what: string): never => {
    throw new TorchCheckpointError(`${ctx.where}: ${what} (byte ${pos})`);
  };
  const need = (n: number) => {
    if (pos + n > bytes.length) fail(`ends inside an opcode's argument (${n} more bytes needed)`);
  };
  const u8 = () => {
    need(1);
    return bytes[pos++];
  };
  const u16 = () => {
    need(2);
    pos += 2;
    return view.getUint16(pos - 2, true);
  };
  const u32 = () => {
    need(4);
    pos += 4;
    return view.getUint32(pos - 4, true);
  };
  const u64 = () => {
    need(8);
    pos += 8;
    const v = view.getBigUint64(pos - 8, true);
    if (v > BigInt(bytes.length)) fail(`a length of ${v} bytes, past the end of the record`);
    return Number(v);
  };
  const take = (n: number) => {
    need(n);
    pos += n;
    return bytes.subarray(pos - n, pos);
  };
  const text = (n: number) => {
    const raw = take(n);
    try {
      return decoder.decode(raw);
    } catch {
      return fail('a string that is not UTF-8');
    }
  };
  const line = () => {
    const end = bytes.indexOf(0x0a, pos);
    if (end < 0) fail('a GLOBAL without its newline');
    const s = new TextDecoder().decode(bytes.subarray(pos, end));
    pos = end + 1;
    return s;
  };
  const pop = (): unknown => {
    if (stack.length === 0) fail('pops an empty stack');
    const v = stack.pop();
    if (v === MARK) fail('pops a MARK as a value');
    return v;
  };
  const popMark = (): unknown[] => {
    const at = stack.lastIndexOf(MARK);
    if (at < 0) fail('no MARK to pop to');
    const items = stack.splice(at);
    items.shift();
    return items;
  };
  const top = (): unknown => {
    if (stack.length === 0 || stack[stack.length - 1] === MARK) fail('needs a value on the stack');
    return stack[stack.length - 1];
  };
  const lookup = (module: string, name: string): unknown => {
    const key = `${module}.${name}`;
    if (!ctx.globals.has(key)) {
      fail(
        `uses the Python class or function '${key}', which a checkpoint of tensors and plain values does not need and Dendrite does not run`,
      );
    }
    return ctx.globals.get(key);
  };
  const call = (fn: unknown, args: unknown): unknown => {
    if (typeof fn !== 'function') fail(`calls something that is not a callable (${describe(fn)})`);
    if (!(args instanceof PyTuple)) fail('calls with arguments that are not a tuple');
    return (fn as PyCallable)((args as PyTuple).items, ctx.where);
  };
  const setItems = (dict: unknown, items: unknown[]) => {
    if (!(dict instanceof Map)) fail(`sets items on a ${describe(dict)}, not a dict`);
    for (let i = 0; i + 1 < items.length; i += 2) (dict as Map<unknown, unknown>).set(items[i], items[i + 1]);
  };
  const int = (v: bigint): number | bigint =>
    v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;

  for (;;) {
    if (pos >= bytes.length) fail('ends without a STOP opcode');
    const op = bytes[pos++];
    switch (op) {
      case 0x80: // PROTO
        if (u8() > 5) fail('uses a pickle protocol above 5');
        break;
      case 0x95: // FRAME
        u64();
        break;
      case 0x2e: // STOP
        return pop();
      case 0x28: // MARK
        stack.push(MARK);
        break;
      case 0x4e: // NONE
        stack.push(null);
        break;
      case 0x88:
        stack.push(true);
        break;
      case 0x89:
        stack.push(false);
        break;
      case 0x4b: // BININT1
        stack.push(u8());
        break;
      case 0x4d: // BININT2
        stack.push(u16());
        break;
      case 0x4a: // BININT
        stack.push(u32() | 0);
        break;
      case 0x8a: // LONG1
      case 0x8b: {
        // LONG4
        const n = op === 0x8a ? u8() : u32();
        const b = take(n);
        let v = 0n;
        for (let i = n - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]);
        if (n > 0 && b[n - 1] & 0x80) v -= 1n << BigInt(8 * n);
        stack.push(int(v));
        break;
      }
      case 0x47: // BINFLOAT
        need(8);
        stack.push(view.getFloat64(pos, false));
        pos += 8;
        break;
      case 0x58: // BINUNICODE
        stack.push(text(u32()));
        break;
      case 0x8c: // SHORT_BINUNICODE
        stack.push(text(u8()));
        break;
      case 0x8d: // BINUNICODE8
        stack.push(text(u64()));
        break;
      case 0x43: // SHORT_BINBYTES
        stack.push(take(u8()).slice());
        break;
      case 0x42: // BINBYTES
        stack.push(take(u32()).slice());
        break;
      case 0x8e: // BINBYTES8
        stack.push(take(u64()).slice());
        break;
      case 0x5d: // EMPTY_LIST
        stack.push([]);
        break;
      case 0x6c: // LIST
        stack.push(popMark());
        break;
      case 0x61: {
        // APPEND
        const v = pop();
        const list = top();
        if (!Array.isArray(list)) fail(`appends to a ${describe(list)}, not a list`);
        (list as unknown[]).push(v);
        break;
      }
      case 0x65: {
        // APPENDS
        const items = popMark();
        const list = top();
        if (!Array.isArray(list)) fail(`appends to a ${describe(list)}, not a list`);
        (list as unknown[]).push(...items);
        break;
      }
      case 0x7d: // EMPTY_DICT
        stack.push(new Map());
        break;
      case 0x64: {
        // DICT
        const d = new Map();
        setItems(d, popMark());
        stack.push(d);
        break;
      }
      case 0x73: {
        // SETITEM
        const v = pop();
        const k = pop();
        setItems(top(), [k, v]);
        break;
      }
      case 0x75: // SETITEMS
        setItems(stack[stack.lastIndexOf(MARK) - 1], popMark());
        break;
      case 0x29: // EMPTY_TUPLE
        stack.push(new PyTuple([]));
        break;
      case 0x74: // TUPLE
        stack.push(new PyTuple(popMark() as PyValue[]));
        break;
      case 0x85:
      case 0x86:
      case 0x87: {
        const n = op - 0x84;
        if (stack.length < n) fail('builds a tuple from too few values');
        const items = stack.splice(stack.length - n);
        if (items.includes(MARK)) fail('builds a tuple across a MARK');
        stack.push(new PyTuple(items as PyValue[]));
        break;
      }
      case 0x63: {
        // GLOBAL
        const module = line();
        stack.push(lookup(module, line()));
        break;
      }
      case 0x93: {
        // STACK_GLOBAL
        const name = pop();
        const module = pop();
        if (typeof module !== 'string' || typeof name !== 'string') fail('STACK_GLOBAL of non-strings');
        stack.push(lookup(module as string, name as string));
        break;
      }
      case 0x52: {
        // REDUCE
        const args = pop();
        stack.push(call(pop(), args));
        break;
      }
      case 0x81: {
        // NEWOBJ: cls.__new__(cls, *args), for the allowed classes the same as calling them
        const args = pop();
        stack.push(call(pop(), args));
        break;
      }
      case 0x62: {
        // BUILD: an OrderedDict's attributes (a state dict's `_metadata`), not needed
        pop();
        const target = top();
        if (!(target instanceof Map))
          fail(`sets the state of a ${describe(target)}, which Dendrite does not rebuild`);
        break;
      }
      case 0x51: // BINPERSID
        stack.push(ctx.persistentLoad(pop()));
        break;
      case 0x71: // BINPUT
        memo.set(u8(), top());
        break;
      case 0x72: // LONG_BINPUT
        memo.set(u32(), top());
        break;
      case 0x94: // MEMOIZE
        memo.set(memo.size, top());
        break;
      case 0x68: // BINGET
      case 0x6a: {
        // LONG_BINGET
        const i = op === 0x68 ? u8() : u32();
        if (!memo.has(i)) fail(`reads memo slot ${i}, which was never written`);
        stack.push(memo.get(i));
        break;
      }
      case 0x30: // POP
        if (stack.pop() === undefined) fail('pops an empty stack');
        break;
      case 0x31: // POP_MARK
        popMark();
        break;
      case 0x32: // DUP
        stack.push(top());
        break;
      default:
        fail(
          `has opcode 0x${op.toString(16).padStart(2, '0')}, which torch.save does not write for tensors and plain values`,
        );
    }
  }
}

function describe(v: unknown): string {
  if (v === null) return 'None';
  if (typeof v === 'object') return (v as object).constructor?.name ?? 'object';
  return typeof v;
}
