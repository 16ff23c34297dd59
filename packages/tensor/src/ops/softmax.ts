import { emitOp, registerOp } from '../dispatch.js';
import { toFloat } from '../dtype.js';
import { normalizeAxis } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { checkTensor, ensureDType, wrap } from './util.js';

const SOFTMAX = registerOp('softmax', 'normalize', 'yᵢ = e^(xᵢ−m) / Σⱼ e^(xⱼ−m), m = max x');
const LOG_SOFTMAX = registerOp('logSoftmax', 'normalize', 'yᵢ = xᵢ − m − log Σⱼ e^(xⱼ−m)');

function run(name: string, x: Tensor, axis: number, log: boolean): Tensor {
  checkTensor(x, name, 'input');
  const input = ensureDType(x, toFloat(x.dtype));
  const ax = normalizeAxis(axis, input.rank, name);
  const b = input.backend;
  const out = wrap(b, b.softmax(input.backendView(name), ax, log), input.shape, input.dtype);
  return emitOp(name, [input], out, { axis: ax });
}

/** Softmax along `axis` (default last): exponentials normalised to sum to 1, max-shifted for stability. */
export function softmax(x: Tensor, axis = -1): Tensor {
  return run(SOFTMAX, x, axis, false);
}

/** log(softmax(x)) along `axis`, computed without forming softmax (no log(0) for tiny probabilities). */
export function logSoftmax(x: Tensor, axis = -1): Tensor {
  return run(LOG_SOFTMAX, x, axis, true);
}
