import { DendriteError } from '@dendrite/tensor';

/** A state dict that does not fit a module: missing, unexpected or mis-shaped keys. */
export class StateDictError extends DendriteError {
  static override readonly typeName: string = 'StateDictError';
  constructor(
    message: string,
    readonly missingKeys: readonly string[] = [],
    readonly unexpectedKeys: readonly string[] = [],
    readonly mismatchedKeys: readonly string[] = [],
  ) {
    super(message);
  }
}
