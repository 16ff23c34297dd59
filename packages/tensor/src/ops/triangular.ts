import { ShapeError } from '../errors.js';
import { checkInt, fmtShape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { where } from './elementwise.js';
import { checkTensor, scalarTensor, wrap } from './util.js';

/** A bool `[m, n]` mask of x's last two dims: true where `keep(col − row)`. */
export function triangleMask(x: Tensor, keep: (offset: number) => boolean): Tensor {
  const m = x.shape[x.rank - 2];
  const n = x.shape[x.rank - 1];
  const values = new Uint8Array(m * n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) values[i * n + j] = keep(j - i) ? 1 : 0;
  return wrap(x.backend, x.backend.upload(values, 'bool'), [m, n], 'bool');
}

/** A 0-d zero of x's own dtype, so the result keeps it (a bool mask stays bool). */
function zeroLike(x: Tensor): Tensor {
  return scalarTensor(0, x.dtype, x.backend);
}

function check(op: string, x: Tensor, diagonal: number): void {
  checkTensor(x, op, 'input');
  checkInt(diagonal, 'diagonal', op);
  if (x.rank < 2) throw new ShapeError(`${op}: input must have at least 2 dims, got ${fmtShape(x.shape)}`);
}

/** Upper triangle of the last two dims: keeps x[i][j] where j − i ≥ diagonal, zeros the rest. */
export function triu(x: Tensor, diagonal = 0): Tensor {
  check('triu', x, diagonal);
  return where(
    triangleMask(x, (d) => d >= diagonal),
    x,
    zeroLike(x),
  );
}

/** Lower triangle of the last two dims: keeps x[i][j] where j − i ≤ diagonal, zeros the rest. */
export function tril(x: Tensor, diagonal = 0): Tensor {
  check('tril', x, diagonal);
  return where(
    triangleMask(x, (d) => d <= diagonal),
    x,
    zeroLike(x),
  );
}
