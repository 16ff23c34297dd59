import { DendriteError } from '@dendrite/tensor';

/**
 * A safetensors file (or byte buffer) that breaks the format: too short, a header that is not
 * UTF-8 JSON, a tensor entry with a missing or wrong field, offsets that do not tile the data
 * buffer, a dtype Dendrite cannot read, or a value that does not fit the dtype it decodes to.
 *
 * The message names the field or tensor and the numbers involved. `detail` is the message
 * without the `safetensors…:` prefix; `file` is the path when the bytes came from
 * `loadSafetensors`.
 */
export class SafetensorsError extends DendriteError {
  static override readonly typeName: string = 'SafetensorsError';
  /** What is wrong, without the prefix naming the file. */
  readonly detail: string;
  /** The file the bytes came from, when known. */
  readonly file: string | undefined;

  constructor(detail: string, options: { file?: string } = {}) {
    super(
      options.file === undefined ? `safetensors: ${detail}` : `safetensors file '${options.file}': ${detail}`,
    );
    this.detail = detail;
    this.file = options.file;
  }

  /** The same error, naming `file`. */
  withFile(file: string): SafetensorsError {
    return new SafetensorsError(this.detail, { file });
  }
}
