/** The parameter-counting page: a GPT config's parameters, part by part, and in total. */
import '@dendrite/autograd'; // adds requiresGrad_(), backward() and .grad to every Tensor
import { countParameters, GPT, type GPTConfig } from '@dendrite/gpt';
import { Generator } from '@dendrite/tensor';

export interface CountRow {
  part: string;
  formula: string;
  count: number;
}

/** The count of each part, as the course does it by hand (the LM head is tied: 0). */
export function breakdown(c: GPTConfig): { rows: CountRow[]; total: number } {
  const { vocabSize: V, blockSize: T, nLayer: L, nEmbd: C, bias } = c;
  const b = bias ? 1 : 0;
  const ln = (1 + b) * C;
  const attn = 4 * C * C + b * 4 * C;
  const mlp = 8 * C * C + b * 5 * C;
  const rows: CountRow[] = [
    { part: 'token embedding (wte)', formula: 'V × C', count: V * C },
    { part: 'position embedding (wpe)', formula: 'T × C', count: T * C },
    { part: `attention × ${L}`, formula: bias ? 'L × (4C² + 4C)' : 'L × 4C²', count: L * attn },
    { part: `MLP × ${L}`, formula: bias ? 'L × (8C² + 5C)' : 'L × 8C²', count: L * mlp },
    {
      part: `layer norms × ${2 * L + 1}`,
      formula: bias ? '(2L + 1) × 2C' : '(2L + 1) × C',
      count: (2 * L + 1) * ln,
    },
    { part: 'LM head', formula: 'tied to wte', count: 0 },
  ];
  return { rows, total: countParameters(c) };
}

/** Builds the model and counts its tensors (only for configs small enough to build in a page). */
export function buildAndCount(c: GPTConfig): number {
  return new GPT(c, { generator: new Generator(0) }).numParameters();
}
