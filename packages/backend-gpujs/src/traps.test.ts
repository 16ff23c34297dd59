import {
  argmax,
  BackendError,
  concat,
  cpuBackend,
  DTypeError,
  gather,
  IndexError,
  indexSelect,
  matmul,
  ones,
  randn,
  type Tensor,
  tensor,
  tidy,
  zeros,
} from '@dendrite/tensor';
import { describe, expect, it } from 'vitest';
import { loadGpuJs } from './gpujs.js';
import { AUTO_ORDER, availableModes, GPUJS_MODES, gpujsBackend, MAX_TENSOR_ELEMENTS } from './index.js';
import { backendFor, testModes } from './test/modes.js';

/** Values of a tensor as a plain array (read asynchronously: works in every mode). */
async function values(t: Tensor): Promise<number[]> {
  return Array.from(await t.data());
}

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, rtol = 1e-4, atol = 1e-5): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i];
    const e = expected[i];
    if (Math.abs(a - e) > atol + rtol * Math.abs(e)) {
      throw new Error(`element ${i}: got ${a}, expected ${e}`);
    }
  }
}

describe('the gpu.js trap this backend exists to avoid', () => {
  it('gpu.js caps a loop whose bound is an argument at 1000 iterations unless told otherwise', async () => {
    const { GPU } = await loadGpuJs();
    const gpu = new GPU({ mode: 'webasm' });
    const source = 'function (x, n) { let s = 0.0; for (let i = 0; i < n; i++) { s = s + x[i]; } return s; }';
    const settings = { output: [1], argumentTypes: { x: 'Array', n: 'Float' } };
    const capped = gpu.createKernel(source, settings) as unknown as (
      x: Float32Array,
      n: number,
    ) => Float32Array;
    const fixed = gpu.createKernel(source, { ...settings, loopMaxIterations: 1 << 20 }) as unknown as (
      x: Float32Array,
      n: number,
    ) => Float32Array;
    const x = new Float32Array(1500).fill(1);
    expect(capped(x, 1500)[0]).toBe(1000);
    expect(fixed(x, 1500)[0]).toBe(1500);
    gpu.destroy();
  });
});

describe('modes', () => {
  it('webasm and cpu are always available in Node; the mode that runs is reported', async () => {
    const modes = await availableModes();
    expect(modes).toContain('webasm');
    expect(modes).toContain('cpu');
    const b = await backendFor('webasm');
    expect(b.info()).toMatchObject({ requested: 'webasm', mode: 'webasm', async: false });
    expect(b.name).toBe('gpujs:webasm');
    expect(b.canReadSync).toBe(true);
  });

  it('an unavailable or unknown mode is an error, never a silent fallback', async () => {
    const available = await availableModes();
    const missing = GPUJS_MODES.filter((m) => !available.includes(m));
    expect(missing).toContain('webgl2'); // no browser here
    for (const mode of missing) {
      await expect(gpujsBackend({ mode })).rejects.toThrow(`gpujsBackend: mode '${mode}' is not available`);
    }
    if (missing.includes('headlessgl')) {
      await expect(gpujsBackend({ mode: 'headlessgl' })).rejects.toThrow(/'gl' package/);
    }
    await expect(gpujsBackend({ mode: 'cuda' as never })).rejects.toThrow(BackendError);
  });

  it("'auto' picks the first available mode of AUTO_ORDER, which leaves out headlessgl (it fails NaN cases)", async () => {
    const b = await gpujsBackend();
    expect(b.info().requested).toBe('auto');
    expect(b.mode).toBe((await availableModes()).find((m) => AUTO_ORDER.includes(m)));
    expect(AUTO_ORDER).toEqual(['webgpu', 'webgl2', 'webgl', 'webasm', 'cpu']);
    expect(GPUJS_MODES).toContain('headlessgl'); // still there by name
  });
});

