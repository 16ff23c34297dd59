// How it composes: a GPT is embeddings, a stack of blocks, a final layer norm
// and a tied LM head.
import { GPT, presetConfig } from '@dendrite/gpt';
import { Generator, tensor } from '@dendrite/tensor';
import { CharTokenizer, generate } from '@dendrite/tokenizer';

const tok = CharTokenizer.fromCorpus('hello world, hello gpt');
const model = new GPT(presetConfig('tiny', tok.vocabSize), {
  generator: new Generator(3),
});
console.log(model.toString());

// Untrained, it already runs end to end: ids in, next-token probabilities out,
// text sampled.
const { logits } = model.forward(
  tensor([tok.encode('hello')], { dtype: 'int32' }),
);
console.log('logits', logits.shape);
let text = '';
for await (const id of generate(model, tok.encode('hel'), {
  maxTokens: 12,
  seed: 1,
}))
  text += tok.decode([id]);
console.log(JSON.stringify(`hel${text}`));
