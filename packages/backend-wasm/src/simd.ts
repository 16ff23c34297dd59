import {
  type AdamUpdateOptions,
  type Backend,
  type BinaryOp,
  contiguousStrides,
  type DType,
  type Handle,
  type ReduceOp,
  sizeOf,
  type UnaryOp,
  type View,
} from '@dendrite/tensor';
import { assertClassTargets, forEachRow } from '@dendrite/tensor/backend';
import type { SimdLimits } from './limits.js';
import { type KernelExports, type Kernels, kernels } from './runtime.js';
import { addressOf, allocate, freeScratch, release, scratch, type WasmHandle } from './storage.js';
import {
  elementwiseParallel,
  PARALLEL_MIN_ELEMENTS,
  type ParallelKernel,
  type SplitArg,
  splitCall,
} from './threads.js';

/**
 * The element-wise and fused SIMD kernels (assembly/elementwise.ts … layernorm.ts) behind the
 * Backend members they speed up. Each takes its fast path when the float32 operands are laid out
 * the way the kernel reads them (contiguous, in linear memory) and otherwise hands the call to
 * the CPU reference kernel, so every layout the core can produce still works.
 */

/** Byte address of a contiguous float32 view in linear memory, or −1. */
function at(v: View): number {
  if (v.dtype !== 'float32') return -1;
  const base = addressOf(v.handle);
  if (base < 0) return -1;
  // Row-major strides, checked from the last dim (size-1 dims may have any stride).
  let expected = 1;
  for (let i = v.shape.length - 1; i >= 0; i--) {
    if (v.shape[i] !== 1 && v.strides[i] !== expected) return -1;
    expected *= v.shape[i];
  }
  return base + v.offset * 4;
}

/** Byte address of a contiguous int32 view in linear memory, or −1. */
function intAt(v: View): number {
  return v.dtype === 'int32' && v.shape.length === 1 && (v.strides[0] === 1 || v.shape[0] <= 1)
    ? addressOf(v.handle) < 0
      ? -1
      : addressOf(v.handle) + v.offset * 4
    : -1;
}

/** A 1-D int32 view's values (cross-entropy's targets), wherever its storage lies; null when strided. */
function classTargets(v: View): Int32Array | null {
  if (v.dtype !== 'int32' || v.shape.length !== 1 || (v.strides[0] !== 1 && v.shape[0] > 1)) return null;
  return ((v.handle as WasmHandle).data as Int32Array).subarray(v.offset, v.offset + v.shape[0]);
}

/** Whether the `m` int32 indices at byte address `at` all lie in [0, n). */
function inRange(at: number, m: number, n: number): boolean {
  const idx = new Int32Array((kernels() as Kernels).memory.buffer, at, m);
  for (let j = 0; j < m; j++) if (!(idx[j] >= 0 && idx[j] < n)) return false;
  return true;
}

/** Whether the `m` int32 indices at byte address `at` count up by one (a slice, not a gather). */
function isRange(at: number, m: number): boolean {
  const idx = new Int32Array((kernels() as Kernels).memory.buffer, at, m);
  for (let j = 1; j < m; j++) if (idx[j] !== idx[0] + j) return false;
  return true;
}

/**
 * Copies `src`, wherever it lies in linear memory, into the row-major block `shape` at byte
 * address `out`, starting `start` elements along `axis`, by strided row copies; false when src is
 * not in linear memory.
 */
function place(
  k: KernelExports,
  src: View,
  shape: readonly number[],
  axis: number,
  start: number,
  out: number,
): boolean {
  const base = addressOf(src.handle);
  if (base < 0) return false;
  const r = shape.length;
  const dst = contiguousStrides(shape);
  const cols = src.shape[r - 1];
  const cs = src.strides[r - 1];
  forEachRow(
    src.shape.slice(0, -1),
    [src.strides.slice(0, -1), dst.slice(0, -1)],
    [src.offset, start * dst[axis]],
    (off, rows, inner) =>
      k.copyStrided(base + off[0] * 4, inner[0], cs, rows, cols, out + off[1] * 4, inner[1]),
  );
  return true;
}

