import {
  adamUpdate,
  cpuBackend,
  crossEntropyBackward,
  full,
  Generator,
  keep,
  matmul,
  randint,
  randn,
  softmaxCrossEntropy,
  type Tensor,
  tidy,
  zerosLike,
} from '@dendrite/tensor';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { wasmBackend } from './backend.js';
import { sweep } from './reclaim.js';
import { kernels, wasmMemory } from './runtime.js';
import { addressOf, clock, resident, SWEEP_MIN_BYTES } from './storage.js';

// Blocks of tensors a program drops without dispose() or tidy() come back through the generation
// sweep (reclaim.ts), and a tensor still alive never loses its values to it.
const k = kernels();
if (!k) throw new Error('WebAssembly SIMD is available in Node 20');
const heap = k.heap;
const addr = (t: Tensor) => addressOf(t.backendView('test').handle);
const on = { backend: wasmBackend };

/**
 * A two-layer MLP (16 → 32 → 4, ReLU, batch 64) trained by a plain loop: forward, softmax
 * cross-entropy, the gradients by hand, a fused AdamW step per parameter — what an optimizer does,
 * written with tensor ops only. Nothing in it is disposed.
 */
function mlp(seed: number) {
  const g = new Generator(seed);
  const x = randn([64, 16], { generator: g, ...on });
  const y = randint(0, 4, [64], { generator: g, ...on });
  const params = [
    randn([32, 16], { generator: g, std: 0.25, ...on }), // W1
    randn([32], { generator: g, std: 0.1, ...on }), // b1
    randn([4, 32], { generator: g, std: 0.2, ...on }), // W2
    randn([4], { generator: g, std: 0.1, ...on }), // b2
  ];
  let m = params.map((p) => zerosLike(p));
  let v = params.map((p) => zerosLike(p));
  let t = 0;
  const seen = full([64], 1 / 64, on); // d(mean loss)/d(per-row loss)
  return {
    params,
    step(): Tensor {
      const [w1, b1, w2, b2] = params;
      const h = matmul(x, w1.mT).add(b1); // h = x·W1ᵀ + b1
      const a = h.relu();
      const z = matmul(a, w2.mT).add(b2); // logits
      const loss = softmaxCrossEntropy(z, y).mean();
      const dz = crossEntropyBackward(z, y, seen);
      const da = matmul(dz, w2);
      const dh = da.mul(h.gt(0).float()); // ReLU's gradient
      const grads = [matmul(dh.mT, x), dh.sum(0), matmul(dz.mT, a), dz.sum(0)];
      t++;
      const options = {
        lr: 1e-2,
        beta1: 0.9,
        beta2: 0.999,
        eps: 1e-8,
        weightDecay: 0.01,
        decoupled: true,
        step: t,
        amsgrad: false,
        maximize: false,
      };
      const next = params.map((p, i) => adamUpdate(p, grads[i], m[i], v[i], null, options));
      next.forEach((r, i) => params[i].assign(r.param));
      // The optimizer's state outlives a tidy() step, and it frees the state it replaces.
      for (const old of [...m, ...v]) old.dispose();
      m = next.map((r) => keep(r.expAvg));
      v = next.map((r) => keep(r.expAvgSq));
      return loss;
    },
  };
}

