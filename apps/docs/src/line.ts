/** The weights-and-biases page: y = f(w·x + b) over a range of x, for one weight and one bias. */
import { linspace, tensor } from '@dendrite/tensor';

export function lineOf(
  w: number,
  b: number,
  relu: boolean,
  lo = -5,
  hi = 5,
  n = 101,
): { xs: number[]; ys: number[] } {
  const x = linspace(lo, hi, n, { dtype: 'float64' });
  const z = x.mul(tensor(w, { dtype: 'float64' })).add(b);
  return { xs: Array.from(x.dataSync()), ys: Array.from((relu ? z.relu() : z).dataSync()) };
}
