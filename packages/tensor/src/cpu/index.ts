import type { Backend, Handle, View } from '../backend.js';
import { allocArray, type DType, type TypedArray } from '../dtype.js';
import { outArray } from './alloc.js';
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

/**
 * The reference backend: plain TypeScript over typed arrays, synchronous, every dtype.
 * Its results define what every other backend must match (tooling/conformance).
 */
export const cpuBackend: Backend = {
  name: 'cpu',
  dtypes: new Set<DType>(['float32', 'float64', 'int32', 'bool']),
  canReadSync: true,
  gcManaged: true,

  upload(values: TypedArray, dtype: DType): Handle {
    if (values.constructor === allocArray(dtype, 0).constructor) return handle(values);
    const out = outArray(dtype, values.length);
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

  copy(x: View): Handle {
    return handle(stridedCopy(x, outArray(x.dtype, sizeOf(x.shape))));
  },
  cast(x: View, dtype: DType): Handle {
    const src = contiguousData(x);
    const out = outArray(dtype, src.length);
    if (dtype === 'float32' || dtype === 'float64') out.set(src);
    else {
      const f = castValue(dtype);
      for (let i = 0; i < src.length; i++) out[i] = f(src[i]);
    }
    return handle(out);
  },
  fill(size: number, value: number, dtype: DType): Handle {
    const out = outArray(dtype, size);
    if (value !== 0) out.fill(value);
    return handle(out);
  },

  unary,
  binary,
  where,
  reduce,
  argReduce,
  cumsum,
  matmul,
  softmax,
  gather,
  scatterAdd,
  indexSelect,
  indexAdd,
  concat,
  layerNorm,
  layerNormBackward,
  geluBackward,
  softmaxBackward,
  causalSoftmax,
  crossEntropy,
  crossEntropyBackward,
  adamUpdate,
};
