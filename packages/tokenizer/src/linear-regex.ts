/**
 * A regex matcher whose running time is linear in the text, whatever the pattern: the
 * pre-tokeniser for patterns that come from files (see "Untrusted files" in the README).
 *
 * JavaScript's engine backtracks: on `(a+)+b` against 28 `a`s it tries every way of cutting the
 * run into groups (2^27 of them), and even a harmless-looking `\s+$` rescans a run of spaces from
 * each of its positions (quadratic). This matcher backtracks in exactly the same order (so it
 * finds exactly the same matches) but remembers the states — (instruction, text position) — it
 * has entered. What a state can match does not depend on how it was reached, so a state entered
 * before has been explored before and fails at once: a scan of the whole text costs at most
 * (instructions × positions) steps. Only states where paths join need remembering (a state with
 * one way in is entered at most as often as the state before it). This is memoised backtracking
 * (Davis et al., "Using Selective Memoization to Defeat Regular Expression Denial of Service",
 * 2021).
 *
 * It reads the JavaScript source that `translatePattern` produces. Constructs that would break
 * the bound are refused with a `ValueError`: back-references, a repeated group that can match the
 * empty string (`(a*)*`), lookarounds that can match unbounded text, and programs over
 * {@link MAX_PROGRAM} instructions (counted repetitions are expanded) or {@link MAX_JOINS}
 * join points.
 */
import { ValueError } from '@dendrite/tensor';

/** Largest compiled program (instructions); `{m,n}` repetitions are expanded into copies. */
export const MAX_PROGRAM = 4096;
/**
 * Most join points (remembered instructions: loops, ends of alternations and optional parts).
 * The memo costs one bit per join point per text position in the scan window; real patterns
 * have at most 16.
 */
export const MAX_JOINS = 128;
/** Largest lookaround body, as (ways to match) × (longest match + 1). */
const MAX_LOOK_COST = 256;

type Node =
  | { t: 'atom'; src: string }
  | { t: 'assert'; op: number }
  | { t: 'look'; src: string; body: Node; ahead: boolean; negate: boolean }
  | { t: 'seq'; items: Node[] }
  | { t: 'alt'; alts: Node[] }
  | { t: 'repeat'; body: Node; min: number; max: number; greedy: boolean };

// Instructions. ATOM consumes one code point; SPLIT tries `a` first and keeps `b` to backtrack to.
const ATOM = 0;
const SPLIT = 1;
const JMP = 2;
const START = 3; // ^ (no `m` flag: start of text)
const END = 4; // $ (end of text)
const WORD_BOUNDARY = 5; // \b (ASCII word characters, as in Unicode mode without `i`)
const NOT_WORD_BOUNDARY = 6; // \B
const LOOK_ATOM = 7; // (?=x) / (?!x) for a single-character x
const LOOK = 8; // any other bounded lookaround, checked by a sticky native RegExp
const MATCH = 9;

function fail(pattern: string, what: string): never {
  throw new ValueError(`pre-tokeniser pattern ${JSON.stringify(pattern)}: ${what}`);
}

/** Parses the subset of JavaScript regex syntax (Unicode mode) that `translatePattern` emits. */
class Parser {
  i = 0;
  constructor(
    readonly s: string,
    private readonly pattern: string,
  ) {}

  alternation(): Node {
    const alts = [this.sequence()];
    while (this.s[this.i] === '|') {
      this.i++;
      alts.push(this.sequence());
    }
    return alts.length === 1 ? alts[0] : { t: 'alt', alts };
  }

  private sequence(): Node {
    const items: Node[] = [];
    while (this.i < this.s.length && this.s[this.i] !== '|' && this.s[this.i] !== ')') {
      items.push(this.quantified(this.term()));
    }
    return items.length === 1 ? items[0] : { t: 'seq', items };
  }

