import { cpuBackend, Generator, matmul, randn, tensor, tidy } from '@dendrite/tensor';
import { describe, expect, it } from 'vitest';
import { wasmBackend } from './backend.js';
import { sweep } from './reclaim.js';
import { kernels, wasmMemory } from './runtime.js';
import { addressOf } from './storage.js';

const k = kernels();
if (!k) throw new Error('WebAssembly SIMD is available in Node 20');
const heap = k.heap;
const g = new Generator(3);
const addr = (t: { backendView(op: string): { handle: object } }) => addressOf(t.backendView('test').handle);

function maxRelErr(x: ArrayLike<number>, y: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i] - y[i]) / (1 + Math.abs(y[i])));
  return m;
}

describe('storage in linear memory', () => {
  it('puts uploaded tensors and every kind of op result in linear memory', () => {
    const x = tensor([1, 2, 3, 4, 5, 6], { shape: [2, 3], backend: wasmBackend });
    const y = randn([3, 40], { generator: g, backend: wasmBackend });
    const results = [
      x,
      y,
      x.add(1),
      x.exp(),
      x.sum(-1),
      x.softmax(-1),
      x.transpose(0, 1).contiguous(),
      matmul(x, y),
    ];
    for (const t of results) {
      expect(addr(t)).toBeGreaterThan(0);
      expect(addr(t) % 16).toBe(0);
    }
    expect(Array.from(x.add(1).dataSync())).toEqual([2, 3, 4, 5, 6, 7]);
  });

  it('returns blocks to the allocator on dispose, so a training-like loop stays flat', () => {
    const w = randn([64, 64], { generator: g, backend: wasmBackend });
    const step = () =>
      tidy(() => {
        const x = randn([32, 64], { generator: g, backend: wasmBackend });
        return void matmul(x, w).gelu().softmax(-1).mul(2).sum().dataSync();
      });
    for (let i = 0; i < 5; i++) step();
    const inUse = heap.bytesInUse;
    const high = heap.highWater;
    for (let i = 0; i < 200; i++) step();
    expect(heap.bytesInUse).toBe(inUse);
    expect(heap.highWater).toBe(high);
    expect(wasmMemory()).toEqual({
      bytesInUse: inUse,
      highWater: high,
      memoryBytes: k.memory.buffer.byteLength,
    });
    const t = randn([1000], { generator: g, backend: wasmBackend });
    expect(heap.bytesInUse).toBeGreaterThanOrEqual(inUse + 4000);
    t.dispose();
    expect(heap.bytesInUse).toBe(inUse);
  });

  it('multiplies operands in place: row-strided A, transposed B, batched and broadcast views', () => {
    const a = randn([2, 37, 80], { generator: g, backend: wasmBackend });
    const b = randn([50, 61], { generator: g, backend: wasmBackend });
    const w = randn([29, 50], { generator: g, backend: wasmBackend });
    const cases = [
      () => [a.slice(2, 10, 60), b.slice(0, 0, 50)] as const, // A rows with a stride > K
      () => [a.slice(2, 0, 50), w.mT] as const, // Bᵀ read in place
      () => [a.transpose(1, 2).slice(1, 0, 29), a.slice(2, 0, 61)] as const, // Aᵀ read through its strides
      () => [a.slice(2, 0, 50), b.slice(1, 0, 40).expand(2, 50, 40)] as const,
    ];
    for (const make of cases) {
      const [x, y] = make();
      const got = matmul(x, y).dataSync();
      const want = matmul(x.to(cpuBackend), y.to(cpuBackend)).dataSync();
      expect(maxRelErr(got, want)).toBeLessThan(1e-5);
    }
  });

  it('multiplies operands that live on the JavaScript heap (made by the CPU backend)', () => {
    const a = randn([40, 70], { generator: g });
    const b = randn([70, 30], { generator: g });
    const view = (t: typeof a) => t.backendView('test');
    const h = wasmBackend.matmul(view(a), view(b)) as { data: Float32Array };
    expect(maxRelErr(h.data, matmul(a, b).dataSync())).toBeLessThan(1e-5);
  });

  it('keeps working on the JavaScript heap when linear memory is full', () => {
    // Two sweeps move every block of the tests above out (none is used in between), so that the
    // sweeps the full memory asks for find nothing to free.
    sweep();
    sweep();
    const taken: [number, number][] = [];
    for (let bytes = 64 << 20; bytes >= 16; ) {
      const at = heap.alloc(bytes);
      if (at < 0) bytes >>= 1;
      else taken.push([at, bytes]);
    }
    try {
      const x = randn([30, 40], { generator: g, backend: wasmBackend });
      const y = randn([40, 20], { generator: g, backend: wasmBackend });
      expect(addr(x)).toBe(-1);
      const z = matmul(x, y).relu().sum(0);
      expect(addr(z)).toBe(-1);
      const want = matmul(x.to(cpuBackend), y.to(cpuBackend)).relu().sum(0).dataSync();
      expect(maxRelErr(z.dataSync(), want)).toBeLessThan(1e-5);
      z.dispose(); // freeing a heap array is a no-op for the allocator
    } finally {
      for (const [at, bytes] of taken) heap.free(at, bytes);
    }
    expect(addr(randn([8], { backend: wasmBackend }))).toBeGreaterThan(0);
  });
});
