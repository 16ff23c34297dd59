/**
 * What `console.log` prints, as Node prints it: `format(...args)` follows Node's `util.format`
 * (`%s %d %i %f %j %o %O %c %%`, then the remaining arguments joined by spaces, strings as they are),
 * and `inspect(value)` follows `util.inspect` with its defaults (breakLength 80, compact 3, depth 2)
 * for what samples print: numbers (`-0` too), strings, booleans, null/undefined, bigints, symbols,
 * functions and classes, arrays (grouped in columns when long, as Node does), typed arrays, plain
 * objects and class instances, Maps, Sets, Dates and Errors.
 *
 * One deliberate difference: an object whose class defines its own `toString()` (a Tensor, a
 * Module) prints that string, as the course's samples do with `.toString()`, where Node would dump
 * its internal fields.
 *
 * Runs in the browser (the in-page runner) and in Node (its tests), with no dependency.
 */

const BREAK_LENGTH = 80;
const COMPACT = 3;
const DEPTH = 2;
const MAX_ARRAY_LENGTH = 100;

interface Context {
  indentationLvl: number;
  currentDepth: number;
  seen: unknown[];
}

/** `util.format`: the line `console.log(...args)` prints. */
export function format(...args: unknown[]): string {
  const first = args[0];
  let rest = 0;
  let out = '';
  if (typeof first === 'string') {
    rest = 1;
    if (first.includes('%') && args.length > 1) {
      out = first.replace(/%([sdifjoOc%])/g, (whole, spec: string) => {
        if (spec === '%') return '%';
        if (rest >= args.length) return whole;
        const arg = args[rest++];
        switch (spec) {
          case 's':
            if (typeof arg === 'number') return formatNumber(arg);
            if (typeof arg === 'bigint') return `${arg}n`;
            if (typeof arg === 'symbol') return String(arg);
            if (arg !== null && typeof arg === 'object' && !hasOwnToString(arg))
              return inspect(arg, { depth: 0 });
            return String(arg);
          case 'd':
            if (typeof arg === 'bigint') return `${arg}n`;
            if (typeof arg === 'symbol') return 'NaN';
            return typeof arg === 'object' && arg !== null ? 'NaN' : formatNumber(Number(arg));
          case 'i':
            if (typeof arg === 'bigint') return `${arg}n`;
            if (typeof arg === 'symbol') return 'NaN';
            return formatNumber(Number.parseInt(String(arg), 10));
          case 'f':
            if (typeof arg === 'symbol') return 'NaN';
            return formatNumber(Number.parseFloat(String(arg)));
          case 'j':
            try {
              return String(JSON.stringify(arg));
            } catch {
              return '[Circular]';
            }
          case 'c':
            return '';
          default: // o, O
            return inspect(arg, spec === 'o' ? { depth: 4 } : {});
        }
      });
    } else {
      out = first;
    }
  }
  for (let i = rest; i < args.length; i++) {
    const arg = args[i];
    const text = typeof arg === 'string' ? arg : inspect(arg);
    out = i === 0 ? text : `${out} ${text}`;
  }
  return out;
}

/** `util.inspect(value)` with Node's defaults (or another depth). */
export function inspect(value: unknown, options: { depth?: number } = {}): string {
  const ctx: Context = { indentationLvl: 0, currentDepth: 0, seen: [] };
  return formatValue(ctx, value, 0, options.depth ?? DEPTH);
}

function formatNumber(n: number): string {
  return Object.is(n, -0) ? '-0' : `${n}`;
}

/** True when the object's class (not Object.prototype) supplies `toString`: a Tensor, a Module. */
function hasOwnToString(value: object): boolean {
  if (Array.isArray(value) || ArrayBuffer.isView(value) || value instanceof Error) return false;
  const own = (value as { toString?: unknown }).toString;
  return typeof own === 'function' && own !== Object.prototype.toString;
}

/** A string inside an object or array: quoted with ' (or " or ` when it holds a '), escaped. */
function quote(s: string): string {
  let q = "'";
  if (s.includes("'")) {
    if (!s.includes('"')) q = '"';
    else if (!s.includes('`') && !s.includes('${')) q = '`';
  }
  const named: Record<string, string> = {
    '\n': '\\n',
    '\t': '\\t',
    '\r': '\\r',
    '\b': '\\b',
    '\f': '\\f',
    '\v': '\\v',
  };
  let escaped = '';
  for (const c of s) {
    const code = c.charCodeAt(0);
    if (c === q || c === '\\') escaped += `\\${c}`;
    else if (named[c]) escaped += named[c];
    else if (code < 0x20 || code === 0x7f)
      escaped += `\\x${code.toString(16).padStart(2, '0').toUpperCase()}`;
    else escaped += c;
  }
  return `${q}${escaped}${q}`;
}