  private quantified(node: Node): Node {
    const s = this.s;
    let min: number;
    let max: number;
    const c = s[this.i];
    if (c === '*' || c === '+' || c === '?') {
      this.i++;
      [min, max] = c === '*' ? [0, Infinity] : c === '+' ? [1, Infinity] : [0, 1];
    } else if (c === '{') {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(s.slice(this.i, this.i + 40));
      if (!m) fail(this.pattern, `unexpected '{' at offset ${this.i}`);
      this.i += m[0].length;
      min = Number(m[1]);
      max = m[2] === undefined ? min : m[3] === '' ? Infinity : Number(m[3]);
    } else {
      return node;
    }
    let greedy = true;
    if (s[this.i] === '?') {
      greedy = false;
      this.i++;
    }
    return { t: 'repeat', body: node, min, max, greedy };
  }

  private term(): Node {
    const s = this.s;
    const c = s[this.i];
    if (c === '(') return this.group();
    if (c === '^' || c === '$') {
      this.i++;
      return { t: 'assert', op: c === '^' ? START : END };
    }
    if (c === '[') {
      const start = this.i++;
      if (s[this.i] === '^') this.i++;
      while (this.i < s.length && s[this.i] !== ']') this.i += s[this.i] === '\\' ? 2 : 1;
      if (this.i >= s.length) fail(this.pattern, `unterminated '[' at offset ${start}`);
      this.i++;
      return { t: 'atom', src: s.slice(start, this.i) };
    }
    if (c === '\\') return this.escape();
    if ('*+?{})]|'.includes(c)) fail(this.pattern, `unexpected '${c}' at offset ${this.i}`);
    const cp = String.fromCodePoint(s.codePointAt(this.i)!);
    this.i += cp.length;
    return { t: 'atom', src: cp === '.' ? '.' : cp };
  }

