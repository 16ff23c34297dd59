// tiny-gpt as a library: the training the CLI runs, from code (here a very
// short run).
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { continueText, train } from 'tiny-gpt';

const out = await mkdtemp(join(tmpdir(), 'tiny-gpt-')); // the run folder
const result = await train({
  config: 'tiny',
  iters: 30,
  batch: 4,
  lr: 3e-3,
  evalInterval: 30,
  evalIters: 2,
  out,
});

console.log('vocabulary', result.config.vocabSize, '· iterations', result.iter);
console.log(
  'first loss',
  result.losses[0].toFixed(2),
  '→ last loss',
  result.losses.at(-1)!.toFixed(2),
);

let text = '';
for await (const chunk of continueText(result.model, result.tokenizer, {
  prompt: 'The ',
  tokens: 40,
  seed: 1,
})) {
  text += chunk;
}
console.log(text.length, 'characters sampled');