function formatPrimitive(value: unknown): string | null {
  switch (typeof value) {
    case 'string':
      return quote(value);
    case 'number':
      return formatNumber(value);
    case 'bigint':
      return `${value}n`;
    case 'boolean':
      return `${value}`;
    case 'undefined':
      return 'undefined';
    case 'symbol':
      return value.toString();
    default:
      return value === null ? 'null' : null;
  }
}

function formatValue(ctx: Context, value: unknown, recurseTimes: number, depth: number): string {
  const primitive = formatPrimitive(value);
  if (primitive !== null) return primitive;
  if (typeof value === 'function') return formatFunction(value);
  const object = value as object;
  if (hasOwnToString(object)) {
    const text = String(object);
    // a multi-line string keeps its lines indented under the property it belongs to
    return ctx.indentationLvl === 0 ? text : text.replace(/\n/g, `\n${' '.repeat(ctx.indentationLvl)}`);
  }
  if (ctx.seen.includes(object)) return '[Circular *1]';
  return formatRaw(ctx, object, recurseTimes, depth);
}

function formatFunction(fn: { name: string; toString(): string }): string {
  const isClass = /^class\b/.test(Function.prototype.toString.call(fn));
  if (isClass) return fn.name ? `[class ${fn.name}]` : '[class (anonymous)]';
  return fn.name ? `[Function: ${fn.name}]` : '[Function (anonymous)]';
}

function constructorName(value: object): string | null {
  const proto = Object.getPrototypeOf(value) as { constructor?: { name?: string } } | null;
  if (proto === null) return null;
  const name = proto.constructor?.name;
  return typeof name === 'string' && name !== '' ? name : null;
}

const IDENTIFIER = /^[a-zA-Z_][a-zA-Z_0-9]*$/;

function formatRaw(ctx: Context, value: object, recurseTimes: number, depth: number): string {
  const name = constructorName(value);
  let braces: [string, string];
  let output: string[] = [];
  let isArrayLike = false;
  let keys = Object.keys(value);

  if (value instanceof Error) {
    const stack = value.stack?.includes(value.message) ? value.stack : '';
    return stack || `${value.name}: ${value.message}`;
  }
  if (value instanceof Date) {
    return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
  }
  if (value instanceof RegExp) return String(value);

  if (recurseTimes > depth) {
    if (Array.isArray(value)) return '[Array]';
    return `[${name ?? 'Object'}]`;
  }
  recurseTimes += 1;
  ctx.seen.push(value);
  ctx.currentDepth = recurseTimes;

  if (Array.isArray(value)) {
    isArrayLike = true;
    const prefix = name !== 'Array' && name !== null ? `${name}(${value.length}) ` : '';
    braces = [`${prefix}[`, ']'];
    keys = keys.filter((k) => !/^\d+$/.test(k));
    output = formatList(ctx, value.length, (i) => value[i], recurseTimes, depth);
    if (value.length === 0 && keys.length === 0) {
      ctx.seen.pop();
      return `${braces[0]}]`;
    }
  } else if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    isArrayLike = true;
    const typed = value as unknown as ArrayLike<number | bigint>;
    braces = [`${name ?? 'TypedArray'}(${typed.length}) [`, ']'];
    keys = keys.filter((k) => !/^\d+$/.test(k));
    output = formatList(ctx, typed.length, (i) => typed[i], recurseTimes, depth);
    if (typed.length === 0 && keys.length === 0) {
      ctx.seen.pop();
      return `${braces[0]}]`;
    }
  } else if (value instanceof Map) {
    braces = [`${name ?? 'Map'}(${value.size}) {`, '}'];
    ctx.indentationLvl += 2;
    for (const [k, v] of value) {
      output.push(
        `${formatValue(ctx, k, recurseTimes, depth)} => ${formatValue(ctx, v, recurseTimes, depth)}`,
      );
    }
    ctx.indentationLvl -= 2;
    if (value.size === 0 && keys.length === 0) {
      ctx.seen.pop();
      return `${braces[0]}}`;
    }
  } else if (value instanceof Set) {
    braces = [`${name ?? 'Set'}(${value.size}) {`, '}'];
    ctx.indentationLvl += 2;
    for (const v of value) output.push(formatValue(ctx, v, recurseTimes, depth));
    ctx.indentationLvl -= 2;
    if (value.size === 0 && keys.length === 0) {
      ctx.seen.pop();
      return `${braces[0]}}`;
    }
  } else {
    const prefix = name === 'Object' ? '' : `${name ?? '[Object: null prototype]'} `;
    braces = [`${prefix}{`, '}'];
    if (keys.length === 0) {
      ctx.seen.pop();
      return `${prefix}{}`;
    }
  }

  for (const key of keys) {
    ctx.indentationLvl += 2;
    const str = formatValue(ctx, (value as Record<string, unknown>)[key], recurseTimes, depth);
    ctx.indentationLvl -= 2;
    output.push(`${IDENTIFIER.test(key) ? key : quote(key)}: ${str}`);
  }
  ctx.seen.pop();
  return reduceToSingleString(ctx, output, braces, isArrayLike, recurseTimes, value);
}