  private escape(): Node {
    const s = this.s;
    const start = this.i;
    const c = s[this.i + 1];
    if (c === undefined) fail(this.pattern, 'ends with a lone backslash');
    if (c === 'b' || c === 'B') {
      this.i += 2;
      return { t: 'assert', op: c === 'b' ? WORD_BOUNDARY : NOT_WORD_BOUNDARY };
    }
    if (/[1-9]/.test(c) || c === 'k') fail(this.pattern, 'back-references are not supported');
    const braced = /^\\(?:[pP]\{[^}]*\}|u\{[0-9A-Fa-f]+\})/.exec(s.slice(start, start + 64));
    const surrogates = /^\\u[dD][89abAB][0-9a-fA-F]{2}\\u[dD][c-fC-F][0-9a-fA-F]{2}/.exec(
      s.slice(start, start + 12),
    );
    const fixed = /^\\(?:u[0-9A-Fa-f]{4}|x[0-9A-Fa-f]{2}|c[A-Za-z])/.exec(s.slice(start, start + 6));
    this.i += braced?.[0].length ?? surrogates?.[0].length ?? fixed?.[0].length ?? 2;
    return { t: 'atom', src: s.slice(start, this.i) };
  }

  private group(): Node {
    const s = this.s;
    const start = this.i;
    const look = /^\((\?(?:=|!|<=|<!))/.exec(s.slice(start, start + 4));
    if (look) this.i += look[0].length;
    else if (s.startsWith('(?:', start)) this.i += 3;
    else if (s.startsWith('(?<', start)) {
      const m = /^\(\?<[A-Za-z_$][\w$]*>/.exec(s.slice(start, start + 80));
      if (!m) fail(this.pattern, `unsupported group at offset ${start}`);
      this.i += m[0].length;
    } else if (s[start + 1] === '?') fail(this.pattern, `unsupported group at offset ${start}`);
    else this.i += 1;
    const body = this.alternation();
    if (s[this.i] !== ')') fail(this.pattern, `missing ')' for the group at offset ${start}`);
    this.i++;
    if (!look) return body;
    const kind = look[1];
    return {
      t: 'look',
      src: s.slice(start, this.i),
      body,
      ahead: kind === '?=' || kind === '?!',
      negate: kind === '?!' || kind === '?<!',
    };
  }
}

function nullable(n: Node): boolean {
  switch (n.t) {
    case 'atom':
      return false;
    case 'assert':
    case 'look':
      return true;
    case 'seq':
      return n.items.every(nullable);
    case 'alt':
      return n.alts.some(nullable);
    case 'repeat':
      return n.min === 0 || nullable(n.body);
  }
}

/**
 * (ways to match, longest stretch of text looked at) of a bounded node; Infinity when unbounded.
 * A lookaround inside counts with what it looks at, since the native engine evaluates it.
 */
function extent(n: Node): [number, number] {
  switch (n.t) {
    case 'atom':
      return [1, 1];
    case 'assert':
      return [1, 0];
    case 'look':
      return extent(n.body);
    case 'seq':
      return n.items.map(extent).reduce(([w, l], [w2, l2]) => [w * w2, l + l2], [1, 0]);
    case 'alt':
      return n.alts.map(extent).reduce(([w, l], [w2, l2]) => [w + w2, Math.max(l, l2)], [0, 0]);
    case 'repeat': {
      if (n.max > MAX_PROGRAM) return [Infinity, Infinity];
      const [w, l] = extent(n.body);
      let ways = 0;
      for (let k = n.min; k <= n.max && ways < Infinity; k++) ways += w ** k;
      return [ways, l * n.max];
    }
  }
}

/**
 * Which code points one atom (a character, escape or class) matches. A literal is compared
 * directly; anything else asks the native engine once per code point and remembers the answer
 * in 256-entry pages made on first use (memory follows the text, not the pattern's size).
 */
/** The page every atom starts with: all unknown, never written (a real page replaces it). */
const UNSEEN = new Uint8Array(256);

class AtomSet {
  private readonly literal: number;
  private readonly re: RegExp;
  private readonly pages: Uint8Array[] = new Array(256).fill(UNSEEN); // 0 unknown, 1 no, 2 yes
  private readonly astral = new Map<number, boolean>();
  constructor(src: string) {
    const cp = src.codePointAt(0)!;
    this.literal = src !== '.' && src.length === (cp > 0xffff ? 2 : 1) ? cp : -1;
    this.re = new RegExp(`^(?:${src})$`, 'u');
  }
  has(cp: number): boolean {
    if (this.literal >= 0) return cp === this.literal;
    if (cp < 0x10000) {
      let page = this.pages[cp >> 8];
      const v = page[cp & 255];
      if (v !== 0) return v === 2;
      if (page === UNSEEN) {
        page = new Uint8Array(256);
        this.pages[cp >> 8] = page;
      }
      const yes = this.re.test(String.fromCharCode(cp));
      page[cp & 255] = yes ? 2 : 1;
      return yes;
    }
    let yes = this.astral.get(cp);
    if (yes === undefined) {
      yes = this.re.test(String.fromCodePoint(cp));
      this.astral.set(cp, yes);
    }
    return yes;
  }
}

function isWordUnit(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}

/**
 * A compiled pattern. {@link LinearRegex.forEachPiece} cuts text into pre-tokens exactly as
 * `forEachPiece` does with the native `RegExp` of the same source.
 */
export class LinearRegex {
  /** Instructions executed so far (all scans); a test reads it to check the linear bound. */
  steps = 0;
  /** Number of compiled instructions. */
  readonly size: number;

  private readonly op: Int32Array;
  private readonly arg1: Int32Array;
  private readonly arg2: Int32Array;
  /** memo slot of each instruction (-1: one way in, never remembered). */
  private readonly slot: Int32Array;
  private readonly atoms: AtomSet[] = [];
  private readonly looks: RegExp[] = [];

  // Scan state: the text, and a sliding bitset of visited (slot, position) states that covers
  // positions [base, base + capacity).
  private text = '';
  private base = 0;
  private capacity = 0;
  private words = 1;
  private visited = new Int32Array(0);
  private stack = new Int32Array(256);
  private matchEnd = 0;

  /**
   * @param source JavaScript regex source (Unicode mode, no flags), as `translatePattern` returns
   * @param pattern the pattern as the user wrote it, for error messages (default `source`)
   * @param options `memo: false` turns memoisation off: plain backtracking, as JavaScript's engine
   *   does it (tests use it to count the steps a native `RegExp` would take)
   * @throws ValueError for constructs outside the linear-time subset
   */
  constructor(
    readonly source: string,
    pattern: string = source,
    options: { memo?: boolean } = {},
  ) {
    const parser = new Parser(source, pattern);
    const root = parser.alternation();
    if (parser.i !== source.length) fail(pattern, `unbalanced ')' at offset ${parser.i}`);
    const ops: number[] = [];
    const a1: number[] = [];
    const a2: number[] = [];
    const atomIndex = new Map<string, number>();
    const atom = (src: string): number => {
      let k = atomIndex.get(src);
      if (k === undefined) {
        k = this.atoms.length;
        this.atoms.push(new AtomSet(src));
        atomIndex.set(src, k);
      }
      return k;
    };
    const emit = (o: number, x = 0, y = 0): number => {
      if (ops.length >= MAX_PROGRAM) {
        fail(pattern, `too large: over ${MAX_PROGRAM} instructions once counted repetitions are expanded`);
      }
      ops.push(o);
      a1.push(x);
      a2.push(y);
      return ops.length - 1;
    };
    const compile = (n: Node): void => {
      switch (n.t) {
        case 'atom':
          emit(ATOM, atom(n.src));
          return;
        case 'assert':
          emit(n.op);
          return;
        case 'look': {
          if (n.body.t === 'atom' && n.ahead) {
            emit(LOOK_ATOM, atom(n.body.src), n.negate ? 1 : 0);
            return;
          }
          const [ways, longest] = extent(n.body);
          if (!(ways * (longest + 1) <= MAX_LOOK_COST)) {
            fail(
              pattern,
              `the lookaround ${n.src} can match unbounded or too many ways (only short ones are supported)`,
            );
          }
          this.looks.push(new RegExp(n.src, 'uy'));
          emit(LOOK, this.looks.length - 1);
          return;
        }
        case 'seq':
          for (const item of n.items) compile(item);
          return;
        case 'alt': {
          const jumps: number[] = [];
          n.alts.forEach((alt, k) => {
            if (k === n.alts.length - 1) {
              compile(alt);
              return;
            }
            const split = emit(SPLIT);
            a1[split] = split + 1;
            compile(alt);
            jumps.push(emit(JMP));
            a2[split] = ops.length;
          });
          for (const j of jumps) a1[j] = ops.length;
          return;
        }
        case 'repeat': {
          if (n.max > n.min && nullable(n.body)) {
            fail(pattern, 'a repeated group that can match the empty string (like `(a*)*`) is not supported');
          }
          if (n.max === Infinity) {
            // X{m,}: m-1 copies, then the loop `body: X; SPLIT body/exit` (for m = 0, a SPLIT
            // enters it). Greedy prefers another round, lazy prefers to leave.
            for (let k = 0; k < n.min - 1; k++) compile(n.body);
            const entry = n.min === 0 ? emit(SPLIT) : -1;
            const body = ops.length;
            compile(n.body);
            const again = emit(SPLIT);
            const exit = ops.length;
            for (const split of entry < 0 ? [again] : [entry, again]) {
              a1[split] = n.greedy ? body : exit;
              a2[split] = n.greedy ? exit : body;
            }
            return;
          }
          for (let k = 0; k < n.min; k++) compile(n.body);
          const splits: number[] = [];
          for (let k = n.min; k < n.max; k++) {
            splits.push(emit(SPLIT));
            compile(n.body);
          }
          for (const split of splits) {
            a1[split] = n.greedy ? split + 1 : ops.length;
            a2[split] = n.greedy ? ops.length : split + 1;
          }
          return;
        }
      }
    };
    compile(root);
    emit(MATCH);
    this.op = Int32Array.from(ops);
    this.arg1 = Int32Array.from(a1);
    this.arg2 = Int32Array.from(a2);
    this.size = ops.length;
    // States worth remembering: where paths join (two or more ways in: loop heads, the ends of
    // alternations and optional parts). A state with one way in is entered at most as often as
    // its predecessor, so remembering the joins is enough for the bound.
    const ways = new Int32Array(ops.length);
    ways[0] = 1;
    for (let pc = 0; pc < ops.length; pc++) {
      if (ops[pc] === SPLIT) {
        ways[a1[pc]]++;
        ways[a2[pc]]++;
      } else if (ops[pc] === JMP) ways[a1[pc]]++;
      else if (ops[pc] !== MATCH) ways[pc + 1]++;
    }
    this.slot = new Int32Array(ops.length).fill(-1);
    let slots = 0;
    if (options.memo !== false) {
      for (let pc = 0; pc < ops.length; pc++) if (ways[pc] > 1) this.slot[pc] = slots++;
    }
    if (slots > MAX_JOINS) {
      fail(
        pattern,
        `too complex: ${slots} places where paths join (repetitions, alternations, optional parts), over ${MAX_JOINS}`,
      );
    }
    this.words = Math.max(1, Math.ceil(slots / 32));
  }

  /**
   * Calls `fn` for each pre-token of `text` in order: every match, and the text between matches
   * as its own piece, exactly like `forEachPiece` with a native regex.
   */
  forEachPiece(text: string, fn: (piece: string) => void): void {
    this.text = text;
    this.base = 0;
    this.capacity = Math.min(text.length + 1, 4096);
    this.visited = new Int32Array(this.capacity * this.words);
    try {
      const n = text.length;
      let last = 0;
      let from = 0;
      while (from <= n) {
        const start = this.search(from);
        if (start < 0) break;
        const end = this.matchEnd;
        if (end === start) {
          if (end >= n) break;
          const cp = text.codePointAt(end)!;
          from = end + (cp > 0xffff ? 2 : 1);
          continue;
        }
        if (start > last) fn(text.slice(last, start));
        fn(text.slice(start, end));
        last = end;
        from = end;
      }
      if (last < n) fn(text.slice(last));
    } finally {
      this.text = '';
      this.visited = new Int32Array(0);
    }
  }

  /**
   * The leftmost match starting at or after `from`: its start (its end in `matchEnd`), or -1.
   * Each start position is tried by backtracking in priority order, never entering a remembered
   * state twice.
   */
  private search(from: number): number {
    const { op, arg1, arg2, slot, text } = this;
    const n = text.length;
    const words = this.words;
    this.slide(from);
    let { visited, capacity } = this;
    const base = this.base;
    let stack = this.stack;
    let steps = 0;
    for (let start = from; start <= n; ) {
      let sp = 0;
      let pc = 0;
      let pos = start;
      for (;;) {
        steps++;
        let ok = true;
        const memo = slot[pc];
        if (memo >= 0) {
          // Remembered state (memo, pos): entered before means explored before; fail.
          const rel = pos - base;
          if (rel >= capacity) {
            this.grow(pos);
            visited = this.visited;
            capacity = this.capacity;
          }
          const k = rel * words + (memo >>> 5);
          const bit = 1 << (memo & 31);
          const v = visited[k];
          if (v & bit) ok = false;
          else visited[k] = v | bit;
        }
        if (ok) {
          switch (op[pc]) {
            case ATOM: {
              const len = this.atomAt(arg1[pc], pos);
              if (len > 0) {
                pos += len;
                pc++;
              } else ok = false;
              break;
            }
            case SPLIT: {
              // A first choice that is a character not at pos fails at once: take the second
              // without a backtrack entry (each branch of an alternation, each loop's last round).
              const first = arg1[pc];
              if (op[first] === ATOM && this.atomAt(arg1[first], pos) === 0) {
                pc = arg2[pc];
                break;
              }
              if (sp + 2 > stack.length) {
                const grown = new Int32Array(stack.length * 2);
                grown.set(stack);
                stack = grown;
                this.stack = grown;
              }
              stack[sp++] = arg2[pc];
              stack[sp++] = pos;
              pc = first;
              break;
            }
            case JMP:
              pc = arg1[pc];
              break;
            case START:
              if (pos === 0) pc++;
              else ok = false;
              break;
            case END:
              if (pos === n) pc++;
              else ok = false;
              break;
            case WORD_BOUNDARY:
            case NOT_WORD_BOUNDARY: {
              const before = pos > 0 && isWordUnit(text.charCodeAt(pos - 1));
              const after = pos < n && isWordUnit(text.charCodeAt(pos));
              if ((before !== after) === (op[pc] === WORD_BOUNDARY)) pc++;
              else ok = false;
              break;
            }
            case LOOK_ATOM: {
              const hit = this.atomAt(arg1[pc], pos) > 0;
              if (hit !== (arg2[pc] === 1)) pc++;
              else ok = false;
              break;
            }
            case LOOK: {
              const re = this.looks[arg1[pc]];
              re.lastIndex = pos;
              if (re.test(text)) pc++;
              else ok = false;
              break;
            }
            default: {
              // MATCH. States entered at the match's end may lie on the successful path (entered,
              // not failed); the next search starts there, so forget them. Earlier positions are
              // never visited again.
              this.steps += steps;
              this.matchEnd = pos;
              const rel = pos - base;
              if (rel < capacity) for (let k = rel * words; k < (rel + 1) * words; k++) visited[k] = 0;
              return start;
            }
          }
        }
        if (!ok) {
          if (sp === 0) break;
          pos = stack[--sp];
          pc = stack[--sp];
        }
      }
      if (start >= n) break;
      const c = text.charCodeAt(start);
      start +=
        c >= 0xd800 && c <= 0xdbff && start + 1 < n && (text.charCodeAt(start + 1) & 0xfc00) === 0xdc00
          ? 2
          : 1;
    }
    this.steps += steps;
    return -1;
  }

  /** Length in UTF-16 units of the code point at `pos` if atom `a` matches it, else 0. */
  private atomAt(a: number, pos: number): number {
    const text = this.text;
    if (pos >= text.length) return 0;
    let cp = text.charCodeAt(pos);
    let len = 1;
    if (cp >= 0xd800 && cp <= 0xdbff && pos + 1 < text.length) {
      const d = text.charCodeAt(pos + 1);
      if ((d & 0xfc00) === 0xdc00) {
        cp = 0x10000 + ((cp - 0xd800) << 10) + (d - 0xdc00);
        len = 2;
      }
    }
    return this.atoms[a].has(cp) ? len : 0;
  }

  /** Drops remembered states before `from` (no later search reaches them). */
  private slide(from: number): void {
    const drop = from - this.base;
    if (drop < this.capacity / 2) return;
    const w = this.words;
    if (drop >= this.capacity) this.visited.fill(0);
    else {
      this.visited.copyWithin(0, drop * w);
      this.visited.fill(0, (this.capacity - drop) * w);
    }
    this.base = from;
  }

  /** Grows the window of remembered states to reach `pos`. */
  private grow(pos: number): void {
    const rel = pos - this.base;
    let cap = this.capacity * 2;
    while (rel >= cap) cap *= 2;
    cap = Math.min(cap, this.text.length + 1 - this.base);
    const grown = new Int32Array(cap * this.words);
    grown.set(this.visited);
    this.visited = grown;
    this.capacity = cap;
  }
}
