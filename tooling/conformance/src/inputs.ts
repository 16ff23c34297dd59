import {
  cpuBackend,
  type DType,
  type Generator,
  rand,
  randint,
  randn,
  type Tensor,
  tensor,
} from '@dendrite/tensor';

/**
 * Deterministic inputs, always made on the CPU reference backend (a case moves them to the backend
 * under test with `t.to(backend)`), so both sides start from bit-identical values.
 */
const cpu = { backend: cpuBackend } as const;

type FloatDType = 'float32' | 'float64';

/** Normal values with standard deviation `std`. */
export function normal(
  g: Generator,
  shape: readonly number[],
  dtype: FloatDType = 'float32',
  std = 1,
): Tensor {
  return randn(shape, { ...cpu, generator: g, dtype, std });
}

/** Uniform values in `[low, high)`. */
export function uniform(
  g: Generator,
  shape: readonly number[],
  low: number,
  high: number,
  dtype: FloatDType = 'float32',
): Tensor {
  return rand(shape, { ...cpu, generator: g, dtype, low, high });
}

/** Uniform integers in `[low, high)`, stored as `dtype` (integer-valued floats make ties and exact sums). */
export function integers(
  g: Generator,
  shape: readonly number[],
  low: number,
  high: number,
  dtype: DType = 'int32',
): Tensor {
  return randint(low, high, shape, { ...cpu, generator: g, dtype });
}

/** Random booleans. */
export function booleans(g: Generator, shape: readonly number[]): Tensor {
  return randint(0, 2, shape, { ...cpu, generator: g, dtype: 'bool' });
}

/** Values that break naive kernels: NaN, ±inf, ±0, tiny and large magnitudes (10 elements). */
export function specials(dtype: FloatDType = 'float32', reversed = false): Tensor {
  const v = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 0, -0, 1e-30, 1, -1, 30, -30];
  return tensor(reversed ? v.reverse() : v, { ...cpu, dtype });
}

/** Fixed host values on the CPU. */
export function fixed(values: number[], shape: readonly number[], dtype: DType = 'float32'): Tensor {
  return tensor(values, { ...cpu, dtype, shape });
}

/** A 32-bit FNV-1a hash of a case name: every case draws its inputs from its own seed. */
export function seedOf(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) {
    h ^= name.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}
