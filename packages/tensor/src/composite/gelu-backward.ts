import { erf, exp } from '../ops/elementwise.js';
import type { Tensor } from '../tensor.js';

/**
 * dL/dx of GELU from primitives, for upstream gradient `grad` (the default `geluBackward` kernel,
 * and what a recorded backward pass runs).
 * exact:  d/dx x·Φ(x) = Φ(x) + x·φ(x),  Φ(x) = ½(1 + erf(x/√2)),  φ(x) = e^(−x²/2)/√(2π)
 * tanh:   u = √(2/π)(x + 0.044715x³):  ½(1 + tanh u) + ½x(1 − tanh²u)·√(2/π)(1 + 3·0.044715x²)
 */
export function geluBackwardComposite(x: Tensor, grad: Tensor, approximate: 'none' | 'tanh'): Tensor {
  if (approximate === 'none') {
    const cdf = erf(x.mul(Math.SQRT1_2)).add(1).mul(0.5);
    const pdf = exp(x.mul(x).mul(-0.5)).mul(1 / Math.sqrt(2 * Math.PI));
    return grad.mul(cdf.add(x.mul(pdf)));
  }
  const k = Math.sqrt(2 / Math.PI);
  const x2 = x.mul(x);
  const t = x.add(x2.mul(x).mul(0.044715)).mul(k).tanh();
  const left = t.add(1).mul(0.5);
  const right = x
    .mul(0.5)
    .mul(t.mul(t).neg().add(1))
    .mul(
      x2
        .mul(3 * 0.044715)
        .add(1)
        .mul(k),
    );
  return grad.mul(left.add(right));
}
