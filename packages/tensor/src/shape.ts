import { IndexError, ShapeError, ValueError } from './errors.js';

/** The size of each dim, outermost first (`[]` for a scalar). */
export type Shape = readonly number[];

/** `[2,3]`-style rendering for messages. */
export function fmtShape(shape: Shape): string {
  return `[${shape.join(',')}]`;
}

/** Number of elements: the product of the dims (1 for a scalar). */
export function sizeOf(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Rejects negative, fractional and non-finite dims with a message naming the op. */
export function checkShape(shape: Shape, op: string): number[] {
  if (!Array.isArray(shape))
    throw new ShapeError(`${op}: shape must be an array of dims, got ${String(shape)}`);
  for (const d of shape) {
    if (typeof d !== 'number' || !Number.isInteger(d) || d < 0) {
      throw new ShapeError(
        `${op}: invalid dimension ${String(d)} in shape ${fmtShape(shape)}; dims must be integers ≥ 0`,
      );
    }
  }
  return [...shape];
}

/** Row-major (C-order) strides of a contiguous tensor of `shape`. */
export function contiguousStrides(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i];
  }
  return strides;
}

/** Whether `strides` describe a row-major contiguous layout of `shape` (size-1 dims may have any stride). */
export function isContiguous(shape: Shape, strides: readonly number[]): boolean {
  let expected = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    if (shape[i] !== 1 && strides[i] !== expected) return false;
    expected *= shape[i];
  }
  return true;
}

/** NumPy broadcasting: align right, dims must be equal or 1. */
export function broadcastShapes(op: string, ...shapes: Shape[]): number[] {
  const rank = Math.max(...shapes.map((s) => s.length));
  const out = new Array<number>(rank).fill(1);
  for (let i = 0; i < rank; i++) {
    for (const s of shapes) {
      const d = s[s.length - rank + i] ?? 1;
      if (d === 1) continue;
      if (out[i] === 1) out[i] = d;
      else if (out[i] !== d) {
        throw new ShapeError(
          `${op}: shapes ${shapes.map(fmtShape).join(' and ')} cannot be broadcast: dim ${i - rank} is ${out[i]} vs ${d}`,
        );
      }
    }
  }
  return out;
}

/** Strides that read a tensor of `shape`/`strides` as if it had `target` shape (0 on broadcast dims). */
export function broadcastStrides(shape: Shape, strides: readonly number[], target: Shape): number[] {
  const out = new Array<number>(target.length).fill(0);
  const lead = target.length - shape.length;
  for (let i = 0; i < shape.length; i++) {
    out[lead + i] = shape[i] === 1 && target[lead + i] !== 1 ? 0 : strides[i];
  }
  return out;
}

/** Normalises a possibly negative axis into `[0, rank)`. */
export function normalizeAxis(axis: number, rank: number, op: string): number {
  if (!Number.isInteger(axis)) throw new IndexError(`${op}: axis must be an integer, got ${axis}`);
  const a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= rank) {
    throw new IndexError(`${op}: axis ${axis} is out of range for a tensor of rank ${rank}`);
  }
  return a;
}

/** Normalises an axis list (undefined = all axes), sorted, without duplicates. */
export function normalizeAxes(
  axes: number | readonly number[] | undefined | null,
  rank: number,
  op: string,
): number[] {
  if (axes === undefined || axes === null) return Array.from({ length: rank }, (_, i) => i);
  const list = typeof axes === 'number' ? [axes] : [...axes];
  const out = list.map((a) => normalizeAxis(a, rank, op));
  const set = new Set(out);
  if (set.size !== out.length) throw new IndexError(`${op}: repeated axis in ${JSON.stringify(list)}`);
  return out.sort((x, y) => x - y);
}

/** Resolves a single `-1` in a reshape target and checks the element count. */
export function inferShape(target: Shape, size: number, from: Shape, op: string): number[] {
  let infer = -1;
  let known = 1;
  const out = [...target];
  for (let i = 0; i < out.length; i++) {
    const d = out[i];
    if (d === -1) {
      if (infer !== -1) throw new ShapeError(`${op}: only one dimension can be -1, got ${fmtShape(target)}`);
      infer = i;
    } else if (!Number.isInteger(d) || d < 0) {
      throw new ShapeError(`${op}: invalid dimension ${d} in target shape ${fmtShape(target)}`);
    } else known *= d;
  }
  if (infer !== -1) {
    if (known === 0 || size % known !== 0) {
      throw new ShapeError(
        `${op}: cannot reshape ${fmtShape(from)} (${size} elements) into ${fmtShape(target)}`,
      );
    }
    out[infer] = size / known;
  } else if (known !== size) {
    throw new ShapeError(
      `${op}: cannot reshape ${fmtShape(from)} (${size} elements) into ${fmtShape(target)}`,
    );
  }
  return out;
}

export function shapesEqual(a: Shape, b: Shape): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function checkInt(value: number, what: string, op: string, min = Number.NEGATIVE_INFINITY): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new ValueError(
      `${op}: ${what} must be an integer${min > Number.NEGATIVE_INFINITY ? ` ≥ ${min}` : ''}, got ${value}`,
    );
  }
  return value;
}

/**
 * Merges adjacent dims that are contiguous with each other in every operand, so that strided
 * loops run over as few, as long dims as possible. Returns the merged shape and per-operand strides.
 */
export function collapseDims(
  shape: readonly number[],
  stridesList: readonly (readonly number[])[],
): {
  shape: number[];
  strides: number[][];
} {
  const outShape: number[] = [];
  const outStrides: number[][] = stridesList.map(() => []);
  for (let d = 0; d < shape.length; d++) {
    if (shape[d] === 1) continue;
    const last = outShape.length - 1;
    const mergeable = last >= 0 && stridesList.every((s, k) => outStrides[k][last] === s[d] * shape[d]);
    if (mergeable) {
      outShape[last] *= shape[d];
      stridesList.forEach((s, k) => {
        outStrides[k][last] = s[d];
      });
    } else {
      outShape.push(shape[d]);
      for (let k = 0; k < stridesList.length; k++) outStrides[k].push(stridesList[k][d]);
    }
  }
  return { shape: outShape, strides: outStrides };
}
