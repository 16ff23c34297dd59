import type { Backend, Handle, View } from '../backend.js';
import type { DType, TypedArray } from '../dtype.js';
import { type ArrayAllocator, heapAllocator } from './alloc.js';
import { causalSoftmax } from './causal-softmax.js';
import { crossEntropy, crossEntropyBackward } from './cross-entropy.js';
import { binary, unary, where } from './elementwise.js';
import { adamUpdate, geluBackward, softmaxBackward } from './fused.js';
import { concat, gather, indexAdd, indexSelect, scatterAdd } from './indexing.js';
import { layerNorm, layerNormBackward } from './layernorm.js';
import { matmul } from './matmul.js';
import { argReduce, cumsum, reduce, softmax } from './reduce.js';
import { arrayOf, contiguousData, handle, sizeOf, stridedCopy } from './storage.js';

function castValue(dtype: DType): (v: number) => number {
  switch (dtype) {
    case 'bool':
      return (v) => (v !== 0 ? 1 : 0); // NaN counts as true, as in PyTorch
    case 'int32':
      return (v) => Math.trunc(v); // stored with int32 wrap-around; NaN and ±inf become 0
    default:
      return (v) => v;
  }
}

/** Options of {@link createCpuBackend}. */
export interface CpuBackendOptions {
  /** Registry name (default `'cpu'`). */
  name?: string;
  /**
   * Where every kernel's result array comes from (default: zeroed arrays on the JavaScript heap).
   * backend-wasm passes one that places results in WebAssembly linear memory.
   */
  allocate?: ArrayAllocator;
}

/**
 * Builds a CPU backend: plain TypeScript over typed arrays, synchronous, every dtype, with every
 * fused kernel of its own. Its handles are `{ data }` objects over the arrays `allocate` returns,
 * so another backend can run these kernels over memory it owns (backend-wasm does).
 */
export function createCpuBackend(options: CpuBackendOptions = {}): Backend {
  const alloc = options.allocate ?? heapAllocator;
  return {
    name: options.name ?? 'cpu',
    dtypes: new Set<DType>(['float32', 'float64', 'int32', 'bool']),
    canReadSync: true,
    gcManaged: true,

    upload(values: TypedArray, dtype: DType): Handle {
      // The heap backend keeps an array of the right type as it is (the caller hands it over).
      if (alloc === heapAllocator && values.constructor === heapAllocator(dtype, 0).constructor) {
        return handle(values);
      }
      const out = alloc(dtype, values.length);
      out.set(values);
      return handle(out);
    },
    read(h: Handle): Promise<TypedArray> {
      return Promise.resolve(arrayOf(h).slice());
    },
    readSync(h: Handle): TypedArray {
      return arrayOf(h).slice();
    },
    free(): void {
      // Typed arrays are reclaimed by the garbage collector once no tensor references them.
    },

    copy: (x) => handle(stridedCopy(x, alloc(x.dtype, sizeOf(x.shape)))),
    cast(x: View, dtype: DType): Handle {
      const src = contiguousData(x);
      const out = alloc(dtype, src.length);
      if (dtype === 'float32' || dtype === 'float64') out.set(src);
      else {
        const f = castValue(dtype);
        for (let i = 0; i < src.length; i++) out[i] = f(src[i]);
      }
      return handle(out);
    },
    fill(size: number, value: number, dtype: DType): Handle {
      const out = alloc(dtype, size);
      if (value !== 0) out.fill(value);
      return handle(out);
    },

    unary: (op, x) => unary(alloc, op, x),
    binary: (op, a, b, shape) => binary(alloc, op, a, b, shape),
    where: (cond, a, b, shape) => where(alloc, cond, a, b, shape),
    reduce: (op, x, axes) => reduce(alloc, op, x, axes),
    argReduce: (op, x, axis) => argReduce(alloc, op, x, axis),
    cumsum: (x, axis) => cumsum(alloc, x, axis),
    matmul: (a, b) => matmul(alloc, a, b),
    softmax: (x, axis, log) => softmax(alloc, x, axis, log),
    gather: (x, axis, index) => gather(alloc, x, axis, index),
    scatterAdd: (shape, dtype, axis, index, src) => scatterAdd(alloc, shape, dtype, axis, index, src),
    indexSelect: (x, axis, index) => indexSelect(alloc, x, axis, index),
    indexAdd: (shape, dtype, axis, index, src) => indexAdd(alloc, shape, dtype, axis, index, src),
    concat: (xs, axis) => concat(alloc, xs, axis),
    layerNorm: (x, weight, bias, eps) => layerNorm(alloc, x, weight, bias, eps),
    layerNormBackward: (x, weight, grad, eps, withBias) =>
      layerNormBackward(alloc, x, weight, grad, eps, withBias),
    geluBackward: (x, grad, approximate) => geluBackward(alloc, x, grad, approximate),
    softmaxBackward: (y, grad, axis, log) => softmaxBackward(alloc, y, grad, axis, log),
    causalSoftmax: (x, scale) => causalSoftmax(alloc, x, scale),
    crossEntropy: (logits, targets, ignoreIndex, smoothing) =>
      crossEntropy(alloc, logits, targets, ignoreIndex, smoothing),
    crossEntropyBackward: (logits, targets, grad, ignoreIndex, smoothing) =>
      crossEntropyBackward(alloc, logits, targets, grad, ignoreIndex, smoothing),
    adamUpdate: (param, grad, expAvg, expAvgSq, maxExpAvgSq, options) =>
      adamUpdate(alloc, param, grad, expAvg, expAvgSq, maxExpAvgSq, options),
  };
}

/**
 * The reference backend: plain TypeScript over typed arrays, synchronous, every dtype.
 * Its results define what every other backend must match (tooling/conformance).
 */
export const cpuBackend: Backend = createCpuBackend();
