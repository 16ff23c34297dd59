import type { DType } from '@dendrite/tensor';
import type { Tolerance } from './tolerances.js';

/** A conformance failure: the backend's result differs from the reference. */
export class ConformanceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConformanceError';
  }
}

/** Host-side values of a result: what `await t.data()` gave, with shape and dtype. */
export interface HostTensor {
  readonly shape: readonly number[];
  readonly dtype: DType;
  readonly values: ArrayLike<number>;
}

/** Whether `actual` matches `expected` within `tol` (NaN matches NaN; infinities must be equal). */
export function closeEnough(actual: number, expected: number, tol: Tolerance): boolean {
  if (Number.isNaN(expected)) return Number.isNaN(actual);
  if (!Number.isFinite(expected) || !Number.isFinite(actual)) return actual === expected;
  return Math.abs(actual - expected) <= tol.atol + tol.rtol * Math.abs(expected);
}

const fmt = (shape: readonly number[]) => `[${shape.join(',')}]`;

/** Throws a {@link ConformanceError} describing every way `actual` differs from `expected`. */
export function assertMatches(label: string, actual: HostTensor, expected: HostTensor, tol: Tolerance): void {
  if (actual.dtype !== expected.dtype) {
    throw new ConformanceError(`${label}: dtype ${actual.dtype}, expected ${expected.dtype}`);
  }
  if (actual.shape.length !== expected.shape.length || actual.shape.some((d, i) => d !== expected.shape[i])) {
    throw new ConformanceError(`${label}: shape ${fmt(actual.shape)}, expected ${fmt(expected.shape)}`);
  }
  if (actual.values.length !== expected.values.length) {
    throw new ConformanceError(
      `${label}: read ${actual.values.length} values, expected ${expected.values.length} for shape ${fmt(expected.shape)}`,
    );
  }
  const bad: string[] = [];
  let count = 0;
  let worst = 0;
  for (let i = 0; i < expected.values.length; i++) {
    const a = actual.values[i];
    const e = expected.values[i];
    if (closeEnough(a, e, tol)) continue;
    count++;
    if (Number.isFinite(a) && Number.isFinite(e)) worst = Math.max(worst, Math.abs(a - e));
    if (bad.length < 5) bad.push(`[${i}] got ${a}, expected ${e}`);
  }
  if (count > 0) {
    throw new ConformanceError(
      `${label}: ${count} of ${expected.values.length} values differ beyond rtol ${tol.rtol}, atol ${tol.atol} ` +
        `(max abs error ${worst}): ${bad.join('; ')}`,
    );
  }
}
