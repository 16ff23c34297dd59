import { type Backend, type DType, isFloat, type Tensor, tensor, ValueError } from '@dendrite/tensor';
import { type DecodedSafetensors, defineEntry } from './format.js';

/** Options of {@link toTensors}. */
export interface ToTensorsOptions {
  /** Backend instance or registered name for the new tensors (default: the current backend). */
  backend?: Backend | string;
  /**
   * Float dtype for the floating-point tensors (e.g. `'float32'` to load F64 weights in single
   * precision). int32 and bool tensors keep their dtype. Default: as decoded.
   */
  dtype?: Extract<DType, 'float32' | 'float64'>;
}

/**
 * Turns decoded entries into tensors (a copy of each entry's data on the chosen backend), ready
 * for `module.loadStateDict(...)`. If one tensor cannot be made (e.g. the backend lacks float64),
 * the ones already made are disposed before the error is rethrown.
 *
 * @example
 * const { tensors } = decodeSafetensors(bytes);
 * model.loadStateDict(toTensors({ tensors }, { dtype: 'float32' }));
 */
export function toTensors(
  decoded: Pick<DecodedSafetensors, 'tensors'>,
  options: ToTensorsOptions = {},
): Record<string, Tensor> {
  const { backend, dtype } = options;
  if (dtype !== undefined && dtype !== 'float32' && dtype !== 'float64') {
    throw new ValueError(`toTensors: dtype must be 'float32' or 'float64', got ${String(dtype)}`);
  }
  if (typeof decoded !== 'object' || decoded === null || typeof decoded.tensors !== 'object') {
    throw new ValueError('toTensors: expected the { tensors } object decodeSafetensors returns');
  }
  const out: Record<string, Tensor> = {};
  const made: Tensor[] = [];
  try {
    for (const name of Object.keys(decoded.tensors)) {
      const entry = decoded.tensors[name];
      const target = dtype !== undefined && isFloat(entry.dtype) ? dtype : entry.dtype;
      const t = tensor(entry.data, { shape: entry.shape, dtype: target, backend });
      made.push(t);
      defineEntry(out, name, t);
    }
  } catch (err) {
    for (const t of made) t.dispose();
    throw err;
  }
  return out;
}
