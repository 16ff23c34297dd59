import { GPT, type GPTConfig, presetConfig } from '@dendrite/gpt';
import { AdamW, decayGroups } from '@dendrite/optim';
import { Generator } from '@dendrite/tensor';
import { CharTokenizer } from '@dendrite/tokenizer';
import { builtInCorpus } from './corpus.js';
import { TokenDataset } from './data.js';

/** What a measuring loop trains: a preset GPT on the built-in corpus, AdamW, seeded batches. */
export interface TrainingRig {
  data: TokenDataset;
  model: GPT;
  opt: AdamW;
  /** Draws the training batches. */
  rng: Generator;
}

/**
 * The rig `profileStep` and `countStep` train on the current backend (set it first): a preset
 * (with `overrides`) on a character-tokenized `text` (default: the built-in corpus), weights from
 * seed 1, batches from seed 2, AdamW at lr 1e-3 with weight decay 0.1 on the matrices.
 */
export function builtInRig(
  preset: string,
  overrides: Partial<GPTConfig> = {},
  text: string = builtInCorpus(),
): TrainingRig {
  const tok = CharTokenizer.fromCorpus(text);
  const config = presetConfig(preset, tok.vocabSize, overrides);
  const model = new GPT(config, { generator: new Generator(1) });
  return {
    data: new TokenDataset(tok.encodeOrdinary(text), config.blockSize),
    model,
    opt: new AdamW(decayGroups(model.parameters(), 0.1), { lr: 1e-3 }),
    rng: new Generator(2),
  };
}
