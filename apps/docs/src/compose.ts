/** The composition page: a GPT's named parameters grouped by the part of the model they belong to. */
import '@dendrite/autograd'; // adds requiresGrad_(), backward() and .grad to every Tensor
import { GPT, type GPTConfig } from '@dendrite/gpt';
import { Generator } from '@dendrite/tensor';

export interface PartRow {
  /** A prefix of the parameter names: `transformer.h.0.attn`. */
  part: string;
  tensors: { name: string; shape: number[] }[];
  count: number;
}

/** Builds the model and lists its parameters by module (weight-tied tensors once). */
export function modelParts(config: GPTConfig): { parts: PartRow[]; total: number; tree: string } {
  const model = new GPT(config, { generator: new Generator(0) });
  const parts = new Map<string, PartRow>();
  for (const [name, p] of model.namedParameters()) {
    const segments = name.split('.');
    const key = segments[1] === 'h' ? segments.slice(0, 4).join('.') : segments.slice(0, -1).join('.');
    const row = parts.get(key) ?? { part: key, tensors: [], count: 0 };
    row.tensors.push({ name: segments.at(-1)!, shape: [...p.shape] });
    row.count += p.size;
    parts.set(key, row);
  }
  return { parts: [...parts.values()], total: model.numParameters(), tree: model.toString() };
}
