import { crossEntropyBackward, type Tensor } from '@dendrite/tensor';
import { crossEntropyBackwardComposite } from '@dendrite/tensor/backend';
import { fusedOrComposite } from './fused.js';
import { defineGrad } from './registry.js';

// lossₙ = (1−ε)·(lse − xₙ[tₙ]) + ε·(lse − mean_c xₙ[c]),  lse = log Σ_c e^(xₙ[c]):
//   dL/dxₙ = dL/dlossₙ · (softmax(xₙ) − (1−ε)·onehot(tₙ) − ε/C),  0 where tₙ = ignoreIndex;  targets get none
defineGrad('softmaxCrossEntropy', {
  save: (e) => [e.inputs[0], e.inputs[1]],
  backward: (g, ctx) => {
    if (!ctx.needs[0]) return [null, null];
    const [logits, targets] = ctx.saved as [Tensor, Tensor];
    const ignoreIndex = ctx.attrs.ignoreIndex as number;
    const labelSmoothing = ctx.attrs.labelSmoothing as number;
    const dlogits = fusedOrComposite(
      () => crossEntropyBackward(logits, targets, g, { ignoreIndex, labelSmoothing }),
      () => crossEntropyBackwardComposite(logits, targets, g, ignoreIndex, labelSmoothing),
    );
    return [dlogits, null];
  },
});
