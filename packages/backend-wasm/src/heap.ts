/**
 * The allocator of the backend's linear memory: blocks of 16-byte-aligned bytes (SIMD loads stay
 * aligned) for tensor storage and kernel scratch.
 *
 * - **Size classes.** A request is rounded up to its class: multiples of 16 bytes up to 1 KiB,
 *   then eight classes per power of two (at most 12.5% slack). Freed blocks go to the free list
 *   of their class; a training loop asks for the same sizes every step, so after the first step
 *   almost every allocation is a pop from a list.
 * - **Bump, grow, coalesce.** A class with no free block takes fresh bytes at the top; when the
 *   memory is full it grows (where `grow` allows) and, failing that, every free block is merged
 *   with its free neighbours and the request is served first-fit from the merged spans.
 * - **Failure is an answer.** When nothing fits, `alloc` returns −1 and the caller keeps the
 *   tensor on the JavaScript heap instead; no op fails because linear memory is full.
 */
export class LinearHeap {
  /** First byte never handed out. */
  private top: number;
  private readonly lists = new Map<number, number[]>();
  /** Merged free spans [address, bytes], by address; only non-empty after a coalesce. */
  private spans: [number, number][] = [];
  private inUse = 0;

  /**
   * @param base first usable byte (the bytes below stay reserved, e.g. for address 0)
   * @param capacity returns the memory's current size in bytes
   * @param grow tries to make at least `bytes` bytes exist; returns whether it did
   */
  constructor(
    base: number,
    private readonly capacity: () => number,
    private readonly grow: (bytes: number) => boolean,
  ) {
    this.top = LinearHeap.align(base);
  }

  /** Rounds up to a multiple of 16. */
  static align(bytes: number): number {
    return Math.ceil(bytes / 16) * 16;
  }

  /** The block size a request of `bytes` gets (see the class comment). */
  static sizeClass(bytes: number): number {
    if (bytes <= 1024) return bytes <= 16 ? 16 : (bytes + 15) & ~15;
    // Eighths of the power of two at or below: integer bit arithmetic below 1 GiB (every request
    // the heap can serve; 32-bit memory), floating point above.
    const step = bytes < 2 ** 30 ? 1 << (28 - Math.clz32(bytes)) : 2 ** (Math.floor(Math.log2(bytes)) - 3);
    return Math.ceil(bytes / step) * step;
  }

  /** Bytes handed out and not yet freed (block sizes, after rounding). */
  get bytesInUse(): number {
    return this.inUse;
  }

  /** The high-water mark: bytes of memory the heap has used so far. */
  get highWater(): number {
    return this.top;
  }

  /** A block of at least `bytes` bytes (16-byte aligned); −1 when the memory cannot provide one. */
  alloc(bytes: number): number {
    const size = LinearHeap.sizeClass(bytes);
    const list = this.lists.get(size);
    let at = list && list.length > 0 ? (list.pop() as number) : this.fromSpans(size);
    if (at < 0) at = this.bump(size);
    if (at < 0) {
      this.coalesce();
      at = this.fromSpans(size);
      if (at < 0) at = this.bump(size);
    }
    if (at >= 0) this.inUse += size;
    return at;
  }

  /** Returns a block from {@link alloc}; `bytes` is the size that was asked for. */
  free(at: number, bytes: number): void {
    const size = LinearHeap.sizeClass(bytes);
    this.inUse -= size;
    let list = this.lists.get(size);
    if (!list) {
      list = [];
      this.lists.set(size, list);
    }
    list.push(at);
  }

  private bump(size: number): number {
    const end = this.top + size;
    if (end > this.capacity() && !this.grow(end)) return -1;
    const at = this.top;
    this.top = end;
    return at;
  }

  private fromSpans(size: number): number {
    const spans = this.spans;
    for (let i = 0; i < spans.length; i++) {
      const [at, bytes] = spans[i];
      if (bytes < size) continue;
      if (bytes === size) spans.splice(i, 1);
      else spans[i] = [at + size, bytes - size];
      return at;
    }
    return -1;
  }

  /** Merges every free block with its free neighbours; a span that reaches the top lowers it. */
  private coalesce(): void {
    const blocks: [number, number][] = [...this.spans];
    for (const [size, list] of this.lists) for (const at of list) blocks.push([at, size]);
    this.lists.clear();
    blocks.sort((x, y) => x[0] - y[0]);
    const merged: [number, number][] = [];
    for (const [at, size] of blocks) {
      const last = merged[merged.length - 1];
      if (last && last[0] + last[1] === at) last[1] += size;
      else merged.push([at, size]);
    }
    const last = merged[merged.length - 1];
    if (last && last[0] + last[1] === this.top) {
      this.top = last[0];
      merged.pop();
    }
    this.spans = merged;
  }
}
