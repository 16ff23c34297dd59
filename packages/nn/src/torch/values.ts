/**
 * Python values as Dendrite reads and writes them in a pickle: what `torch.save` puts in a
 * checkpoint besides its tensors (dicts of settings, lists, tuples, numbers, strings).
 *
 * | Python | JavaScript |
 * | --- | --- |
 * | `None`, `bool`, `str` | `null`, `boolean`, `string` |
 * | `int` | `number` (a `bigint` past ±2⁵³ when read; written from either) |
 * | `float` | `number` (written as a float when it is not an integer, or wrapped in {@link PyFloat}) |
 * | `list` | array |
 * | `tuple` | {@link PyTuple} |
 * | `dict`, `OrderedDict` | `Map` (any keys above), or a plain object with string keys when written |
 * | `torch.Tensor` | {@link TorchTensor} |
 */
import type { DType, TypedArray } from '@dendrite/tensor';

/** A Python tuple (a JavaScript array is a list). */
export class PyTuple {
  constructor(readonly items: readonly PyValue[]) {}
}

/** A number written as a Python `float` even when it is an integer (`1.0`, not `1`). */
export class PyFloat {
  constructor(readonly value: number) {}
}

/**
 * A tensor in a checkpoint: Dendrite's dtype, a row-major shape and its elements (contiguous).
 * Written as `torch.save` writes a tensor: a storage record of its own and a
 * `torch._utils._rebuild_tensor_v2` call; two tensors with the same `data` array share one storage,
 * as tied weights do in PyTorch. Read back from any layout PyTorch saved (offsets, strides, views
 * of a shared storage) as a contiguous copy; half floats widen to float32 and integer types narrow
 * to int32 (a value outside it is an error), as in safetensors.
 */
export class TorchTensor {
  constructor(
    readonly dtype: DType,
    readonly shape: readonly number[],
    readonly data: TypedArray,
    /** PyTorch's `requires_grad` of the tensor (false in a state dict). */
    readonly requiresGrad = false,
  ) {}
}

/** A Python value in a pickle (see the module's table). */
export type PyValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | PyValue[]
  | PyTuple
  | PyFloat
  | Map<PyValue, PyValue>
  | TorchTensor
  | { [key: string]: PyValue };
