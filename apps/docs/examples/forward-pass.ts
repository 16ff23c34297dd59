// The forward pass of a real (tiny) GPT: ids → logits, and the loss when
// targets are given.
import { GPT } from '@dendrite/gpt';
import { Generator, tensor } from '@dendrite/tensor';
import { CharTokenizer } from '@dendrite/tokenizer';

const tok = CharTokenizer.fromCorpus('the cat sat on the mat');
const config = {
  vocabSize: tok.vocabSize,
  blockSize: 16,
  nLayer: 2,
  nHead: 2,
  nEmbd: 32,
  dropout: 0,
  bias: true,
};
const model = new GPT(config, { generator: new Generator(1) });

const text = 'the cat sat';
// input: [1 × 10]
const ids = tensor([tok.encode(text.slice(0, -1))], { dtype: 'int32' });
// the next character at each position
const targets = tensor([tok.encode(text.slice(1))], { dtype: 'int32' });
const { logits, loss } = model.forward(ids, targets);

console.log('vocabulary', tok.vocabSize, 'characters');
console.log('ids    ', ids.shape); // [batch, seq_len]
// [batch, seq_len, vocab]: one score per character per position
console.log('logits ', logits.shape);
console.log(
  'loss   ',
  loss!.itemSync().toFixed(3),
  'vs log(vocab) =',
  Math.log(tok.vocabSize).toFixed(3),
);
