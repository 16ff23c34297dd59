import { DTypeError, IndexError, ValueError } from '../errors.js';
import { fmtShape } from '../shape.js';
import { Tensor } from '../tensor.js';
import { checkTensor } from './util.js';
import { reshape, slice } from './views.js';

/**
 * One entry of a multi-axis index, Python's `x[…]` written as arguments of {@link index}:
 * - a number `i`: the position `i` of that axis (negative counts from the end); the axis goes away;
 * - a slice string in Python syntax: `':'`, `'1:5'`, `'-3:'`, `'::2'`, `'1:-1:2'` (steps ≥ 1, as PyTorch);
 * - a tuple `[start, end, step]` for computed bounds (`null` or missing for a default), `[t - 3, t]`;
 * - `'...'`: as many `':'` as the axes not named (at most one);
 * - `null`: Python's `None` (NumPy's newaxis), a new axis of size 1.
 */
export type IndexItem =
  | number
  | string
  | null
  | readonly [start?: number | null, end?: number | null, step?: number | null];

interface SliceSpec {
  start: number | null;
  end: number | null;
  step: number;
}

type Parsed =
  | { kind: 'int'; value: number }
  | { kind: 'slice'; spec: SliceSpec }
  | { kind: 'new' }
  | { kind: 'rest' };

const SLICE_RE = /^\s*([+-]?\d+)?\s*:\s*([+-]?\d+)?\s*(?::\s*([+-]?\d+)?\s*)?$/;

function checkStep(step: number, what: string): number {
  if (!Number.isInteger(step) || step < 1) {
    throw new ValueError(
      `index: the step of ${what} must be an integer ≥ 1 (as in PyTorch, no negative steps), got ${step}`,
    );
  }
  return step;
}

function parseItem(item: unknown, position: number): Parsed {
  if (item === null) return { kind: 'new' };
  if (typeof item === 'number') {
    if (!Number.isInteger(item))
      throw new IndexError(`index: item ${position} must be an integer, got ${item}`);
    return { kind: 'int', value: item };
  }
  if (typeof item === 'string') {
    if (item.trim() === '...') return { kind: 'rest' };
    const m = SLICE_RE.exec(item);
    if (!m) {
      const hint = /^\s*[+-]?\d+\s*$/.test(item)
        ? ` (to pick one position, pass the number ${item.trim()})`
        : '';
      throw new ValueError(
        `index: '${item}' (item ${position}) is not a slice like ':', '1:5', '-3:' or '::2', nor '...'${hint}`,
      );
    }
    const bound = (v: string | undefined) => (v === undefined ? null : Number(v));
    return {
      kind: 'slice',
      spec: { start: bound(m[1]), end: bound(m[2]), step: checkStep(bound(m[3]) ?? 1, `'${item}'`) },
    };
  }
  if (Array.isArray(item)) {
    if (item.length > 3) {
      throw new ValueError(
        `index: a slice tuple is [start, end, step], got ${item.length} entries (item ${position})`,
      );
    }
    const [start = null, end = null, step = null] = item as (number | null | undefined)[];
    for (const v of [start, end, step]) {
      if (v !== null && (typeof v !== 'number' || !Number.isInteger(v))) {
        throw new ValueError(
          `index: slice bounds must be integers or null, got [${item.map(String).join(', ')}] (item ${position})`,
        );
      }
    }
    return {
      kind: 'slice',
      spec: { start, end, step: checkStep(step ?? 1, `[${item.map(String).join(', ')}]`) },
    };
  }
  if (item instanceof Tensor) {
    throw new DTypeError(
      `index: tensor indices (advanced indexing) are not supported; use indexSelect, gather, takeAlongDim or maskedFill (item ${position})`,
    );
  }
  throw new ValueError(
    `index: item ${position} must be a number, a slice string, a [start, end, step] tuple, '...' or null, got ${typeof item}`,
  );
}

/**
 * Indexes several axes at once, as Python's `x[…]` (basic indexing): `index(x, ':', '-3:')` is
 * `x[:, -3:]`, `index(x, 0, '...', null)` is `x[0, ..., None]` (see {@link IndexItem}). Axes not
 * named at the end are kept whole. The result is always a view that shares storage with `x`
 * (slices and size-1 reshapes only), so gradients flow back through it. y = x[i₀, s₁, …]
 */
export function index(x: Tensor, ...items: readonly IndexItem[]): Tensor {
  checkTensor(x, 'index', 'input');
  const parsed = items.map((item, i) => parseItem(item, i));
  const rests = parsed.filter((p) => p.kind === 'rest').length;
  if (rests > 1) throw new IndexError(`index: only one '...' is allowed, got ${rests}`);
  const consumed = parsed.filter((p) => p.kind === 'int' || p.kind === 'slice').length;
  if (consumed > x.rank) {
    throw new IndexError(
      `index: too many indices for a tensor of rank ${x.rank} (shape ${fmtShape(x.shape)}): ${consumed} given`,
    );
  }
  // Walk the items: every int and slice names one input axis, '...' the ones nobody names.
  let out = x;
  const shape: number[] = []; // the result's shape, built left to right
  let axis = 0;
  const keepWhole = (count: number) => {
    for (let k = 0; k < count; k++) shape.push(x.shape[axis++]);
  };
  for (const p of parsed) {
    if (p.kind === 'new') shape.push(1);
    else if (p.kind === 'rest') keepWhole(x.rank - consumed);
    else if (p.kind === 'int') {
      const n = x.shape[axis];
      const i = p.value < 0 ? p.value + n : p.value;
      if (i < 0 || i >= n) {
        throw new IndexError(
          `index: index ${p.value} is out of range for axis ${axis} of size ${n} (shape ${fmtShape(x.shape)})`,
        );
      }
      out = slice(out, axis, i, i + 1);
      axis++;
    } else {
      const { start, end, step } = p.spec;
      if (start !== null || end !== null || step !== 1) out = slice(out, axis, start, end, step);
      shape.push(out.shape[axis]);
      axis++;
    }
  }
  keepWhole(x.rank - axis);
  // Only size-1 dims are dropped (picked positions) or added (null): always a view.
  const sameShape = shape.length === out.rank && shape.every((d, i) => d === out.shape[i]);
  return sameShape ? out : reshape(out, shape);
}
