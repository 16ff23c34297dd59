import { crossEntropyBackward, oneHot, type Tensor, where } from '@dendrite/tensor';
import { fusedOk } from './fused.js';
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
    if (fusedOk(logits, 'crossEntropyBackward')) {
      return [crossEntropyBackward(logits, targets, g, { ignoreIndex, labelSmoothing }), null];
    }
    const C = logits.shape[1];
    const valid = targets.ne(ignoreIndex);
    const hot = oneHot(where(valid, targets, 0), C, logits.dtype);
    let dlogits = logits.softmax(-1).sub(hot.mul(1 - labelSmoothing));
    if (labelSmoothing > 0) dlogits = dlogits.sub(labelSmoothing / C);
    return [where(valid.unsqueeze(1), dlogits.mul(g.unsqueeze(1)), 0), null];
  },
});
