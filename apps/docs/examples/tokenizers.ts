// Tokenizers: text ↔ ids. Characters for learning, byte-level BPE for real
// models.
import { Generator, tensor } from '@dendrite/tensor';
import {
  CharTokenizer,
  GPT2_PATTERN,
  probabilities,
  sample,
  trainBPE,
} from '@dendrite/tokenizer';

// One id per distinct character, sorted: " dehlorw" for "hello world".
const chars = CharTokenizer.fromCorpus('hello world');
console.log(
  chars.vocabSize,
  chars.encode('hello'),
  chars.decode([7, 5, 6, 4, 1]),
);

// Byte-level BPE: learns merges of frequent neighbours ("at" in cat, sat, mat
// first).
const bpe = trainBPE('the cat sat on the mat. '.repeat(50), {
  vocabSize: 262,
  pattern: GPT2_PATTERN,
  specialTokens: ['<|endoftext|>'],
});
const ids = bpe.encode('the cat sat<|endoftext|>', { allowedSpecial: 'all' });
console.log(ids, JSON.stringify(bpe.decode(ids)));

// The LM head's last step: logits → probabilities → a sampled token, from a
// seeded generator.
const logits = tensor([[2, 1, 0]]);
// ≈ 0.867, 0.117, 0.016
console.log((await probabilities(logits, { temperature: 0.5 })).toString());
console.log(
  await sample(logits, {
    temperature: 0.8,
    topK: 2,
    generator: new Generator(1),
  }),
);
