import { emitOp, registerOp } from '../dispatch.js';
import { allocArray, assertDType, type DType } from '../dtype.js';
import { DTypeError, IndexError, ShapeError, ValueError } from '../errors.js';
import { fmtShape, normalizeAxis } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { add } from './elementwise.js';
import { checkTensor, commonBackend, wrap } from './util.js';
import { expand, reshape, slice } from './views.js';

const GATHER = registerOp('gather', 'index', 'y[i][j][k] = x[i][idx[i][j][k]][k]   (axis 1)');
const SCATTER_ADD = registerOp(
  'scatterAdd',
  'index',
  'y = 0; y[i][idx[i][j][k]][k] += src[i][j][k]   (axis 1)',
);
const INDEX_SELECT = registerOp('indexSelect', 'index', 'y[…, j, …] = x[…, idx[j], …]');
const INDEX_ADD = registerOp('indexAdd', 'index', 'y = 0; y[…, idx[j], …] += src[…, j, …]');

function checkIndex(op: string, index: Tensor): void {
  checkTensor(index, op, 'index');
  if (index.dtype !== 'int32') {
    throw new DTypeError(`${op}: index must be int32, got ${index.dtype} (convert with .int())`);
  }
}

function checkGatherShapes(
  op: string,
  shape: readonly number[],
  axis: number,
  index: Tensor,
  what: string,
): void {
  if (index.rank !== shape.length) {
    throw new ShapeError(
      `${op}: index ${fmtShape(index.shape)} must have the same rank as ${what} ${fmtShape(shape)}`,
    );
  }
  for (let d = 0; d < shape.length; d++) {
    if (d !== axis && index.shape[d] > shape[d]) {
      throw new ShapeError(
        `${op}: index ${fmtShape(index.shape)} is larger than ${what} ${fmtShape(shape)} at dim ${d} (only axis ${axis} may be larger; ${op} does not broadcast${op === 'gather' ? ': takeAlongDim does' : ''})`,
      );
    }
  }
}

/**
 * Picks values along `axis` by an int32 index of the same rank, as `torch.gather`: the output has
 * the index's shape, and every dim other than `axis` of the index must be ≤ the input's (a smaller
 * index reads the leading part, exactly as PyTorch; nothing broadcasts — {@link takeAlongDim}
 * broadcasts). y[i][j][k] = x[i][idx[i][j][k]][k] (axis 1)
 */
export function gather(x: Tensor, axis: number, index: Tensor): Tensor {
  checkTensor(x, 'gather', 'input');
  checkIndex('gather', index);
  commonBackend('gather', [x, index]);
  const ax = normalizeAxis(axis, x.rank, 'gather');
  checkGatherShapes('gather', x.shape, ax, index, 'input');
  const b = x.backend;
  const out = wrap(
    b,
    b.gather(x.backendView('gather'), ax, index.backendView('gather')),
    index.shape,
    x.dtype,
  );
  return emitOp(GATHER, [x, index], out, { axis: ax });
}

/**
 * Picks values along `dim` by int32 `indices`, broadcasting every other dim between the input and
 * the indices (`torch.take_along_dim`): input `[2,3,4]` with indices `[1,3,2]` along the last dim
 * gives `[2,3,2]`. Both need the same rank. Without `dim`, picks from the flattened input by the
 * flattened indices (a 1-D result). Made of `expand` and {@link gather}, so its gradient scatters
 * back and sums over the broadcast dims. y[i][j][k] = x[i][j][idx[i][j][k]] (dim 2, after broadcasting)
 */
export function takeAlongDim(x: Tensor, indices: Tensor, dim?: number | null): Tensor {
  checkTensor(x, 'takeAlongDim', 'input');
  checkIndex('takeAlongDim', indices);
  commonBackend('takeAlongDim', [x, indices]);
  if (dim === undefined || dim === null) return gather(reshape(x, [-1]), 0, reshape(indices, [-1]));
  const ax = normalizeAxis(dim, x.rank, 'takeAlongDim');
  if (indices.rank !== x.rank) {
    throw new ShapeError(
      `takeAlongDim: indices ${fmtShape(indices.shape)} must have the same rank as the input ${fmtShape(x.shape)}`,
    );
  }
  const xTarget = [...x.shape];
  const iTarget = [...indices.shape];
  for (let d = 0; d < x.rank; d++) {
    if (d === ax) continue;
    const a = x.shape[d];
    const b = indices.shape[d];
    if (a !== b && a !== 1 && b !== 1) {
      throw new ShapeError(
        `takeAlongDim: input ${fmtShape(x.shape)} and indices ${fmtShape(indices.shape)} cannot be broadcast outside dim ${ax}: dim ${d} is ${a} vs ${b}`,
      );
    }
    const size = a === 1 ? b : a;
    xTarget[d] = size;
    iTarget[d] = size;
  }
  return gather(expand(x, xTarget), ax, expand(indices, iTarget));
}

/** zeros(shape) with `src` values summed into the positions `index` names along `axis`. */
export function scatterAddZeros(shape: readonly number[], axis: number, index: Tensor, src: Tensor): Tensor {
  checkTensor(src, 'scatterAdd', 'src');
  checkIndex('scatterAdd', index);
  commonBackend('scatterAdd', [src, index]);
  const ax = normalizeAxis(axis, shape.length, 'scatterAdd');
  checkGatherShapes('scatterAdd', shape, ax, index, 'output');
  if (src.rank !== index.rank) {
    throw new ShapeError(
      `scatterAdd: src ${fmtShape(src.shape)} must have the same rank as index ${fmtShape(index.shape)}`,
    );
  }
  // Only the part of src the index covers is scattered: trim src so the two shapes agree.
  let used = src;
  for (let d = 0; d < index.rank; d++) {
    if (index.shape[d] > src.shape[d]) {
      throw new ShapeError(
        `scatterAdd: index ${fmtShape(index.shape)} is larger than src ${fmtShape(src.shape)} at dim ${d}`,
      );
    }
    if (used.shape[d] !== index.shape[d]) used = slice(used, d, 0, index.shape[d]);
  }
  const b = used.backend;
  const view = used.backendView('scatterAdd');
  const handle = b.scatterAdd(shape, used.dtype, ax, index.backendView('scatterAdd'), view);
  const out = wrap(b, handle, shape, used.dtype);
  return emitOp(SCATTER_ADD, [index, used], out, { axis: ax, shape: [...shape] });
}

