/**
 * Whether a value obeys a flag's rules (its kind and bounds), as a phrase that completes a
 * sentence naming the value: `must be an integer ≥ 1`. The parser, the library's option checks
 * and the reader of saved settings each put their own subject before it (`--batch`,
 * `settings.batch in runs/a/training-state.safetensors`) and the value after it.
 */
import type { FlagSpec } from './flags.js';

/** The largest integer a flag takes: 2^53 − 1, past which integers are not exact. */
const MAX_INTEGER = Number.MAX_SAFE_INTEGER;

/** What `value` lacks to lie in the flag's bounds (`must be a number > 0 and ≤ 1`), or undefined. */
export function boundsProblem(spec: FlagSpec, value: number): string | undefined {
  const lo = spec.min;
  const hi = spec.max;
  const below = lo !== undefined && (spec.minExclusive ? value <= lo : value < lo);
  const above = hi !== undefined && value > hi;
  if (!below && !above) return undefined;
  const what = spec.kind === 'integer' ? 'an integer' : 'a number';
  const range =
    lo !== undefined && hi !== undefined
      ? `${spec.minExclusive ? '>' : '≥'} ${lo} and ≤ ${hi === MAX_INTEGER ? '2^53 − 1' : hi}`
      : lo !== undefined
        ? `${spec.minExclusive ? '>' : '≥'} ${lo}`
        : `≤ ${hi}`;
  return `must be ${what} ${range}`;
}

/**
 * What a value given as data (not as command-line text) lacks to be a value of the flag: the
 * wrong type, a fraction or an inexact integer, or a number out of bounds. Undefined when it is
 * a good value.
 */
export function valueProblem(spec: FlagSpec, value: unknown): string | undefined {
  if (spec.kind === 'string') return typeof value === 'string' ? undefined : 'must be a string';
  if (spec.kind === 'boolean') return typeof value === 'boolean' ? undefined : 'must be true or false';
  const what = spec.kind === 'integer' ? 'an integer' : 'a number';
  if (typeof value !== 'number' || !Number.isFinite(value)) return `must be ${what}`;
  if (spec.kind === 'integer' && !Number.isSafeInteger(value))
    return 'must be an integer of at most 2^53 − 1 in size';
  return boundsProblem(spec, value);
}
