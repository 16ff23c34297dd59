/**
 * Weights as plain `{ dtype, shape, data }` entries (what safetensors encodes and decodes), and the
 * two reshapings other tools' layouts need: a 2-D transpose and a check that two entries hold the
 * same bits.
 */
import type { SafetensorsEntry } from '@dendrite/nn';
import type { Tensor } from '@dendrite/tensor';

/**
 * Each tensor read once (`await t.data()`), by name; names of one tensor (a tied head) share one
 * data array, so a format that can say so (a PyTorch storage) stores it once.
 */
export async function readEntries(
  tensors: Record<string, Tensor>,
): Promise<Record<string, SafetensorsEntry>> {
  const names = Object.keys(tensors);
  const reads = new Map<Tensor, ReturnType<Tensor['data']>>();
  for (const n of names) if (!reads.has(tensors[n])) reads.set(tensors[n], tensors[n].data());
  const data = await Promise.all(names.map((n) => reads.get(tensors[n]) as ReturnType<Tensor['data']>));
  return Object.fromEntries(
    names.map((n, i) => [n, { dtype: tensors[n].dtype, shape: [...tensors[n].shape], data: data[i] }]),
  );
}

/** Rows and columns swapped: out[j][i] = in[i][j] (a PyTorch Linear's [out, in] ↔ a Conv1D's [in, out]). */
export function transposeEntry(entry: SafetensorsEntry): SafetensorsEntry {
  const [rows, cols] = entry.shape;
  const src = entry.data;
  const out = new (src.constructor as new (n: number) => typeof src)(src.length);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[j * rows + i] = src[i * cols + j];
  return { dtype: entry.dtype, shape: [cols, rows], data: out };
}

/** A fresh entry of zeros (a bias the source model does not learn). */
export function zerosEntry(like: SafetensorsEntry, size: number): SafetensorsEntry {
  const data = new (like.data.constructor as new (n: number) => typeof like.data)(size);
  return { dtype: like.dtype, shape: [size], data };
}

/** Same dtype, shape and bits (NaN payloads and signed zeros included). */
export function sameBits(a: SafetensorsEntry, b: SafetensorsEntry): boolean {
  if (a.dtype !== b.dtype || a.shape.length !== b.shape.length || a.shape.some((d, i) => d !== b.shape[i]))
    return false;
  const x = new Uint8Array(a.data.buffer, a.data.byteOffset, a.data.byteLength);
  const y = new Uint8Array(b.data.buffer, b.data.byteOffset, b.data.byteLength);
  if (x.length !== y.length) return false;
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}
