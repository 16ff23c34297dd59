/** The loss page: cross-entropy of three logits against a target, and its gradient by autograd. */
import '@dendrite/autograd'; // adds requiresGrad_(), backward() and .grad to every Tensor
import { crossEntropy } from '@dendrite/nn';
import { tensor } from '@dendrite/tensor';

export interface CrossEntropyResult {
  probabilities: number[];
  loss: number;
  /** dLoss/dlogits, from backward(): the probabilities minus the one-hot target. */
  gradient: number[];
}

export function crossEntropyOf(logits: readonly number[], target: number): CrossEntropyResult {
  const z = tensor([[...logits]], { dtype: 'float64' }).requiresGrad_();
  const loss = crossEntropy(z, tensor([target], { dtype: 'int32' }));
  loss.backward();
  return {
    probabilities: Array.from(z.detach().softmax(-1).dataSync()),
    loss: loss.itemSync(),
    gradient: Array.from(z.grad!.dataSync()),
  };
}
