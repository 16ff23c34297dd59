// Counting the parameters of a GPT config, without building it — and by
// building it.
import { countParameters, GPT, presetConfig } from '@dendrite/gpt';

// The course's model: 4 layers, 4 heads, width 128, context 64, 65 characters,
// biases.
const config = {
  vocabSize: 65,
  blockSize: 64,
  nLayer: 4,
  nHead: 4,
  nEmbd: 128,
  dropout: 0,
  bias: true,
};
// 809,856
console.log('by formula:', countParameters(config).toLocaleString('en-US'));
console.log(
  'by building:',
  new GPT(config).numParameters().toLocaleString('en-US'),
);

console.log(
  'GPT-2 small:',
  countParameters(presetConfig('gpt2', 50257)).toLocaleString('en-US'),
);