for (const mode of await testModes()) {
  describe(`traps, ${mode}`, () => {
    it('float64 is rejected by the core with a clear error', async () => {
      const b = await backendFor(mode);
      expect(b.dtypes.has('float64')).toBe(false);
      expect(() => tensor([1, 2], { dtype: 'float64', backend: b })).toThrow(DTypeError);
      expect(() => tensor([1, 2], { dtype: 'float64', backend: b })).toThrow(/does not support float64/);
    });

    it('reductions, matmul and softmax over far more than 1000 elements are exact', async () => {
      const b = await backendFor(mode);
      expect(await values(ones([5000], { backend: b }).sum())).toEqual([5000]);
      expect(await values(ones([2, 3000], { backend: b }).matmul(ones([3000, 2], { backend: b })))).toEqual([
        3000, 3000, 3000, 3000,
      ]);
      const p = ones([1, 2500], { backend: b }).softmax(-1).sum();
      expectClose(await values(p), [1], 1e-4);
      expect(await values(ones([2000], { backend: b }).cumsum(0).slice(0, 1999))).toEqual([2000]);
    });

    it(`a tensor past ${MAX_TENSOR_ELEMENTS.toLocaleString('en-US')} elements (float32 indexing) is refused when made, never computed wrong`, async () => {
      const b = await backendFor(mode);
      const limit = /past this backend's limit of 16,777,216 \(2²⁴/;
      expect(() => zeros([MAX_TENSOR_ELEMENTS + 1], { backend: b })).toThrow(BackendError); // a fill
      expect(() => zeros([MAX_TENSOR_ELEMENTS + 1], { backend: b })).toThrow(limit);
      // an op's result: [4097, 1] + [1, 4097] broadcasts to 16,785,409 elements (refused before any launch)
      const col = zeros([4097, 1], { backend: b });
      const row = zeros([1, 4097], { backend: b });
      expect(() => col.add(row)).toThrow(limit);
      expect(() => tensor(new Float32Array(MAX_TENSOR_ELEMENTS + 1), { backend: b })).toThrow(limit); // an upload
      // at the limit itself: fine
      expect(await values(zeros([MAX_TENSOR_ELEMENTS], { backend: b }).slice(0, -1))).toEqual([0]);
      for (const t of [col, row]) t.dispose();
    });

    it('each result owns its buffer: a later call of the same kernel does not overwrite it', async () => {
      const b = await backendFor(mode);
      const x = tensor([1, 2, 3], { backend: b });
      const first = x.add(x);
      const second = first.add(first); // the same kernel, fed its own earlier output
      const third = second.add(second);
      expect(await values(first)).toEqual([2, 4, 6]);
      expect(await values(second)).toEqual([4, 8, 12]);
      expect(await values(third)).toEqual([8, 16, 24]);
    });

    it('updates are ping-pong, never in place: assign rebinds to a new buffer', async () => {
      const b = await backendFor(mode);
      const w = tensor([1, 1, 1], { backend: b });
      const before = w.alias();
      for (let step = 0; step < 5; step++) tidy(() => w.assign(w.sub(tensor([0.5, 1, 2], { backend: b }))));
      expect(await values(w)).toEqual([-1.5, -4, -9]);
      expect(await values(before)).toEqual([1, 1, 1]);
    });

    it('concat of many inputs runs in kernels of at most 6 arrays (WebGPU allows 7 per kernel)', async () => {
      const b = await backendFor(mode);
      const parts = Array.from({ length: 20 }, (_, i) => tensor([[i, i + 0.5]], { backend: b }));
      const before = b.dispatchesByKernel();
      const joined = concat(parts, 0);
      const t = concat(parts, 1);
      expect(joined.shape).toEqual([20, 2]);
      expect(t.shape).toEqual([1, 40]);
      const want = Array.from({ length: 20 }, (_, i) => [i, i + 0.5]).flat();
      expect(await values(joined)).toEqual(want);
      expect(await values(t)).toEqual(want);
      const after = b.dispatchesByKernel();
      const launches = [...after].filter(([k]) => k.startsWith('concat'));
      const used = launches.reduce((s, [k, n]) => s + n - (before.get(k) ?? 0), 0);
      expect(used).toBe(8); // 6 + 5 + 5 + 4 inputs, twice
      for (const [k] of launches) expect(Number(k.split(':k')[1])).toBeLessThanOrEqual(6);
    });

    it('ranks above 3 are folded into flat indices (rank-6 broadcast, reduction, batched matmul)', async () => {
      const b = await backendFor(mode);
      const a = randn([2, 3, 2, 2, 3, 4], { backend: cpuBackend });
      const c = randn([2, 1, 2, 3, 1], { backend: cpuBackend });
      const m = randn([4, 1, 4, 5], { backend: cpuBackend });
      const ga = a.permute(5, 1, 0, 3, 2, 4).contiguous();
      const run = (x: Tensor, y: Tensor, z: Tensor) => {
        const s = x.permute(1, 2, 3, 4, 5, 0).add(y); // [3,2,2,2,3,4] + [2,1,2,3,1]: rank-6 broadcast
        return [s, s.sum([0, 2, 5]), matmul(x.reshape(4, 3, 2, 12).slice(3, 0, 4), z)];
      };
      const dev = run(tensor(ga.dataSync(), { shape: ga.shape, backend: b }), c.to(b), m.to(b));
      const ref = run(ga, c, m);
      for (let i = 0; i < ref.length; i++) {
        expect(dev[i].shape).toEqual(ref[i].shape);
        expectClose(await dev[i].data(), ref[i].dataSync());
      }
    });

    if (mode === 'webgpu') {
      it('large products run on the hand-written tiled WGSL kernel (strided, batched, broadcast)', async () => {
        const b = await backendFor(mode);
        const a = randn([2, 3, 130, 70], { backend: cpuBackend });
        const w = randn([3, 90, 70], { backend: cpuBackend });
        const before = b.dispatchesByKernel().get('matmul:wgsl-tiled') ?? 0;
        const got = matmul(a.to(b), w.to(b).mT); // [2,3,130,70] · [3,70,90]ᵀ-view: x·Wᵀ, batch broadcast
        const want = matmul(a, w.mT);
        expect(got.shape).toEqual([2, 3, 130, 90]);
        expectClose(await got.data(), want.dataSync());
        expect(b.dispatchesByKernel().get('matmul:wgsl-tiled')).toBe(before + 1);
      });
    }

    it('int32 values uploaded from the host read back exactly, beyond float32 precision', async () => {
      const b = await backendFor(mode);
      const big = new Int32Array([2147483647, -2147483648, 16777217]);
      expect(Array.from(await tensor(big, { backend: b }).data())).toEqual(Array.from(big));
    });

    it('out-of-range indices known on the host raise the CPU backend’s IndexError', async () => {
      const b = await backendFor(mode);
      const host = randn([4, 3], { backend: cpuBackend });
      const w = host.to(b);
      const bad = tensor([1, 4], { dtype: 'int32', backend: b });
      const cpuMessage = (() => {
        try {
          indexSelect(host, 0, tensor([1, 4], { dtype: 'int32', backend: cpuBackend }));
        } catch (e) {
          return (e as Error).message;
        }
      })();
      expect(() => indexSelect(w, 0, bad)).toThrow(IndexError);
      expect(() => indexSelect(w, 0, bad)).toThrow(cpuMessage);
      expect(() => gather(w, 1, tensor([[0], [3], [1], [0]], { dtype: 'int32', backend: b }))).toThrow(
        'gather: index 3 at [1,0] is out of range for axis 1 of size 3',
      );
    });

    it('out-of-range indices computed on the device give NaN, not a wrong number', async () => {
      const b = await backendFor(mode);
      const w = tensor(
        [
          [1, 2],
          [3, 4],
        ],
        { backend: b },
      );
      const idx = argmax(tensor([0, 5, 1], { backend: b })).add(1); // 2: out of range for 2 rows
      const rows = indexSelect(w, 0, idx.reshape(1));
      expect((await values(rows)).every(Number.isNaN)).toBe(true);
    });

    it('a step of forward, backward-like and update work reads nothing back to the host', async () => {
      const b = await backendFor(mode);
      const x = randn([8, 16], { backend: b });
      const w = randn([16, 4], { backend: b });
      await w.data();
      const reads = b.stats().reads;
      tidy(() => {
        const h = matmul(x, w).relu();
        const loss = h.mul(h).mean();
        const g = matmul(x.mT, h.mul(loss)); // a gradient-shaped product
        w.assign(w.sub(g.mul(0.01)));
      });
      expect(b.stats().reads).toBe(reads);
      await w.data();
      expect(b.stats().reads).toBe(reads + 1);
    });
  });
}

describe('indexCheck: always', () => {
  it('reads device-computed indices back and raises IndexError (synchronous modes)', async () => {
    const b = await gpujsBackend({ mode: 'webasm', indexCheck: 'always', name: 'gpujs:webasm:checked' });
    const w = randn([2, 2], { backend: b });
    const idx = argmax(tensor([0, 5, 1], { backend: b }))
      .add(1)
      .reshape(1);
    expect(() => indexSelect(w, 0, idx)).toThrow(
      'indexSelect: index 2 at [0] is out of range for axis 0 of size 2',
    );
  });
});
