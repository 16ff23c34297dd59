import { matmul, softmaxBackward, type Tensor } from '@dendrite/tensor';
import { softmaxBackwardComposite } from '@dendrite/tensor/backend';
import { sumToShape } from './broadcast.js';
import { fusedOrComposite } from './fused.js';
import { defineGrad } from './registry.js';

// C = A·B:  dL/dA = dL/dC · Bᵀ,  dL/dB = Aᵀ · dL/dC  (summed over broadcast batch dims)
defineGrad('matmul', {
  save: (e) => [e.inputs[0], e.inputs[1]],
  backward: (g, ctx) => {
    const [a, b] = ctx.saved as [Tensor, Tensor];
    return [
      ctx.needs[0] ? sumToShape(matmul(g, b.mT), a.shape) : null,
      ctx.needs[1] ? gradOfSecond(a, b, g) : null,
    ];
  },
});

/**
 * dL/dB = Aᵀ·G. For a 2-D B (a weight every batch row shares) it is one [K, rows]·[rows, N]
 * product over the flattened batch, not a product per batch entry and a sum. It comes out in B's
 * layout: for a transposed view (x·Wᵀ) it is the transpose of a contiguous Gᵀ·A, so the weight's
 * own gradient — after the transpose's backward — is contiguous, as PyTorch keeps it, and what
 * reads it next (clipping, the optimizer) sees plain row-major memory.
 */
function gradOfSecond(a: Tensor, b: Tensor, g: Tensor): Tensor {
  if (b.rank !== 2 || a.rank < 2) return sumToShape(matmul(a.mT, g), b.shape);
  const [K, N] = b.shape;
  const a2 = a.rank === 2 ? a : a.reshape(-1, K);
  const g2 = g.rank === 2 ? g : g.reshape(-1, N);
  const transposed = K > 1 && N > 1 && b.strides[0] === 1 && b.strides[1] === K;
  return transposed ? matmul(g2.mT, a2).mT : matmul(a2.mT, g2);
}

// y = softmax(x):  dL/dx = y ⊙ (dL/dy − Σⱼ dL/dyⱼ·yⱼ)
defineGrad('softmax', {
  save: (e) => [e.output],
  backward: (g, { saved: [y], attrs }) => {
    const axis = attrs.axis as number;
    return [
      fusedOrComposite(
        () => softmaxBackward(y, g, axis, false),
        () => softmaxBackwardComposite(y, g, axis, false),
      ),
    ];
  },
});

// y = log softmax(x):  dL/dx = dL/dy − softmax(x) · Σⱼ dL/dyⱼ,  softmax(x) = eʸ
defineGrad('logSoftmax', {
  save: (e) => [e.output],
  backward: (g, { saved: [y], attrs }) => {
    const axis = attrs.axis as number;
    return [
      fusedOrComposite(
        () => softmaxBackward(y, g, axis, true),
        () => softmaxBackwardComposite(y, g, axis, true),
      ),
    ];
  },
});

// y = softmax(s·x) over the keys each query sees (0 elsewhere):  dL/dx = s·y ⊙ (dL/dy − Σⱼ dL/dyⱼ·yⱼ)
// (a masked entry has y = 0, so the softmax gradient already gives it 0)
defineGrad('causalSoftmax', {
  save: (e) => [e.output],
  backward: (g, { saved: [y], attrs }) => {
    const scale = attrs.scale as number;
    const dz = fusedOrComposite(
      () => softmaxBackward(y, g, -1, false),
      () => softmaxBackwardComposite(y, g, -1, false),
    );
    return [scale === 1 ? dz : dz.mul(scale)];
  },
});
