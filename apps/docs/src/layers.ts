/** The layers page: each layer of a GPT run on a real input, with the shapes in and out. */
import '@dendrite/autograd'; // adds requiresGrad_(), backward() and .grad to every Tensor
import { noGrad } from '@dendrite/autograd';
import { CausalSelfAttention, Embedding, FeedForward, LayerNorm, Linear, type Module } from '@dendrite/nn';
import { Generator, randint, type Tensor } from '@dendrite/tensor';

export interface LayerRow {
  name: string;
  /** The Dendrite class that implements it. */
  module: string;
  input: number[];
  output: number[];
  parameters: number;
  /** What it does, in one line. */
  role: string;
}

export interface LayerShapeOptions {
  /** Sequence length (tokens in the context). */
  seqLen: number;
  /** Embedding width. */
  embedDim: number;
  vocabSize: number;
  nHead: number;
  seed?: number;
}

/** Runs a token sequence through one of each GPT layer and reports the shapes (batch of one, dropped). */
export function layerShapes(o: LayerShapeOptions): LayerRow[] {
  const generator = new Generator(o.seed ?? 0);
  const C = o.embedDim;
  return noGrad(() => {
    const ids = randint(0, o.vocabSize, [1, o.seqLen], { generator });
    const embedding = new Embedding(o.vocabSize, C, { generator });
    const norm = new LayerNorm(C);
    const attention = new CausalSelfAttention(C, { nHead: o.nHead, generator });
    const ffn = new FeedForward(C, { generator });
    const head = new Linear(C, o.vocabSize, { bias: false, generator });
    const rows: LayerRow[] = [];
    const run = (name: string, role: string, m: Module & { forward(x: Tensor): Tensor }, x: Tensor) => {
      const y = m.forward(x);
      rows.push({
        name,
        module: m.typeName,
        input: x.shape.slice(1),
        output: y.shape.slice(1),
        parameters: m.numParameters(),
        role,
      });
      return y;
    };
    const x = run('Input / embedding', 'token id → its row of a learned table', embedding, ids);
    const normed = run(
      'Layer norm',
      'each row to mean 0, variance 1, then a learned scale and shift',
      norm,
      x,
    );
    run(
      'Attention',
      'each position mixes in information from itself and earlier positions',
      attention,
      normed,
    );
    run('Dense / FFN (FeedForward)', 'widen to 4×, GELU, narrow back: per position', ffn, normed);
    run('Output / LM head', 'one score (logit) per vocabulary entry', head, normed);
    return rows;
  });
}
