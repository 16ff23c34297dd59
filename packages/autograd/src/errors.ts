import { DendriteError } from '@dendrite/tensor';

/** Misuse of the gradient machinery: backward on a tensor without a graph, a freed graph, etc. */
export class AutogradError extends DendriteError {
  static override readonly typeName: string = 'AutogradError';
}
