// One Adam/AdamW step over float32 parameters, four lanes at a time (the tail in one partial vector).
// Every operation is a float32 operation in the CPU reference's order, with its constants rounded
// to float32 the same way, so the step is bit-identical to cpuBackend.adamUpdate (without amsgrad).
import { loadPartial, storePartial } from './lanes';

// g ← −g (maximize); θ ← θ·(1 − ηλ) (AdamW, decoupled) or g ← g + λθ (Adam); m ← β₁m + (1−β₁)g; v ← β₂v + (1−β₂)g²;
// θ ← θ − (m / (√v/√(1−β₂ᵗ) + ε))·η/(1−β₁ᵗ). Out pointers may equal the inputs.
export function adamF32(
  p: usize, g: usize, m: usize, v: usize, outP: usize, outM: usize, outV: usize, n: i32,
  lr: f64, beta1: f64, beta2: f64, eps: f64, weightDecay: f64, step: i32, decoupled: i32, maximize: i32,
): void {
  const decay = weightDecay != 0;
  const coupled = decay && decoupled == 0;
  const sign = f32x4.splat(maximize != 0 ? -1 : 1); // ±g is exact
  const keep = f32x4.splat(decay && decoupled != 0 ? <f32>(1 - lr * weightDecay) : 1); // θ·1 is exact
  const wd = f32x4.splat(<f32>weightDecay);
  const b1 = f32x4.splat(<f32>beta1);
  const b2 = f32x4.splat(<f32>beta2);
  const c1 = f32x4.splat(<f32>(1 - beta1));
  const c2 = f32x4.splat(<f32>(1 - beta2));
  const stepSize = f32x4.splat(<f32>(lr / (1 - Math.pow(beta1, <f64>step))));
  const bias2 = f32x4.splat(<f32>Math.sqrt(1 - Math.pow(beta2, <f64>step)));
  const epsv = f32x4.splat(<f32>eps);
  for (let i = 0; i < n; i += 4) {
    const o = <usize>i << 2;
    const k = n - i;
    const full = k >= 4;
    let gi = f32x4.mul(full ? v128.load(g + o) : loadPartial(g + o, k), sign);
    const pi = f32x4.mul(full ? v128.load(p + o) : loadPartial(p + o, k), keep);
    if (coupled) gi = f32x4.add(gi, f32x4.mul(pi, wd));
    const mv = full ? v128.load(m + o) : loadPartial(m + o, k);
    const vv = full ? v128.load(v + o) : loadPartial(v + o, k);
    const mi = f32x4.add(f32x4.mul(mv, b1), f32x4.mul(gi, c1));
    const vi = f32x4.add(f32x4.mul(vv, b2), f32x4.mul(f32x4.mul(gi, gi), c2));
    const denom = f32x4.add(f32x4.div(f32x4.sqrt(vi), bias2), epsv);
    const np = f32x4.sub(pi, f32x4.mul(f32x4.div(mi, denom), stepSize));
    if (full) {
      v128.store(outP + o, np);
      v128.store(outM + o, mi);
      v128.store(outV + o, vi);
    } else {
      storePartial(outP + o, np, k);
      storePartial(outM + o, mi, k);
      storePartial(outV + o, vi, k);
    }
  }
}
