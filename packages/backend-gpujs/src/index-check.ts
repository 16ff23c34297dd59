import { IndexError, type View } from '@dendrite/tensor';
import { asHandle, type OpContext } from './context.js';
import { offsetsOf } from './layout.js';

/**
 * Checks that every index value lies in `[0, limit)` before a gather or scatter, raising the CPU
 * backend's `IndexError`, message for message. Indices the host knows (uploads, fills) are always
 * checked; indices computed on the device only with `indexCheck: 'always'` in a synchronous mode
 * (a read back per launch), else the kernels turn what they touch into NaN. `flat` names a position
 * of a 1-D index as `[p]`, else by its coordinates.
 */
export function checkIndex(
  ctx: OpContext,
  op: string,
  index: View,
  limit: number,
  axis: number,
  flat: boolean,
): void {
  const h = asHandle(index.handle);
  let values: ArrayLike<number> | null = null;
  if (h.hostKnown) values = null;
  else if (ctx.indexCheck === 'always' && !ctx.runner.async) values = ctx.runner.readSync(h);
  else return;
  const rank = index.shape.length;
  const coord = new Array<number>(rank).fill(0);
  let pos = 0;
  for (const off of offsetsOf(index.shape, index.strides, index.offset)) {
    const v = values === null ? h.hostAt(off)! : values[off];
    if (!(v >= 0 && v < limit)) {
      const where = flat ? `[${pos}]` : `[${coord.join(',')}]`;
      throw new IndexError(`${op}: index ${v} at ${where} is out of range for axis ${axis} of size ${limit}`);
    }
    pos++;
    for (let d = rank - 1; d >= 0; d--) {
      if (++coord[d] < index.shape[d]) break;
      coord[d] = 0;
    }
  }
}
