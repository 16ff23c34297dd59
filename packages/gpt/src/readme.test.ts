import { tensor } from '@dendrite/tensor';
import { CharTokenizer, generate } from '@dendrite/tokenizer';
import { expect, it } from 'vitest';
import { GPT, presetConfig } from './index.js';

// The example from README.md.
it('the README example runs', async () => {
  const tok = CharTokenizer.fromCorpus('hello world, hello gpt');
  const model = new GPT(presetConfig('tiny', tok.vocabSize));
  const ids = tensor([tok.encode('hello worl')], { dtype: 'int32' });
  const { logits, loss } = model.forward(ids, tensor([tok.encode('ello world')], { dtype: 'int32' }));
  loss!.backward();
  expect(logits.shape).toEqual([1, 10, tok.vocabSize]);
  expect(model.transformer.get('wte').parameters()[0].grad).not.toBeNull();
  const out: string[] = [];
  for await (const id of generate(model, tok.encode('hel'), { maxTokens: 5, seed: 1 }))
    out.push(tok.decode([id]));
  expect(out).toHaveLength(5);
});
