/** A generated kernel: its gpu.js source and parameter names (arrays first, then scalars). */
export interface KernelSpec {
  /** Op family and variant, e.g. `binary:add:r2:aa` — what compile statistics are grouped by. */
  readonly name: string;
  /** A `function (…) { … }` in the JavaScript subset gpu.js translates. */
  readonly source: string;
  /** Array parameters (read with a flat index). */
  readonly arrays: readonly string[];
  /** Number parameters (sizes, strides, offsets, scalar operands), all float. */
  readonly scalars: readonly string[];
}
