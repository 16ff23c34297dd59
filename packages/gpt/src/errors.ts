import { DendriteError } from '@dendrite/tensor';

/** A GPT config that cannot build a model: the message names the field. */
export class ConfigError extends DendriteError {
  static override readonly typeName: string = 'ConfigError';
}
