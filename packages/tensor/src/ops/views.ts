import { emitOp, registerOp } from '../dispatch.js';
import { IndexError, ShapeError, ValueError } from '../errors.js';
import {
  broadcastShapes,
  broadcastStrides,
  checkInt,
  contiguousStrides,
  fmtShape,
  inferShape,
  isContiguous,
  normalizeAxes,
  normalizeAxis,
  shapesEqual,
} from '../shape.js';
import { Tensor } from '../tensor.js';
import { checkTensor, wrap } from './util.js';

const RESHAPE = registerOp('reshape', 'view', 'y = x viewed as a new shape');
const PERMUTE = registerOp('permute', 'view', 'y[i_p(0),…] = x[i_0,…]');
const SLICE = registerOp('slice', 'view', 'y = x[start:end:step] along an axis');
const EXPAND = registerOp('expand', 'view', 'y = x repeated along broadcast dims');
const CONTIGUOUS = registerOp('contiguous', 'copy', 'y = x (row-major copy)');
const CLONE = registerOp('clone', 'copy', 'y = x (new storage)');

/**
 * Strides that express `x` with `shape` over the same storage, or null when a copy is needed.
 * Old dims are grouped into chunks that are contiguous with each other; each chunk must map onto
 * a run of new dims with the same element count (the rule PyTorch's `view` uses).
 */
function viewStrides(x: Tensor, shape: readonly number[]): number[] | null {
  if (x.isContiguous) return contiguousStrides(shape);
  const oldShape = x.shape;
  const oldStrides = x.strides;
  const out = new Array<number>(shape.length);
  let viewD = shape.length - 1;
  let chunkBase = oldStrides[oldStrides.length - 1];
  let tensorNumel = 1;
  let viewNumel = 1;
  for (let d = oldShape.length - 1; d >= 0; d--) {
    tensorNumel *= oldShape[d];
    const chunkEnds = d === 0 || (oldShape[d - 1] !== 1 && oldStrides[d - 1] !== tensorNumel * chunkBase);
    if (!chunkEnds) continue;
    while (viewD >= 0 && (viewNumel < tensorNumel || shape[viewD] === 1)) {
      out[viewD] = viewNumel * chunkBase;
      viewNumel *= shape[viewD];
      viewD--;
    }
    if (viewNumel !== tensorNumel) return null;
    if (d > 0) {
      chunkBase = oldStrides[d - 1];
      tensorNumel = 1;
      viewNumel = 1;
    }
  }
  return viewD === -1 ? out : null;
}

function reshapeImpl(x: Tensor, target: readonly number[], op: string, allowCopy: boolean): Tensor {
  checkTensor(x, op, 'input');
  const shape = inferShape(target, x.size, x.shape, op);
  const strides = x.size === 0 ? contiguousStrides(shape) : viewStrides(x, shape);
  let out: Tensor;
  if (strides) out = Tensor.viewOf(x, shape, strides, x.offset);
  else {
    if (!allowCopy) {
      throw new ShapeError(
        `${op}: cannot view ${fmtShape(x.shape)} with strides ${fmtShape(x.strides)} as ${fmtShape(shape)}; use reshape() or contiguous() first`,
      );
    }
    const b = x.backend;
    out = wrap(b, b.copy(x.backendView(op)), shape, x.dtype);
  }
  return emitOp(RESHAPE, [x], out, { from: [...x.shape], to: shape });
}

/** Same elements in a new shape (one dim may be -1); a view when the layout allows, else a copy. */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  return reshapeImpl(x, shape, 'reshape', true);
}

/** Like `reshape` but never copies: errors when the strides cannot express the new shape. */
export function view(x: Tensor, shape: readonly number[]): Tensor {
  return reshapeImpl(x, shape, 'view', false);
}

/** Reorders dims: output dim i is input dim `axes[i]`. */
export function permute(x: Tensor, axes: readonly number[]): Tensor {
  checkTensor(x, 'permute', 'input');
  if (axes.length !== x.rank) {
    throw new ShapeError(
      `permute: got ${axes.length} axes [${axes.join(',')}] for a tensor of rank ${x.rank}`,
    );
  }
  const norm = axes.map((a) => normalizeAxis(a, x.rank, 'permute'));
  if (new Set(norm).size !== norm.length)
    throw new IndexError(`permute: repeated axis in [${axes.join(',')}]`);
  const out = Tensor.viewOf(
    x,
    norm.map((a) => x.shape[a]),
    norm.map((a) => x.strides[a]),
    x.offset,
  );
  return emitOp(PERMUTE, [x], out, { axes: norm });
}

/** Swaps two dims (default: the last two). */
export function transpose(x: Tensor, axis0 = -2, axis1 = -1): Tensor {
  checkTensor(x, 'transpose', 'input');
  if (x.rank < 2 && axis0 === -2 && axis1 === -1)
    return permute(
      x,
      x.shape.map((_, i) => i),
    );
  const a = normalizeAxis(axis0, x.rank, 'transpose');
  const b = normalizeAxis(axis1, x.rank, 'transpose');
  const axes = x.shape.map((_, i) => i);
  axes[a] = b;
  axes[b] = a;
  return permute(x, axes);
}