describe('reclaiming blocks of tensors never disposed', () => {
  it('a training loop without tidy stays within a small multiple of one step, and trains as with tidy', () => {
    const run = mlp(1);
    tidy(() => void run.step());
    const live = heap.bytesInUse; // weights, AdamW state, the batch (and the tests' own few)
    run.step();
    const oneStep = heap.bytesInUse - live; // what one step without tidy leaves behind
    expect(oneStep).toBeGreaterThan(40_000);
    let most = 0;
    for (let i = 0; i < 2000; i++) {
      run.step();
      most = Math.max(most, heap.bytesInUse);
    }
    // Before the sweep, each step's blocks stayed: 2,000 steps held 2,000 × oneStep (≈ 120 MB).
    // Now the bytes in use stay under the live set plus two minimum rooms (reclaim.ts) and one
    // step of overshoot — here about ten steps' worth.
    expect(most).toBeLessThanOrEqual(live + 2 * SWEEP_MIN_BYTES + 2 * oneStep);
    expect(most).toBeLessThan(16 * oneStep);
    expect(wasmMemory().highWater).toBeLessThan(32 * oneStep);

    // The same steps in tidy(): the same weights to the bit (eviction and readmission copy bytes).
    const ref = mlp(1);
    for (let i = 0; i < 2002; i++) tidy(() => void ref.step());
    run.params.forEach((p, i) => {
      expect(Array.from(p.dataSync())).toEqual(Array.from(ref.params[i].dataSync()));
    });
    expect(tidy(() => run.step().itemSync())).toBeLessThan(0.3); // and it did learn the batch
  });

  it('a loop in tidy() pays nothing: no sweep after its first steps', () => {
    const run = mlp(2);
    for (let i = 0; i < 20; i++) tidy(() => void run.step());
    const gen = clock.gen;
    const inUse = heap.bytesInUse;
    for (let i = 0; i < 300; i++) tidy(() => void run.step());
    expect(clock.gen).toBe(gen);
    expect(heap.bytesInUse).toBe(inUse);
  });

  it('never reuses a block a live tensor points to: idle tensors move out, keep their values, move back', () => {
    const g = new Generator(3);
    const kept = Array.from({ length: 12 }, (_, i) => randn([50 + 37 * i], { generator: g, ...on }));
    const base = randn([40, 30], { generator: g, ...on });
    const view = base.transpose(0, 1).slice(0, 3, 27); // only a view of `base` is kept
    const want = kept.map((t) => Array.from(t.dataSync()));
    const wantView = Array.from(view.dataSync());
    // Churn without tidy: 600 KB a round, dropped; the sweeps find the kept tensors idle.
    const gen = clock.gen;
    for (let i = 0; i < 40; i++)
      randn([150_000], { generator: g, ...on })
        .mul(2)
        .add(1);
    expect(clock.gen).toBeGreaterThan(gen + 2);
    expect(kept.every((t) => addr(t) === -1)).toBe(true); // moved to the JavaScript heap
    expect(addr(view)).toBe(-1);
    kept.forEach((t, i) => {
      expect(Array.from(t.dataSync())).toEqual(want[i]);
    });
    expect(Array.from(view.dataSync())).toEqual(wantView);
    // Their next op moves them back into linear memory first.
    const sums = kept.map((t) => t.add(0));
    kept.forEach((t, i) => {
      expect(addr(t)).toBeGreaterThan(0);
      expect(Array.from(sums[i].dataSync())).toEqual(want[i]);
    });
    const viewed = view.mul(1);
    expect(addr(view)).toBeGreaterThan(0);
    expect(Array.from(viewed.dataSync())).toEqual(wantView);
  });

  it('every dtype survives the move out and back, small blocks (shared slabs) and large', () => {
    const g = new Generator(6);
    const kept = [3, 50, 255, 257, 5000].flatMap((n) => {
      const x = randn([n], { generator: g, ...on });
      return [x, x.double(), x.mul(1000).int(), x.gt(0)];
    });
    const want = kept.map((t) => Array.from(t.dataSync()));
    sweep();
    sweep(); // nothing used in between: every kept block moves out
    expect(kept.every((t) => addr(t) === -1)).toBe(true);
    kept.forEach((t, i) => {
      expect(Array.from(t.dataSync())).toEqual(want[i]);
    });
    const back = kept.map((t) => t.clone());
    kept.forEach((t, i) => {
      expect(addr(t)).toBeGreaterThan(0);
      expect(Array.from(back[i].dataSync())).toEqual(want[i]);
    });
  });

  it("a due sweep runs before the op, after stamping the op's operands: they stay in place", () => {
    const g = new Generator(4);
    const a = randn([48, 64], { generator: g, ...on });
    const b = randn([64, 40], { generator: g, ...on });
    const idle = randn([300], { generator: g, ...on }); // as old as a and b
    const want = Array.from(matmul(a, b).dataSync());
    sweep(); // a, b and idle are now of a past generation
    clock.due = true; // as when the last op's allocation passed the limit
    const c = matmul(a, b); // stamps a and b, then sweeps, then multiplies
    expect(clock.due).toBe(false);
    expect(addr(a)).toBeGreaterThan(0);
    expect(addr(b)).toBeGreaterThan(0);
    expect(addr(idle)).toBe(-1);
    expect(Array.from(c.dataSync())).toEqual(want);
  });

  it('disposed and evicted tensors leave the resident list; freeing an evicted one is a no-op', () => {
    const g = new Generator(5);
    const t = randn([1000], { generator: g, ...on });
    const u = randn([1000], { generator: g, ...on });
    const h = t.backendView('test').handle;
    expect(resident.includes(h as never)).toBe(true);
    t.dispose();
    expect(resident.includes(h as never)).toBe(false);
    sweep();
    sweep();
    expect(addr(u)).toBe(-1);
    const inUse = heap.bytesInUse;
    u.dispose();
    expect(heap.bytesInUse).toBe(inUse);
    resident.forEach((r, i) => {
      expect(r.at).toBeGreaterThan(0);
      expect(r.slot).toBe(i);
    });
  });

  it('random programs under constant sweeping compute exactly what the CPU backend computes', () => {
    // Each program makes tensors, combines them (+ − × are bit-identical to the CPU backend, sums
    // run the same kernel), drops some, and churns linear memory between steps, so that sweeps
    // keep moving idle tensors out and back; every live tensor is then compared with the same
    // program on the CPU backend.
    const op = fc.oneof(
      fc.record({ kind: fc.constant('make' as const), n: fc.integer({ min: 1, max: 3000 }) }),
      fc.record({
        kind: fc.constantFrom('add' as const, 'sub' as const, 'mul' as const, 'sum' as const),
        i: fc.nat(),
        j: fc.nat(),
      }),
      fc.record({ kind: fc.constant('drop' as const), i: fc.nat() }),
      fc.record({ kind: fc.constant('churn' as const), n: fc.integer({ min: 1000, max: 120_000 }) }),
    );
    fc.assert(
      fc.property(
        fc.array(op, { minLength: 1, maxLength: 40 }),
        fc.integer({ min: 1, max: 1000 }),
        (ops, seed) => {
          const g = new Generator(seed);
          const wasm: Tensor[] = [];
          const cpu: Tensor[] = [];
          for (const o of ops) {
            if (o.kind === 'make') {
              const t = randn([o.n], { generator: g, ...on });
              wasm.push(t);
              cpu.push(t.to(cpuBackend));
            } else if (o.kind === 'churn') {
              randn([o.n], { generator: g, ...on }).exp();
            } else if (wasm.length > 0 && o.kind === 'drop') {
              const i = o.i % wasm.length;
              wasm.splice(i, 1);
              cpu.splice(i, 1);
            } else if (wasm.length > 0 && o.kind !== 'drop') {
              const i = o.i % wasm.length;
              const j = o.j % wasm.length;
              const n = Math.min(wasm[i].size, wasm[j].size);
              const f = (xs: Tensor[]) => {
                const p = xs[i].slice(0, 0, n);
                const q = xs[j].slice(0, 0, n);
                if (o.kind === 'sum') return p.sum(0, true);
                return o.kind === 'add' ? p.add(q) : o.kind === 'sub' ? p.sub(q) : p.mul(q);
              };
              wasm.push(f(wasm));
              cpu.push(f(cpu));
            }
          }
          wasm.forEach((t, i) => {
            expect(Array.from(t.dataSync())).toEqual(Array.from(cpu[i].dataSync()));
          });
        },
      ),
      { numRuns: 60, seed: 11 },
    );
  });
});
