// Cross-entropy: −log of the probability the model gave the right answer.
import '@dendrite/autograd';
import { crossEntropy } from '@dendrite/nn';
import { tensor } from '@dendrite/tensor';

// After "th", three candidates e, a, o with logits 2, 1, 0.
const logits = tensor([[2, 1, 0]]).requiresGrad_();
console.log('probabilities', logits.softmax(-1).toString());

// the answer was "e"
const lossIfE = crossEntropy(logits, tensor([0], { dtype: 'int32' }));
// the answer was "o"
const lossIfO = crossEntropy(logits, tensor([2], { dtype: 'int32' }));
console.log('loss if e:', lossIfE.itemSync().toFixed(3)); // −log 0.665
console.log('loss if o:', lossIfO.itemSync().toFixed(3)); // −log 0.090

// Its gradient on the logits is the probabilities minus the one-hot answer.
lossIfE.backward();
console.log('gradient  ', logits.grad!.toString());
