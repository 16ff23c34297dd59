import { emitOp, registerOp } from '../dispatch.js';
import { normalizeAxis } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { cast } from './cast.js';
import { checkTensor, wrap } from './util.js';

const CUMSUM = registerOp('cumsum', 'scan', 'yᵢ = Σ_{j≤i} xⱼ');

/** Inclusive running sum along `axis`; bools count as int32. */
export function cumsum(x: Tensor, axis: number): Tensor {
  checkTensor(x, 'cumsum', 'input');
  const ax = normalizeAxis(axis, x.rank, 'cumsum');
  const input = x.dtype === 'bool' ? cast(x, 'int32') : x;
  const b = input.backend;
  const out = wrap(b, b.cumsum(input.backendView('cumsum'), ax), input.shape, input.dtype);
  return emitOp(CUMSUM, [input], out, { axis: ax });
}
