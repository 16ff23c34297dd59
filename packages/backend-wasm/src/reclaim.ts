import { kernels } from './runtime.js';
import { clock, evict, readmit, resident, SWEEP_MIN_BYTES, WasmHandle } from './storage.js';

/**
 * Reclaiming the blocks of tensors a program drops without `dispose` or `tidy`: a generation sweep.
 *
 * Why not the tensor core's finalizer: a FinalizationRegistry callback runs only as a task of its
 * own after a full garbage collection, and a synchronous training loop never gives it one (an
 * `await` of a settled promise is a microtask, which does not count either); nor does V8 collect
 * sooner because linear memory fills up, since it does not see that memory. A loop without `tidy`
 * grew linear memory by every step's tensors until it was full, and then ran on the JavaScript
 * heap. No JavaScript API tells a synchronous loop which objects died (WeakRef targets stay alive
 * until the loop returns to the event loop), so the backend does not wait to be told:
 *
 * - **Generations.** Every op stamps the handles it reads with the current generation (the guard
 *   below), and a new block is stamped when made. Once the bytes in use pass a limit, the next op
 *   starts with a sweep: every block not stamped in this generation — not made or read since the
 *   last sweep — is evicted, and the generation advances.
 * - **Eviction keeps the values.** An evicted block's bytes are copied to the JavaScript heap and
 *   the handle is repointed at the copy before the block is freed, so a tensor that is still alive
 *   never sees its bytes reused: its next op copies them back into a fresh block (readmission). A
 *   tensor that was dropped leaves an ordinary typed array, which the garbage collector reclaims
 *   as it does any other: V8 does see that memory.
 * - **Only between ops.** The sweep runs at the start of an op, after that op's operands are
 *   stamped, never inside a kernel: a kernel holds addresses and array views of its operands while
 *   it runs, and those must stay where they are until it returns.
 * - **The limit follows the survivors and the working set, and never falls.** After a sweep the
 *   limit becomes the bytes in use plus half of them (at least {@link SWEEP_MIN_BYTES} more),
 *   unless it was higher; and every readmission — a live block the sweep moved out — raises it by
 *   twice that block, since the room was too small for the program's working set. In a loop that
 *   drops its tensors the room settles at about one step's worth plus what is alive; a loop that
 *   frees them (`tidy`, `dispose`) lifts the limit above its peak in its first steps and then
 *   never sweeps again: it pays nothing.
 *
 * The cost falls on what a loop drops: one copy of each dropped block, and one of each live block
 * that sat unused through a whole generation (a rarely used tensor moves out and back in).
 */

/** Evicts every block not stamped in the current generation, then starts the next one. */
export function sweep(): void {
  const k = kernels();
  clock.due = false;
  if (!k) return;
  const g = clock.gen;
  // Downward: eviction moves the last entry (already visited, so kept) into the freed slot.
  for (let i = resident.length - 1; i >= 0; i--) {
    const h = resident[i];
    if (h.stamp !== g) evict(h);
  }
  clock.gen = g + 1;
  const inUse = k.heap.bytesInUse;
  clock.limit = Math.max(clock.limit, inUse + Math.max(SWEEP_MIN_BYTES, inUse / 2));
}

/** Handles an op reads that the sweep had moved out, to move back before it runs. */
const returning: WasmHandle[] = [];

function stamp(h: unknown): void {
  if (!(h instanceof WasmHandle)) return;
  h.stamp = clock.gen;
  if (h.evicted) returning.push(h);
}

/** Stamps the handles of one kernel argument: a View, an array of Views (concat), a handle. */
function stampArg(a: unknown): void {
  if (a === null || typeof a !== 'object') return;
  if (a instanceof WasmHandle) stamp(a);
  else if (Array.isArray(a)) {
    for (const v of a) if (v !== null && typeof v === 'object') stamp((v as { handle?: unknown }).handle);
  } else stamp((a as { handle?: unknown }).handle);
}

/**
 * Wraps a backend member so that every call first stamps its operands, sweeps when one is due,
 * and (with `bringBack`) moves evicted operands back into linear memory.
 */
export function guarded<F extends (...args: never[]) => unknown>(f: F, bringBack = true): F {
  const g = f as unknown as (...a: unknown[]) => unknown;
  return function (this: unknown, ...args: unknown[]) {
    for (let i = 0; i < args.length; i++) stampArg(args[i]);
    if (clock.due) sweep();
    if (returning.length > 0) {
      if (bringBack) for (const h of returning) if (h.evicted) readmit(h);
      returning.length = 0;
    }
    return g.apply(this, args);
  } as unknown as F;
}
