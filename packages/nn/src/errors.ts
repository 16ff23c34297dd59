import { DendriteError } from '@dendrite/tensor';

/** A state dict that does not fit a module: missing, unexpected or mis-shaped keys. */
export class StateDictError extends DendriteError {
  constructor(
    message: string,
    readonly missingKeys: readonly string[] = [],
    readonly unexpectedKeys: readonly string[] = [],
    readonly mismatchedKeys: readonly string[] = [],
  ) {
    super(message);
  }
}
