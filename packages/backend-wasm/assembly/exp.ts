// eˣ over float32, four lanes at a time: the exp the fused kernels use (math.ts), exposed so it can be checked alone.
import { exp4 } from './math';
import { loadPartial, storePartial } from './lanes';

// y = eˣ
export function expF32(x: usize, out: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    v128.store(out + o, exp4(v128.load(x + o)));
  }
  if (i < n) storePartial(out + (<usize>i << 2), exp4(loadPartial(x + (<usize>i << 2), n - i)), n - i);
}