/**
 * zeros(shape) with `src` copied into the slice [start, start + m) along `axis` — a slice's
 * gradient — by strided row copies from wherever src lies in linear memory; null when it does not.
 */
function sliceGradient(
  k: KernelExports,
  shape: readonly number[],
  axis: number,
  start: number,
  src: View,
): WasmHandle | null {
  if (addressOf(src.handle) < 0) return null;
  const out = allocate('float32', sizeOf(shape), true);
  if (out.at < 0) {
    release(out);
    return null;
  }
  place(k, src, shape, axis, start, out.at);
  return out;
}

/** Whether every dim of `v` but the last is broadcast (stride 0) and the last is contiguous. */
function isRow(v: View): boolean {
  const r = v.shape.length;
  for (let i = 0; i < r - 1; i++) if (v.shape[i] !== 1 && v.strides[i] !== 0) return false;
  return r > 0 && (v.shape[r - 1] === 1 || v.strides[r - 1] === 1);
}

/** Whether `v` is one value broadcast everywhere. */
function isScalar(v: View): boolean {
  return v.shape.every((d, i) => d === 1 || v.strides[i] === 0);
}

/** The exports, when the kernels run here. */
function simd(): KernelExports | null {
  return kernels()?.exports ?? null;
}

/** A float32 result block for a kernel that writes every element. */
function result(size: number): WasmHandle | null {
  const h = allocate('float32', size, false);
  return h.at >= 0 ? h : null;
}

/** Runs an element-wise kernel over the worker threads when they are on, else here. */
function elementwise(name: ParallelKernel, pointers: readonly number[], n: number): void {
  elementwiseParallel(kernels() as Kernels, name, pointers, n);
}

/**
 * Runs a row kernel — `name(args…)` with pointer arguments advancing a row per row and a row
 * count — over the worker threads when they are on (chunks of whole rows, starting at multiples
 * of `align` rows), else here.
 */
function rowwise(
  name: ParallelKernel,
  args: readonly SplitArg[],
  rows: number,
  rowElements: number,
  align = 1,
): void {
  const least = Math.ceil(PARALLEL_MIN_ELEMENTS / Math.max(1, rowElements));
  splitCall(kernels() as Kernels, name, rows, args, { align, least });
}

/** A pointer argument of a row kernel: `at`, advancing one row of `elements` float32s per row. */
function rowPtr(at: number, elements: number): SplitArg {
  return { at, perUnit: elements * 4 };
}

/** An element-wise kernel with constant arguments too (a scalar, Adam's hyperparameters). */
function elementwiseWith(name: ParallelKernel, args: readonly SplitArg[], n: number): void {
  splitCall(kernels() as Kernels, name, n, args, { align: 4 });
}

/** A pointer argument of an element-wise kernel. */
function elemPtr(at: number): SplitArg {
  return { at, perUnit: 4 };
}

/** Returns a result block that will not be used (another output could not be allocated). */
function drop(h: WasmHandle | null): void {
  if (h) release(h);
}

const SIMD_BINARY: ReadonlySet<BinaryOp> = new Set(['add', 'sub', 'mul', 'div']);

const UNARY: Partial<Record<UnaryOp, 'expF32' | 'geluF32' | 'geluTanhF32'>> = {
  exp: 'expF32',
  gelu: 'geluF32',
  gelu_tanh: 'geluTanhF32',
};

/**
 * Overrides of `cpu`'s members that use the SIMD kernels where they apply: float32 operands laid
 * out as the kernel reads them, and at least `limits` elements (below, the TypeScript kernel is
 * faster: see limits.ts).
 */
