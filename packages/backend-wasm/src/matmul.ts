import { cpuBackend, type Handle, type View } from '@dendrite/tensor';
import { planMatmul } from '@dendrite/tensor/backend';
import type { Kernels } from './runtime.js';
import { addressOf, allocate, freeScratch, scratch, type WasmHandle } from './storage.js';
import {
  batchScratchBytes,
  blockScratchBytes,
  gemmBatchParallel,
  gemmParallel,
  PARALLEL_MIN_ELEMENTS,
  PARALLEL_MIN_MACS,
  splitCall,
  threadCount,
} from './threads.js';

type F32 = Float32Array;

/** Scratch blocks of linear memory for one kernel call, all returned by {@link release}. */
class Scratch {
  private readonly blocks: [number, number][] = [];
  /** Whether every block asked for was granted. */
  ok = true;

  take(bytes: number): number {
    const at = scratch(bytes);
    if (at < 0) this.ok = false;
    else this.blocks.push([at, bytes]);
    return at;
  }

  release(): void {
    for (const [at, bytes] of this.blocks) freeScratch(at, bytes);
  }
}

/** An operand's byte address in linear memory, copying a heap array in (as stored) when needed. */
function place(k: Kernels, v: View, s: Scratch): number {
  const at = addressOf(v.handle);
  if (at >= 0) return at;
  const data = (v.handle as { data: F32 }).data;
  const to = s.take(data.length * 4);
  if (to >= 0) new Float32Array(k.memory.buffer, to, data.length).set(data);
  return to;
}

/**
 * float32 batched matrix product on the SIMD kernels, in place in linear memory: operands are read
 * where they lie through their strides (B packed into 8-column panels by the module, A — a
 * transposed one too — read in place), C is written straight into the result's block. Large products
 * split their rows over the worker threads; a batch of small ones (attention's per-head products)
 * splits whole products over them. A batch that shares one weight (x·W with x [B, T, C]) runs as
 * one product. Operands on the JavaScript heap are copied in first.
 */
export function wasmMatmul(k: Kernels, a: View, b: View): Handle {
  const { K, N, rows, count, ars, acs, brs, bcs, aOffsets, bOffsets, size } = planMatmul(a, b);
  const out = allocate('float32', size, K === 0);
  if (size === 0 || K === 0) return out;
  const s = new Scratch();
  try {
    const aBase = place(k, a, s);
    const bBase = place(k, b, s);
    const cBase = out.at >= 0 ? out.at : s.take(size * 4);
    const pBytes = batchScratchBytes(N, K);
    const ex = k.exports;
    if (count === 1 || rows * N * K >= PARALLEL_MIN_MACS) {
      // B's panels, then a block of A for each thread (the calling thread's first).
      const panels = s.take(pBytes + blockScratchBytes(K) * threadCount());
      const blocks = panels + pBytes - blockScratchBytes(K);
      if (!s.ok) return onHeap(out, a, b);
      let lastB = -1;
      for (let t = 0; t < count; t++) {
        if (bOffsets[t] !== lastB) {
          packPanels(k, bBase + bOffsets[t] * 4, brs, bcs, K, N, panels);
          lastB = bOffsets[t];
        }
        const aPtr = aBase + aOffsets[t] * 4;
        const cPtr = cBase + t * rows * N * 4;
        if (!gemmParallel(k, aPtr, ars, acs, panels, cPtr, rows, N, K, blocks))
          ex.gemmPacked(aPtr, ars, acs, panels, cPtr, rows, N, K, blocks);
      }
    } else {
      const table = s.take(count * 12);
      const perThread = Array.from({ length: threadCount() + 1 }, () => s.take(pBytes));
      if (!s.ok) return onHeap(out, a, b);
      const entries = new Uint32Array(k.memory.buffer, table, count * 3);
      for (let t = 0; t < count; t++) {
        entries[3 * t] = aBase + aOffsets[t] * 4;
        entries[3 * t + 1] = bBase + bOffsets[t] * 4;
        entries[3 * t + 2] = cBase + t * rows * N * 4;
      }
      const strides = [ars, acs, brs, bcs] as const;
      if (!gemmBatchParallel(k, table, count, strides, rows, N, K, perThread)) {
        ex.gemmBatch(table, 0, count, ars, acs, brs, bcs, rows, N, K, perThread[0]);
      }
    }
    if (out.at < 0) out.data.set(new Float32Array(k.memory.buffer, cBase, size));
    return out;
  } finally {
    s.release();
  }
}

/** B packed into 8-column panels (packB), the panels split over the threads when they are on. */
function packPanels(k: Kernels, b: number, brs: number, bcs: number, K: number, N: number, p: number): void {
  splitCall(k, 'packBPanels', (N + 7) >> 3, [b, brs, bcs, K, N, p, { at: 0, perUnit: 1 }, 'count'], {
    least: Math.ceil(PARALLEL_MIN_ELEMENTS / (8 * K)),
    minChunk: 1,
  });
}

/** Linear memory is full: the TypeScript kernel computes the product on the heap, into `out`. */
function onHeap(out: WasmHandle, a: View, b: View): WasmHandle {
  out.data.set((cpuBackend.matmul(a, b) as { data: F32 }).data);
  return out;
}