/** Python-style slice `x[start:end:step]` along `axis` (negative indices count from the end). */
export function slice(x: Tensor, axis: number, start?: number | null, end?: number | null, step = 1): Tensor {
  checkTensor(x, 'slice', 'input');
  const ax = normalizeAxis(axis, x.rank, 'slice');
  checkInt(step, 'step', 'slice', 1);
  const n = x.shape[ax];
  const norm = (v: number | null | undefined, dflt: number) => {
    if (v === undefined || v === null) return dflt;
    checkInt(v, 'a slice bound', 'slice');
    const w = v < 0 ? v + n : v;
    return Math.min(Math.max(w, 0), n);
  };
  const s = norm(start, 0);
  const e = Math.max(norm(end, n), s);
  const len = Math.ceil((e - s) / step);
  const shape = [...x.shape];
  shape[ax] = len;
  const strides = [...x.strides];
  strides[ax] = x.strides[ax] * step;
  const out = Tensor.viewOf(x, shape, strides, x.offset + (len > 0 ? s * x.strides[ax] : 0));
  return emitOp(SLICE, [x], out, { axis: ax, start: s, end: e, step });
}

/** `length` elements from `start` along `axis` (PyTorch's `narrow`); errors when out of range. */
export function narrow(x: Tensor, axis: number, start: number, length: number): Tensor {
  checkTensor(x, 'narrow', 'input');
  const ax = normalizeAxis(axis, x.rank, 'narrow');
  checkInt(length, 'length', 'narrow', 0);
  checkInt(start, 'start', 'narrow');
  const n = x.shape[ax];
  const s = start < 0 ? start + n : start;
  if (s < 0 || s + length > n) {
    throw new IndexError(
      `narrow: range [${start}, ${start}+${length}) is out of bounds for axis ${axis} of size ${n}`,
    );
  }
  return slice(x, ax, s, s + length);
}

/** The slice at `index` along `axis`, with the axis removed. */
export function select(x: Tensor, axis: number, index: number): Tensor {
  checkTensor(x, 'select', 'input');
  const ax = normalizeAxis(axis, x.rank, 'select');
  checkInt(index, 'index', 'select');
  const n = x.shape[ax];
  const i = index < 0 ? index + n : index;
  if (i < 0 || i >= n)
    throw new IndexError(`select: index ${index} is out of range for axis ${axis} of size ${n}`);
  return squeeze(slice(x, ax, i, i + 1), ax);
}

/** Broadcasts to `shape` without copying (stride 0 on expanded dims); -1 keeps a dim. */
export function expand(x: Tensor, shape: readonly number[]): Tensor {
  checkTensor(x, 'expand', 'input');
  if (shape.length < x.rank) {
    throw new ShapeError(
      `expand: target ${fmtShape(shape)} has fewer dims than the input ${fmtShape(x.shape)}`,
    );
  }
  const lead = shape.length - x.rank;
  const target = shape.map((d, i) => (d === -1 && i >= lead ? x.shape[i - lead] : d));
  for (const d of target) {
    if (!Number.isInteger(d) || d < 0)
      throw new ShapeError(`expand: invalid dimension ${d} in ${fmtShape(shape)}`);
  }
  const bshape = broadcastShapes('expand', x.shape, target);
  if (!shapesEqual(bshape, target)) {
    throw new ShapeError(`expand: cannot expand ${fmtShape(x.shape)} to ${fmtShape(shape)}`);
  }
  if (shapesEqual(x.shape, target)) return x;
  const out = Tensor.viewOf(x, target, broadcastStrides(x.shape, x.strides, target), x.offset);
  return emitOp(EXPAND, [x], out, { from: [...x.shape], to: target });
}

/** Removes size-1 dims (all of them, or the given axes, which must have size 1). */
export function squeeze(x: Tensor, axis?: number | readonly number[]): Tensor {
  checkTensor(x, 'squeeze', 'input');
  let drop: number[];
  if (axis === undefined) drop = x.shape.flatMap((d, i) => (d === 1 ? [i] : []));
  else {
    drop = normalizeAxes(axis, x.rank, 'squeeze');
    for (const a of drop) {
      if (x.shape[a] !== 1)
        throw new ShapeError(`squeeze: axis ${a} has size ${x.shape[a]}, not 1 (shape ${fmtShape(x.shape)})`);
    }
  }
  if (drop.length === 0) return x;
  return reshape(
    x,
    x.shape.filter((_, i) => !drop.includes(i)),
  );
}

/** Inserts a size-1 dim at `axis` (−1 appends). */
export function unsqueeze(x: Tensor, axis: number): Tensor {
  checkTensor(x, 'unsqueeze', 'input');
  const a = normalizeAxis(axis, x.rank + 1, 'unsqueeze');
  const shape = [...x.shape];
  shape.splice(a, 0, 1);
  return reshape(x, shape);
}

/** Merges dims `startAxis..endAxis` into one. */
export function flatten(x: Tensor, startAxis = 0, endAxis = -1): Tensor {
  checkTensor(x, 'flatten', 'input');
  if (x.rank === 0) return reshape(x, [1]);
  const s = normalizeAxis(startAxis, x.rank, 'flatten');
  const e = normalizeAxis(endAxis, x.rank, 'flatten');
  if (s > e) throw new ValueError(`flatten: startAxis ${startAxis} comes after endAxis ${endAxis}`);
  const merged = x.shape.slice(s, e + 1).reduce((p, d) => p * d, 1);
  return reshape(x, [...x.shape.slice(0, s), merged, ...x.shape.slice(e + 1)]);
}

/** A row-major copy when `x` is not contiguous already (else `x` itself). */
export function contiguous(x: Tensor): Tensor {
  checkTensor(x, 'contiguous', 'input');
  if (isContiguous(x.shape, x.strides)) return x;
  const b = x.backend;
  const out = wrap(b, b.copy(x.backendView('contiguous')), x.shape, x.dtype);
  return emitOp(CONTIGUOUS, [x], out);
}

/** A copy with its own storage. */
export function clone(x: Tensor): Tensor {
  checkTensor(x, 'clone', 'input');
  const b = x.backend;
  const out = wrap(b, b.copy(x.backendView('clone')), x.shape, x.dtype);
  return emitOp(CLONE, [x], out);
}
