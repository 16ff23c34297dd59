import { DendriteError } from '@dendrite/tensor';

/**
 * A tokenizer problem: a malformed rank file or `tokenizer.json` (the message names the line or
 * field), a special token found where the policy forbids it, or text a vocabulary cannot encode.
 * Bad options are `ValueError`s and out-of-range token ids are `IndexError`s (from `@dendrite/tensor`).
 */
export class TokenizerError extends DendriteError {
  static override readonly typeName: string = 'TokenizerError';
}
