import type { Backend, DType, Generator } from '@dendrite/tensor';

/** Where a layer creates its parameters and where its initial values come from. */
export interface LayerOptions {
  /** Parameter dtype (default float32). */
  dtype?: DType;
  /** Backend instance or registered name (default: the current backend). */
  backend?: Backend | string;
  /** Source of the initial values (default: the generator `manualSeed` sets). */
  generator?: Generator;
}
