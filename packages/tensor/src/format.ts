import type { DType, TypedArray } from './dtype.js';
import type { Shape } from './shape.js';

/** Elements shown at each end of a long dim before `...` (as PyTorch's edgeitems). */
const EDGE = 3;
/** Tensors with more elements than this are summarised. */
const THRESHOLD = 1000;

function formatNumber(v: number, dtype: DType, decimals: number): string {
  if (dtype === 'bool') return v ? 'true' : 'false';
  if (dtype === 'int32') return String(v);
  if (Number.isNaN(v)) return 'nan';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  return v.toFixed(decimals);
}

/** PyTorch-style text: `tensor([[1.0000, 2.0000], …], dtype=float32)`. */
export function formatTensor(values: TypedArray, shape: Shape, dtype: DType): string {
  const summarise = values.length > THRESHOLD;
  let maxAbs = 0;
  let minAbs = Number.POSITIVE_INFINITY; // smallest nonzero finite magnitude
  for (let i = 0; i < values.length; i++) {
    const a = Math.abs(values[i]);
    if (!Number.isFinite(a) || a === 0) continue;
    if (a > maxAbs) maxAbs = a;
    if (a < minAbs) minAbs = a;
  }
  // As PyTorch: scientific when a value is huge, or when a nonzero value would print as 0.0000.
  const scientific = dtype !== 'int32' && dtype !== 'bool' && (maxAbs >= 1e8 || minAbs < 1e-4);
  const fmt = (v: number) =>
    scientific && Number.isFinite(v) ? v.toExponential(4) : formatNumber(v, dtype, 4);
  let width = 0;
  for (let i = 0; i < values.length; i++) width = Math.max(width, fmt(values[i]).length);
  const strides: number[] = [];
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i];
  }
  const indent = ' '.repeat('tensor('.length);
  const render = (dim: number, offset: number): string => {
    if (dim === shape.length) return fmt(values[offset]).padStart(width);
    const n = shape[dim];
    const items: string[] = [];
    const push = (i: number) => items.push(render(dim + 1, offset + i * strides[dim]));
    if (summarise && n > 2 * EDGE) {
      for (let i = 0; i < EDGE; i++) push(i);
      items.push('...');
      for (let i = n - EDGE; i < n; i++) push(i);
    } else for (let i = 0; i < n; i++) push(i);
    if (dim === shape.length - 1) return `[${items.join(', ')}]`;
    const sep = `,${'\n'.repeat(shape.length - dim - 1)}${indent}${' '.repeat(dim + 1)}`;
    return `[${items.join(sep)}]`;
  };
  const body = shape.length === 0 ? fmt(values[0]) : render(0, 0);
  const suffix = dtype === 'float32' ? '' : `, dtype=${dtype}`;
  return `tensor(${body}${suffix})`;
}
