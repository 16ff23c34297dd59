import { DendriteError } from '@dendrite/tensor';

/** A GPT config that cannot build a model: the message names the field. */
export class ConfigError extends DendriteError {
  static override readonly typeName: string = 'ConfigError';
}

/**
 * A checkpoint in another tool's format (nanoGPT, Hugging Face GPT-2) that Dendrite's GPT cannot
 * read or express: the message names the file and the field or tensor.
 */
export class InteropError extends DendriteError {
  static override readonly typeName: string = 'InteropError';
  /** The file at fault (`config.json`, `model.safetensors`, or a path to one). */
  readonly file: string;
  /** The config field or tensor name at fault, when there is one. */
  readonly field: string | undefined;

  constructor(file: string, field: string | undefined, detail: string) {
    super(`${file}: ${field === undefined ? '' : `'${field}' `}${detail}`);
    this.file = file;
    this.field = field;
  }
}
