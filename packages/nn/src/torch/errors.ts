import { DendriteError } from '@dendrite/tensor';

/**
 * A PyTorch checkpoint (`torch.save`'s zip of a pickle and its tensors' storages) that Dendrite
 * cannot read or write: not a zip, a record missing, a pickle opcode or a Python class outside
 * what `torch.save` writes for tensors and plain values, a storage too short for its tensor, or a
 * value that has no pickle form.
 *
 * The message names the record, opcode, class or field. `detail` is it without the prefix;
 * `file` is the path when the bytes came from a file.
 */
export class TorchCheckpointError extends DendriteError {
  static override readonly typeName: string = 'TorchCheckpointError';
  /** What is wrong, without the prefix naming the file. */
  readonly detail: string;
  /** The file the bytes came from, when known. */
  readonly file: string | undefined;

  constructor(detail: string, options: { file?: string } = {}) {
    super(
      options.file === undefined
        ? `PyTorch checkpoint: ${detail}`
        : `PyTorch checkpoint '${options.file}': ${detail}`,
    );
    this.detail = detail;
    this.file = options.file;
  }

  /** The same error, naming `file`. */
  withFile(file: string): TorchCheckpointError {
    return new TorchCheckpointError(this.detail, { file });
  }
}
