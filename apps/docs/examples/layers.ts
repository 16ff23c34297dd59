// The layers of a GPT and the shapes that flow between them (one sequence of 8
// tokens, width 16).
import {
  CausalSelfAttention,
  Embedding,
  FeedForward,
  LayerNorm,
  Linear,
} from '@dendrite/nn';
import { Generator, tensor } from '@dendrite/tensor';

const [vocab, T, C] = [65, 8, 16];
const generator = new Generator(0);
// [batch × seq_len]
const ids = tensor([[3, 2, 4, 4, 5, 0, 7, 5]], { dtype: 'int32' });

const embed = new Embedding(vocab, C, { generator });
const x = embed.forward(ids); // ids → vectors
const attn = new CausalSelfAttention(C, { nHead: 4, generator });
const norm = new LayerNorm(C);
const ffn = new FeedForward(C, { generator }); // Linear C→4C, GELU, Linear 4C→C
const head = new Linear(C, vocab, { bias: false, generator }); // the LM head

const show = (name: string, t: { shape: readonly number[] }, params: number) =>
  console.log(
    `${name.padEnd(16)} [${t.shape.join(' × ')}]`.padEnd(34),
    `${params} parameters`,
  );
show('ids', ids, 0);
show('embedding', x, embed.numParameters());
show('layer norm', norm.forward(x), norm.numParameters());
show('attention', attn.forward(x), attn.numParameters());
show('dense / FFN', ffn.forward(x), ffn.numParameters());
show('LM head (logits)', head.forward(x), head.numParameters());
console.log('sequence length', T);