/** `input` plus `src` scattered along `axis` at `index` (`torch.scatter_add`, out of place). */
export function scatterAdd(input: Tensor, axis: number, index: Tensor, src: Tensor): Tensor {
  checkTensor(input, 'scatterAdd', 'input');
  return add(input, scatterAddZeros(input.shape, axis, index, src));
}

/** Whole slices along `axis` picked by a 1-D int32 `index` (`torch.index_select`). */
export function indexSelect(x: Tensor, axis: number, index: Tensor): Tensor {
  checkTensor(x, 'indexSelect', 'input');
  checkIndex('indexSelect', index);
  commonBackend('indexSelect', [x, index]);
  if (index.rank !== 1)
    throw new ShapeError(`indexSelect: index must be 1-D, got shape ${fmtShape(index.shape)}`);
  const ax = normalizeAxis(axis, x.rank, 'indexSelect');
  const shape = [...x.shape];
  shape[ax] = index.shape[0];
  const b = x.backend;
  const out = wrap(
    b,
    b.indexSelect(x.backendView('indexSelect'), ax, index.backendView('indexSelect')),
    shape,
    x.dtype,
  );
  return emitOp(INDEX_SELECT, [x, index], out, { axis: ax });
}

/** zeros(shape) with slice `i` of `src` added into slice `index[i]` along `axis`. */
export function indexAddZeros(shape: readonly number[], axis: number, index: Tensor, src: Tensor): Tensor {
  checkTensor(src, 'indexAdd', 'src');
  checkIndex('indexAdd', index);
  commonBackend('indexAdd', [src, index]);
  if (index.rank !== 1)
    throw new ShapeError(`indexAdd: index must be 1-D, got shape ${fmtShape(index.shape)}`);
  const ax = normalizeAxis(axis, shape.length, 'indexAdd');
  const expected = [...shape];
  expected[ax] = index.shape[0];
  if (src.rank !== expected.length || src.shape.some((d, i) => d !== expected[i])) {
    throw new ShapeError(`indexAdd: src must have shape ${fmtShape(expected)}, got ${fmtShape(src.shape)}`);
  }
  const b = src.backend;
  const handle = b.indexAdd(shape, src.dtype, ax, index.backendView('indexAdd'), src.backendView('indexAdd'));
  const out = wrap(b, handle, shape, src.dtype);
  return emitOp(INDEX_ADD, [index, src], out, { axis: ax, shape: [...shape] });
}

/** `input` plus slices of `src` added at `index` along `axis` (`torch.index_add`, out of place). */
export function indexAdd(input: Tensor, axis: number, index: Tensor, src: Tensor): Tensor {
  checkTensor(input, 'indexAdd', 'input');
  return add(input, indexAddZeros(input.shape, axis, index, src));
}

/** Runs `fn`; an out-of-range `IndexError` from the kernel underneath is re-labelled with the op the user called. */
function asOp<T>(op: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof IndexError) throw new IndexError(err.message.replace(/^\w+:/, `${op}:`));
    throw err;
  }
}

/** Elements of the flattened `x` at `index` (any shape); output has the index's shape (`torch.take`). */
export function take(x: Tensor, index: Tensor): Tensor {
  checkTensor(x, 'take', 'input');
  checkIndex('take', index);
  return asOp('take', () => reshape(indexSelect(reshape(x, [-1]), 0, reshape(index, [-1])), index.shape));
}

/** Rows of `weight` `[numEmbeddings, dim]` for int32 `ids` of any shape → `[...ids.shape, dim]`. */
export function embedding(ids: Tensor, weight: Tensor): Tensor {
  checkTensor(ids, 'embedding', 'ids');
  checkTensor(weight, 'embedding', 'weight');
  if (ids.dtype !== 'int32') throw new DTypeError(`embedding: ids must be int32, got ${ids.dtype}`);
  if (weight.rank !== 2)
    throw new ShapeError(`embedding: weight must be 2-D [numEmbeddings, dim], got ${fmtShape(weight.shape)}`);
  const rows = asOp('embedding', () => indexSelect(weight, 0, reshape(ids, [-1])));
  return reshape(rows, [...ids.shape, weight.shape[1]]);
}

/** One-hot rows for int32 `ids` of any shape → `[...ids.shape, numClasses]`. */
export function oneHot(ids: Tensor, numClasses: number, dtype: DType = 'float32'): Tensor {
  checkTensor(ids, 'oneHot', 'ids');
  if (ids.dtype !== 'int32') throw new DTypeError(`oneHot: ids must be int32, got ${ids.dtype}`);
  if (!Number.isInteger(numClasses) || numClasses < 1) {
    throw new ValueError(`oneHot: numClasses must be a positive integer, got ${numClasses}`);
  }
  assertDType(dtype, 'oneHot');
  const b = ids.backend;
  const eye = allocArray(dtype, numClasses * numClasses);
  for (let i = 0; i < numClasses; i++) eye[i * numClasses + i] = 1;
  const table = wrap(b, b.upload(eye, dtype), [numClasses, numClasses], dtype);
  return asOp('oneHot', () => embedding(ids, table));
}