export function simdKernels(cpu: Backend, limits: SimdLimits): Partial<Backend> {
  return {
    copy(x: View): Handle {
      // A strided view (a transpose, a head split) made row-major by the module, two dims at a time.
      const k = simd();
      const base = addressOf(x.handle);
      const n = sizeOf(x.shape);
      if (!k || base < 0 || n === 0 || n < limits.copy || (x.dtype !== 'float32' && x.dtype !== 'int32'))
        return cpu.copy(x);
      const r = x.shape.length;
      const out = allocate(x.dtype, n, false);
      if (r === 0 || out.at < 0) return cpu.copy(x);
      const cols = x.shape[r - 1];
      const cs = x.strides[r - 1];
      if (cs === 1 && r <= 4) {
        // contiguous rows, up to three dims of them: one call walks them all
        const pad = 4 - r;
        const dim = (i: number) => (i < pad ? 1 : x.shape[i - pad]);
        const stride = (i: number) => (i < pad ? 0 : x.strides[i - pad]);
        k.copyRows4(
          base + x.offset * 4,
          dim(0),
          stride(0),
          dim(1),
          stride(1),
          dim(2),
          stride(2),
          cols,
          out.at,
        );
        return out;
      }
      // Otherwise the tensor core's strided walk over every dim but the last hands out runs of
      // rows; the module copies each run (rows × the last dim) through its strides.
      const outer = contiguousStrides(x.shape).slice(0, -1);
      forEachRow(x.shape.slice(0, -1), [x.strides.slice(0, -1), outer], [x.offset, 0], (off, rows, inner) =>
        k.copyStrided(base + off[0] * 4, inner[0], cs, rows, cols, out.at + off[1] * 4, inner[1]),
      );
      return out;
    },

    unary(op: UnaryOp, x: View): Handle {
      const k = simd();
      const name = UNARY[op];
      const src = at(x);
      const n = sizeOf(x.shape);
      const out = k && name && src >= 0 && n >= limits.unary ? result(n) : null;
      if (!k || !name || !out) return cpu.unary(op, x);
      elementwise(name, [src, out.at], n);
      return out;
    },

    binary(op: BinaryOp, a: View, b: View, shape: readonly number[]): Handle {
      const k = simd();
      const n = sizeOf(shape);
      if (!k || a.dtype !== 'float32' || n === 0 || n < limits.binary || !SIMD_BINARY.has(op)) {
        return cpu.binary(op, a, b, shape);
      }
      // The core has broadcast both operands to `shape`: `at` finds the ones not broadcast.
      const pa = at(a);
      const pb = at(b);
      if (pa >= 0 && pb >= 0) {
        const out = result(n);
        if (!out) return cpu.binary(op, a, b, shape);
        const name = ({ add: 'addF32', sub: 'subF32', mul: 'mulF32', div: 'divF32' } as const)[op as 'add'];
        elementwise(name, [pa, pb, out.at], n);
        return out;
      }
      // x ± s and x · s: a float32 scalar (x − s is exactly x + (−s)); s ± x and s · x for + and ·.
      const commutes = op === 'add' || op === 'mul';
      const [full, scalar] =
        pa >= 0 && isScalar(b) ? [a, b] : commutes && isScalar(a) ? [b, a] : [null, null];
      const pf = full ? at(full) : -1;
      if (full && scalar && pf >= 0 && op !== 'div') {
        const s = (scalar.handle as WasmHandle).data[scalar.offset];
        const out = result(n);
        if (!out) return cpu.binary(op, a, b, shape);
        const scalarOp = op === 'mul' ? 'mulScalarF32' : 'addScalarF32';
        elementwiseWith(scalarOp, [elemPtr(pf), op === 'sub' ? -s : s, elemPtr(out.at), 'count'], n);
        return out;
      }
      // x + bias, x · gain: a [C] row broadcast over a contiguous [..., C].
      const cols = shape[shape.length - 1];
      const rowAt = addressOf(b.handle);
      if (commutes && pa >= 0 && rowAt >= 0 && isRow(b) && cols > 0) {
        const out = result(n);
        if (!out) return cpu.binary(op, a, b, shape);
        const rowOp = op === 'add' ? 'addRowF32' : 'mulRowF32';
        rowwise(
          rowOp,
          [rowPtr(pa, cols), rowAt + b.offset * 4, rowPtr(out.at, cols), 'count', cols],
          n / cols,
          cols,
        );
        return out;
      }
      return cpu.binary(op, a, b, shape);
    },

    softmax(x: View, axis: number, log: boolean): Handle {
      const k = simd();
      const src = at(x);
      const n = x.shape[axis];
      const size = sizeOf(x.shape);
      const fast = src >= 0 && axis === x.shape.length - 1 && n > 0 && size >= limits.softmax;
      const out = k && fast ? result(size) : null;
      if (!k || !out) return cpu.softmax(x, axis, log);
      rowwise(
        'softmaxRowsF32',
        [rowPtr(src, n), rowPtr(out.at, n), 'count', n, 1, 0, log ? 1 : 0],
        size / n,
        n,
      );
      return out;
    },

    causalSoftmax(x: View, scale: number): Handle {
      const k = simd();
      const r = x.shape.length;
      const src = at(x);
      const size = sizeOf(x.shape);
      const n = x.shape[r - 1];
      const out = k && src >= 0 && n > 0 && size >= limits.softmax ? result(size) : null;
      if (!k || !out) return cpu.causalSoftmax(x, scale);
      // Chunks of whole blocks of queries: the kernel finds a row's query index as row mod Tq.
      const tq = x.shape[r - 2];
      rowwise(
        'softmaxRowsF32',
        [rowPtr(src, n), rowPtr(out.at, n), 'count', n, scale, tq, 0],
        size / n,
        n,
        tq,
      );
      return out;
    },

    softmaxBackward(y: View, grad: View, axis: number, log: boolean): Handle {
      const k = simd();
      const py = at(y);
      const pg = at(grad);
      const n = y.shape[axis];
      const size = sizeOf(y.shape);
      const fast =
        py >= 0 && pg >= 0 && axis === y.shape.length - 1 && n > 0 && size >= limits.softmaxBackward;
      const out = k && fast ? result(size) : null;
      const fallback = cpu.softmaxBackward;
      if (!k || !out) return fallback(y, grad, axis, log);
      rowwise(
        'softmaxBackwardRowsF32',
        [rowPtr(py, n), rowPtr(pg, n), rowPtr(out.at, n), 'count', n, log ? 1 : 0],
        size / n,
        n,
      );
      return out;
    },

    crossEntropy(logits: View, targets: View, ignoreIndex: number, smoothing: number): Handle {
      // loss = −(1−ε)·logp_t − ε·mean_c logp_c (= the reference's (1−ε)(lse − x_t) + ε(lse − mean x)),
      // logp = log-softmax by the SIMD row kernel; 0 where t = ignoreIndex.
      const k = simd();
      const [N, C] = logits.shape;
      const px = at(logits);
      const t = classTargets(targets);
      if (!k || px < 0 || !t || !(N * C > 0) || N * C < limits.softmax)
        return cpu.crossEntropy(logits, targets, ignoreIndex, smoothing);
      assertClassTargets(t, C, ignoreIndex); // before anything is allocated
      const logp = scratch(N * C * 4);
      const out = result(N);
      if (logp < 0 || !out) {
        freeScratch(logp, N * C * 4);
        drop(out);
        return cpu.crossEntropy(logits, targets, ignoreIndex, smoothing);
      }
      rowwise('softmaxRowsF32', [rowPtr(px, C), rowPtr(logp, C), 'count', C, 1, 0, 1], N, C);
      const lp = new Float32Array((kernels() as Kernels).memory.buffer, logp, N * C);
      const loss = out.data;
      for (let n = 0; n < N; n++) {
        const target = t[n];
        if (target === ignoreIndex) {
          loss[n] = 0;
          continue;
        }
        let l = -(1 - smoothing) * lp[n * C + target];
        if (smoothing > 0) {
          let sum = 0;
          for (let c = 0; c < C; c++) sum += lp[n * C + c];
          l -= (smoothing * sum) / C;
        }
        loss[n] = l;
      }
      freeScratch(logp, N * C * 4);
      return out;
    },

    crossEntropyBackward(
      logits: View,
      targets: View,
      grad: View,
      ignoreIndex: number,
      smoothing: number,
    ): Handle {
      // dL/dx_c = g·(p_c − (1−ε)·[c = t] − ε/C), p = softmax(x) by the SIMD row kernel; 0 where t = ignoreIndex.
      const k = simd();
      const [N, C] = logits.shape;
      const px = at(logits);
      const t = classTargets(targets);
      const fallback = cpu.crossEntropyBackward;
      if (!k || px < 0 || !t || grad.dtype !== 'float32' || !(N * C > 0) || N * C < limits.softmax)
        return fallback(logits, targets, grad, ignoreIndex, smoothing);
      assertClassTargets(t, C, ignoreIndex);
      const out = result(N * C);
      if (!out) return fallback(logits, targets, grad, ignoreIndex, smoothing);
      rowwise('softmaxRowsF32', [rowPtr(px, C), rowPtr(out.at, C), 'count', C, 1, 0, 0], N, C);
      // grad [N] through its stride (the mean's gradient is one value broadcast, stride 0)
      const gd = (grad.handle as WasmHandle).data;
      const g = (n: number) => gd[grad.offset + n * grad.strides[0]];
      const p = out.data;
      const uniform = smoothing / C;
      for (let n = 0; n < N; n++) {
        const target = t[n];
        const base = n * C;
        if (target === ignoreIndex) {
          p.fill(0, base, base + C);
          continue;
        }
        const gn = g(n);
        const hot = p[base + target] - (1 - smoothing);
        for (let c = 0; c < C; c++) p[base + c] = gn * (p[base + c] - uniform);
        p[base + target] = gn * (hot - uniform);
      }
      return out;
    },

    geluBackward(x: View, grad: View, approximate: 'none' | 'tanh'): Handle {
      const k = simd();
      const px = at(x);
      const pg = at(grad);
      const n = sizeOf(x.shape);
      const out = k && px >= 0 && pg >= 0 && n >= limits.geluBackward ? result(n) : null;
      const fallback = cpu.geluBackward;
      if (!k || !out) return fallback(x, grad, approximate);
      elementwise(approximate === 'tanh' ? 'geluTanhBackwardF32' : 'geluBackwardF32', [px, pg, out.at], n);
      return out;
    },

    adamUpdate(
      param: View,
      grad: View,
      expAvg: View,
      expAvgSq: View,
      maxExpAvgSq: View | null,
      o: AdamUpdateOptions,
    ): [Handle, Handle, Handle, Handle | null] {
      const k = simd();
      const ptrs = [param, grad, expAvg, expAvgSq].map(at);
      const n = sizeOf(param.shape);
      const fallback = cpu.adamUpdate;
      if (!k || o.amsgrad || maxExpAvgSq || ptrs.some((p) => p < 0) || n === 0 || n < limits.adam) {
        return fallback(param, grad, expAvg, expAvgSq, maxExpAvgSq, o);
      }
      const outs = [result(n), result(n), result(n)];
      if (outs.some((h) => h === null)) {
        outs.forEach(drop);
        return fallback(param, grad, expAvg, expAvgSq, maxExpAvgSq, o);
      }
      const [p, m, v] = outs as WasmHandle[];
      const [pp, pg, pm, pv] = ptrs;
      elementwiseWith(
        'adamF32',
        [
          ...[pp, pg, pm, pv, p.at, m.at, v.at].map(elemPtr),
          'count',
          o.lr,
          o.beta1,
          o.beta2,
          o.eps,
          o.weightDecay,
          o.step,
          o.decoupled ? 1 : 0,
          o.maximize ? 1 : 0,
        ],
        n,
      );
      return [p, m, v, null];
    },

    indexSelect(x: View, axis: number, index: View): Handle {
      // The embedding lookup: y[…, j, …] = x[…, idx[j], …].
      const k = simd();
      const px = at(x);
      const pi = intAt(index);
      const m = index.shape[0] ?? 0;
      const n = x.shape[axis];
      const inner = sizeOf(x.shape.slice(axis + 1));
      const size = (sizeOf(x.shape) / n) * m;
      if (!k || px < 0 || pi < 0 || !(size > 0) || size < limits.indexing || !inRange(pi, m, n))
        return cpu.indexSelect(x, axis, index); // (out-of-range indices get the reference's error)
      const out = result(size);
      if (!out) return cpu.indexSelect(x, axis, index);
      k.indexSelectF32(px, pi, out.at, size / (m * inner), n, m, inner);
      return out;
    },

    reduce(op: ReduceOp, x: View, axes: readonly number[]): Handle {
      // Sums in float64, in the reference's order (the same bits): over the last axes, a sum per
      // row (rows split over the threads); over the leading ones, column sums (a bias gradient).
      const k = simd();
      const px = at(x);
      const rank = x.shape.length;
      const size = sizeOf(x.shape);
      const kept = x.shape.map((_, i) => i).filter((i) => !axes.includes(i));
      const outSize = sizeOf(kept.map((i) => x.shape[i]));
      if (op !== 'sum' || !k || px < 0 || axes.length === 0 || size === 0 || size < limits.reduce)
        return cpu.reduce(op, x, axes);
      const leading = axes.length < rank && axes.every((a, i) => a === i);
      const trailing = [...kept, ...axes].every((a, i) => a === i);
      if (!leading && !trailing) return cpu.reduce(op, x, axes);
      const out = result(outSize);
      const sums = leading ? scratch(8 * outSize) : 0;
      if (!out || sums < 0) {
        drop(out);
        if (sums > 0) freeScratch(sums, 8 * outSize);
        return cpu.reduce(op, x, axes);
      }
      if (leading) {
        k.sumColumnsF32(px, out.at, size / outSize, outSize, sums);
        freeScratch(sums, 8 * outSize);
      } else {
        const n = size / outSize;
        rowwise('sumRowsF32', [rowPtr(px, n), rowPtr(out.at, 1), 'count', n], outSize, n);
      }
      return out;
    },

    concat(xs: readonly View[], axis: number): Handle {
      // y = [x₀ | x₁ | …] along axis: each piece by strided row copies from wherever it lies
      // (the gathered gradient of a q/k/v split: the pieces come back from the heads' layout)
      const k = simd();
      const shape = [...xs[0].shape];
      shape[axis] = xs.reduce((n, x) => n + x.shape[axis], 0);
      const size = sizeOf(shape);
      const fast = xs.every((x) => x.dtype === 'float32' && addressOf(x.handle) >= 0);
      if (!k || !fast || size === 0 || size < limits.copy) return cpu.concat(xs, axis);
      const out = allocate('float32', size, false);
      if (out.at < 0) {
        release(out);
        return cpu.concat(xs, axis);
      }
      let start = 0;
      for (const x of xs) {
        if (sizeOf(x.shape) > 0) place(k, x, shape, axis, start, out.at);
        start += x.shape[axis];
      }
      return out;
    },

    indexAdd(shape: readonly number[], dtype: DType, axis: number, index: View, src: View): Handle {
      // The embedding gradient: y = 0; y[…, idx[j], …] += src[…, j, …].
      const k = simd();
      const pi = intAt(index);
      const size = sizeOf(shape);
      const m = index.shape[0] ?? 0;
      const n = shape[axis];
      const fallback = cpu.indexAdd;
      const fast = dtype === 'float32' && src.dtype === 'float32' && pi >= 0 && size > 0 && m > 0;
      // (out-of-range indices get the reference's error)
      if (!k || !fast || size < limits.indexing || !inRange(pi, m, n))
        return fallback(shape, dtype, axis, index, src);
      // A slice's gradient (idx = start, start + 1, …): src, in any layout, copied into zeros.
      if (isRange(pi, m)) {
        const start = new Int32Array((kernels() as Kernels).memory.buffer, pi, 1)[0];
        return sliceGradient(k, shape, axis, start, src) ?? fallback(shape, dtype, axis, index, src);
      }
      const ps = at(src);
      if (ps < 0) return fallback(shape, dtype, axis, index, src);
      const out = allocate('float32', size, true);
      if (out.at < 0) {
        release(out);
        return fallback(shape, dtype, axis, index, src);
      }
      const inner = sizeOf(shape.slice(axis + 1));
      k.indexAddF32(ps, pi, out.at, size / (n * inner), n, m, inner);
      return out;
    },

    layerNorm(x: View, weight: View | null, bias: View | null, eps: number): Handle {
      const k = simd();
      const C = x.shape[x.shape.length - 1];
      const size = sizeOf(x.shape);
      const px = at(x);
      const pw = weight ? at(weight) : 0;
      const pb = bias ? at(bias) : 0;
      const fast = px >= 0 && pw >= 0 && pb >= 0 && C > 0 && size >= limits.layerNorm;
      const out = k && fast ? result(size) : null;
      const fallback = cpu.layerNorm;
      if (!k || !out) return fallback(x, weight, bias, eps);
      rowwise('layerNormF32', [rowPtr(px, C), pw, pb, rowPtr(out.at, C), 'count', C, eps], size / C, C);
      return out;
    },

    layerNormBackward(
      x: View,
      weight: View | null,
      grad: View,
      eps: number,
      withBias: boolean,
    ): [Handle, Handle | null, Handle | null] {
      const k = simd();
      const C = x.shape[x.shape.length - 1];
      const size = sizeOf(x.shape);
      const px = at(x);
      const pg = at(grad);
      const pw = weight ? at(weight) : 0;
      const fallback = cpu.layerNormBackward;
      if (!k || px < 0 || pg < 0 || pw < 0 || C === 0 || size < limits.layerNormBackward)
        return fallback(x, weight, grad, eps, withBias);
      const dx = result(size);
      const dw = weight ? result(C) : null;
      const db = withBias ? result(C) : null;
      const rows = size / C;
      const stats = weight || withBias ? scratch(16 * rows) : 0;
      if (!dx || (weight && !dw) || (withBias && !db) || stats < 0) {
        [dx, dw, db].forEach(drop);
        if (stats > 0) freeScratch(stats, 16 * rows);
        return fallback(x, weight, grad, eps, withBias);
      }
      // dx by rows; then dw, db by columns, each column summed over the rows in order (as one thread would)
      const perRow: SplitArg = stats > 0 ? { at: stats, perUnit: 16 } : 0;
      rowwise(
        'layerNormBackwardF32',
        [rowPtr(px, C), pw, rowPtr(pg, C), rowPtr(dx.at, C), 'count', C, eps, perRow],
        rows,
        C,
      );
      if (stats > 0) {
        const column = (h: WasmHandle | null): SplitArg => (h ? elemPtr(h.at) : 0);
        const args: SplitArg[] = [elemPtr(px), elemPtr(pg), stats, column(dw), column(db), rows, C, 'count'];
        splitCall(kernels() as Kernels, 'layerNormGradSumsF32', C, args, {
          align: 4,
          least: Math.ceil(PARALLEL_MIN_ELEMENTS / rows),
        });
        freeScratch(stats, 16 * rows);
      }
      return [dx, dw, db];
    },
  };
}
