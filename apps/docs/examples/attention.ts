// Attention weights of a GPT: for each block and head, how much each position
// takes from itself and every earlier position. CausalSelfAttention computes
// them with the same code as its forward pass.
import { noGrad } from '@dendrite/autograd';
import { GPT } from '@dendrite/gpt';
import {
  attentionWeights,
  type Block,
  type Embedding,
  type ModuleList,
} from '@dendrite/nn';
import {
  arange,
  Generator,
  randn,
  type Tensor,
  tensor,
} from '@dendrite/tensor';
import { CharTokenizer } from '@dendrite/tokenizer';

const tok = CharTokenizer.fromCorpus('attention looks back');
const model = new GPT(
  {
    vocabSize: tok.vocabSize,
    blockSize: 16,
    nLayer: 2,
    nHead: 2,
    nEmbd: 16,
    dropout: 0,
    bias: true,
  },
  { generator: new Generator(1) },
);
model.eval();

const text = 'look back';
const ids = tensor([tok.encode(text)], { dtype: 'int32' }); // [1, T]
const t = model.transformer;
const wte = t.get('wte') as Embedding;
const wpe = t.get('wpe') as Embedding;
const blocks = t.get('h') as ModuleList<Block>;

noGrad(() => {
  // the residual stream, as GPT.forward builds it
  const pos = arange(0, text.length, 1, { dtype: 'int32' });
  let x: Tensor = wte.forward(ids).add(wpe.forward(pos));
  for (const [i, block] of [...blocks].entries()) {
    // each block's attention reads ln_1(x): [B, nHead, T, T]
    const att = block.attn.attentionWeights(block.ln_1.forward(x));
    console.log(`block ${i}`, att.shape);
    if (i === 1) {
      const head0 = (att.toArraySync() as number[][][][])[0][0];
      console.log('block 1, head 0 (row = query, column = key):');
      head0.forEach((row, q) =>
        console.log(text[q], row.map((w) => w.toFixed(2)).join(' ')),
      );
    }
    x = block.forward(x);
  }
});

// The same function on queries and keys of your own:
// softmax(q·kᵀ/√d), −∞ above the diagonal before the softmax.
const g = new Generator(2);
const q = randn([3, 4], { generator: g });
const k = randn([3, 4], { generator: g });
const w = attentionWeights(q, k, { isCausal: true });
console.log(w.toArraySync());
console.log('row sums', w.sum(-1).toArraySync());
