import { emitOp, registerOp } from '../dispatch.js';
import { promoteTypes, toFloat } from '../dtype.js';
import { ShapeError } from '../errors.js';
import { broadcastShapes, broadcastStrides, fmtShape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { checkTensor, commonBackend, ensureDType, wrap } from './util.js';
import { reshape, squeeze, unsqueeze } from './views.js';

const MATMUL = registerOp('matmul', 'matmul', 'C[…,i,j] = Σₖ A[…,i,k]·B[…,k,j]');

/**
 * Matrix product with `torch.matmul` semantics: 1-D × 1-D is a dot product, a 1-D operand is
 * treated as a row (left) or column (right) vector and that dim removed afterwards, and leading
 * batch dims broadcast. Integer inputs compute in float32.
 */
export function matmul(a: Tensor, b: Tensor): Tensor {
  checkTensor(a, 'matmul', 'first input');
  checkTensor(b, 'matmul', 'second input');
  commonBackend('matmul', [a, b]);
  if (a.rank === 0 || b.rank === 0) {
    throw new ShapeError(
      `matmul: both inputs need at least 1 dim, got ${fmtShape(a.shape)} and ${fmtShape(b.shape)}`,
    );
  }
  const k1 = a.shape[a.rank - 1];
  const k2 = b.shape[b.rank === 1 ? 0 : b.rank - 2];
  if (k1 !== k2) {
    throw new ShapeError(
      `matmul: cannot multiply ${fmtShape(a.shape)} by ${fmtShape(b.shape)}: inner dimensions ${k1} and ${k2} differ`,
    );
  }
  const dtype = toFloat(promoteTypes(a.dtype, b.dtype));
  let x = ensureDType(a, dtype);
  let y = ensureDType(b, dtype);
  const vecA = x.rank === 1;
  const vecB = y.rank === 1;
  if (vecA) x = unsqueeze(x, 0);
  if (vecB) y = unsqueeze(y, 1);
  let out = matmulPrimitive(x, y);
  if (vecA && vecB) out = reshape(out, []);
  else if (vecA) out = squeeze(out, -2);
  else if (vecB) out = squeeze(out, -1);
  return out;
}

/** Both operands rank ≥ 2, same dtype. */
function matmulPrimitive(a: Tensor, b: Tensor): Tensor {
  const m = a.shape[a.rank - 2];
  const n = b.shape[b.rank - 1];
  const k = a.shape[a.rank - 1];
  let batch: number[];
  try {
    batch = broadcastShapes('matmul', a.shape.slice(0, -2), b.shape.slice(0, -2));
  } catch {
    throw new ShapeError(
      `matmul: batch dims of ${fmtShape(a.shape)} and ${fmtShape(b.shape)} cannot be broadcast together`,
    );
  }
  const av = a.backendView('matmul');
  const bv = b.backendView('matmul');
  const aShape = [...batch, m, k];
  const bShape = [...batch, k, n];
  const backend = a.backend;
  const handle = backend.matmul(
    { ...av, shape: aShape, strides: broadcastStrides(av.shape, av.strides, aShape) },
    { ...bv, shape: bShape, strides: broadcastStrides(bv.shape, bv.strides, bShape) },
  );
  const out = wrap(backend, handle, [...batch, m, n], a.dtype);
  return emitOp(MATMUL, [a, b], out);
}
