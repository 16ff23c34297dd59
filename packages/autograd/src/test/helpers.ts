import { Generator, rand, type Tensor, type TestRange, tensor } from '@dendrite/tensor';

const gen = new Generator(1234);

/** Float64 uniform values in [low, high). */
export function uniform(shape: number[], low = -1, high = 1): Tensor {
  return rand(shape, { dtype: 'float64', low, high, generator: gen });
}

/** Float64 values with gap ≤ |x| < high (away from kinks at 0). */
export function awayFromZero(shape: number[], gap = 0.2, high = 1.5): Tensor {
  const x = uniform(shape, gap, high);
  const signs = rand(shape, { dtype: 'float64', generator: gen }).gt(0.5).to('float64').mul(2).sub(1);
  return x.mul(signs);
}

export function ints(values: number[], shape?: number[]): Tensor {
  return tensor(values, { dtype: 'int32', shape: shape ?? [values.length] });
}

/** Float64 values in an op's test range from its spec, kept `gap` away from 0 when it has one. */
export function inRange(shape: number[], range: TestRange): Tensor {
  if (range.gap === undefined) return uniform(shape, range.low, range.high);
  return awayFromZero(shape, range.gap, Math.min(-range.low, range.high));
}
