// Train a byte-level BPE, look at its first merges, and encode with it.
import { CharTokenizer, trainBPE } from '@dendrite/tokenizer';

const corpus =
  'the token, the tokens, the tokenizer: a tokenizer cuts text into ' +
  'tokens, then turns the tokens into ids. ';

// 256 byte tokens + 12 merges; onMerge reports each merge as it is made.
const merges: { left: number; right: number; token: number; count: number }[] =
  [];
const bpe = trainBPE(corpus.repeat(4), {
  vocabSize: 256 + 12,
  onMerge: (m) => merges.push(m),
});
const show = (id: number) =>
  JSON.stringify(new TextDecoder().decode(bpe.tokenBytes(id)));
for (const { left, right, token, count } of merges.slice(0, 4)) {
  console.log(`${show(left)} + ${show(right)} -> ${show(token)}`, {
    token,
    count,
  });
}

const sentence = 'the tokenizer turns text into ids';
const ids = bpe.encode(sentence);
console.log(ids.length, 'BPE tokens:', ids.map(show).join(' '));
console.log(ids, bpe.decode(ids) === sentence);

// The same sentence as characters: one id per character, so more ids.
const chars = CharTokenizer.fromCorpus(corpus);
console.log(chars.encode(sentence).length, 'character ids');

// Bytes, not characters, are where BPE starts: é is two of them.
console.log(bpe.encode('café').map((id) => [...bpe.tokenBytes(id)]));
