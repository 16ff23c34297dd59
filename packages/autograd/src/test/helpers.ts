import { Generator, rand, type Tensor, tensor } from '@dendrite/tensor';

const gen = new Generator(1234);

/** Float64 uniform values in [low, high). */
export function uniform(shape: number[], low = -1, high = 1): Tensor {
  return rand(shape, { dtype: 'float64', low, high, generator: gen });
}

/** Float64 values with |x| ≥ gap (away from kinks at 0). */
export function awayFromZero(shape: number[], gap = 0.2): Tensor {
  const x = uniform(shape, gap, 1.5);
  const signs = rand(shape, { dtype: 'float64', generator: gen }).gt(0.5).to('float64').mul(2).sub(1);
  return x.mul(signs);
}

export function ints(values: number[], shape?: number[]): Tensor {
  return tensor(values, { dtype: 'int32', shape: shape ?? [values.length] });
}
