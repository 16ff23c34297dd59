import { emitOp, registerOp } from '../dispatch.js';
import { promoteTypes } from '../dtype.js';
import { ShapeError, ValueError } from '../errors.js';
import { checkInt, fmtShape, normalizeAxis } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { checkTensor, commonBackend, ensureDType, wrap } from './util.js';
import { slice, unsqueeze } from './views.js';

const CONCAT = registerOp('concat', 'join', 'y = [x₀ | x₁ | …] along an axis');

/** Joins tensors along an existing `axis`; all other dims must agree (`torch.cat`). */
export function concat(tensors: readonly Tensor[], axis = 0): Tensor {
  if (!Array.isArray(tensors) || tensors.length === 0)
    throw new ValueError('concat: expected a non-empty array of tensors');
  for (const [i, t] of tensors.entries()) checkTensor(t, 'concat', `tensors[${i}]`);
  const backend = commonBackend('concat', tensors);
  const first = tensors[0];
  if (first.rank === 0)
    throw new ShapeError('concat: zero-dimensional tensors cannot be concatenated; use stack');
  const ax = normalizeAxis(axis, first.rank, 'concat');
  let dtype = first.dtype;
  for (const t of tensors) {
    dtype = promoteTypes(dtype, t.dtype);
    if (t.rank !== first.rank || t.shape.some((d: number, i: number) => i !== ax && d !== first.shape[i])) {
      throw new ShapeError(
        `concat: shapes ${tensors.map((x) => fmtShape(x.shape)).join(', ')} differ outside axis ${ax}`,
      );
    }
  }
  const inputs = tensors.map((t) => ensureDType(t, dtype));
  if (inputs.length === 1) return inputs[0];
  const shape = [...first.shape];
  shape[ax] = inputs.reduce((s, t) => s + t.shape[ax], 0);
  const handle = backend.concat(
    inputs.map((t) => t.backendView('concat')),
    ax,
  );
  const out = wrap(backend, handle, shape, dtype);
  return emitOp(CONCAT, inputs, out, { axis: ax, sizes: inputs.map((t) => t.shape[ax]) });
}

/** Joins same-shape tensors along a new `axis` (`torch.stack`). */
export function stack(tensors: readonly Tensor[], axis = 0): Tensor {
  if (!Array.isArray(tensors) || tensors.length === 0)
    throw new ValueError('stack: expected a non-empty array of tensors');
  for (const [i, t] of tensors.entries()) checkTensor(t, 'stack', `tensors[${i}]`);
  const first = tensors[0];
  for (const t of tensors) {
    if (t.rank !== first.rank || t.shape.some((d: number, i: number) => d !== first.shape[i])) {
      throw new ShapeError(
        `stack: all tensors must have the same shape, got ${tensors.map((x) => fmtShape(x.shape)).join(', ')}`,
      );
    }
  }
  const ax = normalizeAxis(axis, first.rank + 1, 'stack');
  return concat(
    tensors.map((t) => unsqueeze(t, ax)),
    ax,
  );
}

/**
 * Splits into views along `axis`: pieces of `size` (the last may be smaller), or pieces with the
 * listed sizes, which must add up to the axis length (`torch.split`).
 */
export function split(x: Tensor, sizeOrSections: number | readonly number[], axis = 0): Tensor[] {
  checkTensor(x, 'split', 'input');
  const ax = normalizeAxis(axis, x.rank, 'split');
  const n = x.shape[ax];
  let sizes: number[];
  if (typeof sizeOrSections === 'number') {
    checkInt(sizeOrSections, 'split size', 'split', 1);
    sizes = [];
    for (let s = 0; s < n; s += sizeOrSections) sizes.push(Math.min(sizeOrSections, n - s));
    if (n === 0) sizes.push(0);
  } else {
    sizes = [...sizeOrSections];
    for (const s of sizes) checkInt(s, 'section size', 'split', 0);
    const total = sizes.reduce((a, b) => a + b, 0);
    if (total !== n)
      throw new ShapeError(
        `split: sections [${sizes.join(',')}] add up to ${total}, but axis ${ax} has size ${n}`,
      );
  }
  const out: Tensor[] = [];
  let start = 0;
  for (const s of sizes) {
    out.push(slice(x, ax, start, start + s));
    start += s;
  }
  return out;
}

/** Splits into `chunks` views of size ⌈n/chunks⌉ along `axis` (the last may be smaller; `torch.chunk`). */
export function chunk(x: Tensor, chunks: number, axis = 0): Tensor[] {
  checkTensor(x, 'chunk', 'input');
  checkInt(chunks, 'chunks', 'chunk', 1);
  const ax = normalizeAxis(axis, x.rank, 'chunk');
  const n = x.shape[ax];
  return split(x, Math.max(1, Math.ceil(n / chunks)), ax);
}