function formatList(
  ctx: Context,
  length: number,
  at: (i: number) => unknown,
  recurseTimes: number,
  depth: number,
): string[] {
  const output: string[] = [];
  const shown = Math.min(length, MAX_ARRAY_LENGTH);
  for (let i = 0; i < shown; i++) {
    ctx.indentationLvl += 2;
    output.push(formatValue(ctx, at(i), recurseTimes, depth));
    ctx.indentationLvl -= 2;
  }
  if (length > shown) {
    const more = length - shown;
    output.push(`... ${more} more item${more > 1 ? 's' : ''}`);
  }
  return output;
}

/** Node's `reduceToSingleString`: one line when it fits in 80 columns, else one entry per line. */
function reduceToSingleString(
  ctx: Context,
  output: string[],
  braces: [string, string],
  isArrayLike: boolean,
  recurseTimes: number,
  value: object,
): string {
  const entries = output.length;
  if (isArrayLike && entries > 6) output = groupArrayElements(ctx, output, value);
  if (ctx.currentDepth - recurseTimes < COMPACT && entries === output.length) {
    const start = output.length + ctx.indentationLvl + braces[0].length + 10;
    if (isBelowBreakLength(output, start)) {
      const joined = output.join(', ');
      if (!joined.includes('\n')) return `${braces[0]} ${joined} ${braces[1]}`;
    }
  }
  const indentation = `\n${' '.repeat(ctx.indentationLvl)}`;
  return `${braces[0]}${indentation}  ${output.join(`,${indentation}  `)}${indentation}${braces[1]}`;
}

function isBelowBreakLength(output: string[], start: number): boolean {
  let total = output.length + start;
  if (total + output.length > BREAK_LENGTH) return false;
  for (const entry of output) {
    total += entry.length;
    if (total > BREAK_LENGTH) return false;
  }
  return true;
}

/** Node's `groupArrayElements`: many short entries are laid out in aligned columns. */
function groupArrayElements(ctx: Context, output: string[], value: object): string[] {
  let totalLength = 0;
  let maxLength = 0;
  let outputLength = output.length;
  const items = value as ArrayLike<unknown>;
  if (items.length > MAX_ARRAY_LENGTH) outputLength--; // the "... more items" entry
  const separatorSpace = 2;
  const dataLen: number[] = [];
  for (let i = 0; i < outputLength; i++) {
    const len = output[i].length;
    dataLen.push(len);
    totalLength += len + separatorSpace;
    if (maxLength < len) maxLength = len;
  }
  const actualMax = maxLength + separatorSpace;
  if (actualMax * 3 + ctx.indentationLvl < BREAK_LENGTH && (totalLength / actualMax > 5 || maxLength <= 6)) {
    const averageBias = Math.sqrt(actualMax - totalLength / output.length);
    const biasedMax = Math.max(actualMax - 3 - averageBias, 1);
    const columns = Math.min(
      Math.round(Math.sqrt(2.5 * biasedMax * outputLength) / biasedMax),
      Math.floor((BREAK_LENGTH - ctx.indentationLvl) / actualMax),
      COMPACT * 4,
      15,
    );
    if (columns <= 1) return output;
    const maxLineLength: number[] = [];
    for (let i = 0; i < columns; i++) {
      let lineLength = 0;
      for (let j = i; j < output.length; j += columns) if (dataLen[j] > lineLength) lineLength = dataLen[j];
      maxLineLength.push(lineLength + separatorSpace);
    }
    let padStart = true;
    for (let i = 0; i < output.length; i++) {
      const item = items[i];
      if (typeof item !== 'number' && typeof item !== 'bigint') {
        padStart = false;
        break;
      }
    }
    const grouped: string[] = [];
    for (let i = 0; i < outputLength; i += columns) {
      const max = Math.min(i + columns, outputLength);
      let str = '';
      let j = i;
      for (; j < max - 1; j++) {
        const cell = `${output[j]}, `;
        str += padStart ? cell.padStart(maxLineLength[j - i]) : cell.padEnd(maxLineLength[j - i]);
      }
      str += padStart ? output[j].padStart(maxLineLength[j - i] - separatorSpace) : output[j];
      grouped.push(str);
    }
    if (items.length > MAX_ARRAY_LENGTH) grouped.push(output[outputLength]);
    return grouped;
  }
  return output;
}
