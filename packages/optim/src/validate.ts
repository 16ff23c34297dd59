import { ValueError } from '@dendrite/tensor';

/**
 * Option checks shared by the optimizers. Every failure is a `ValueError` that names the
 * optimizer, the option and the value, e.g. `SGD: lr must be a finite number ≥ 0, got -1`.
 */

/** ` (param group 2)` or `` — appended to messages about one group's options. */
export function groupSuffix(group: number | undefined): string {
  return group === undefined ? '' : ` (param group ${group})`;
}

/** A finite number ≥ `min` (or > `min` when `exclusive`). */
export function checkNumber(
  owner: string,
  option: string,
  value: unknown,
  { min = 0, exclusive = false, group }: { min?: number; exclusive?: boolean; group?: number } = {},
): number {
  const ok = typeof value === 'number' && Number.isFinite(value) && (exclusive ? value > min : value >= min);
  if (!ok) {
    throw new ValueError(
      `${owner}: ${option} must be a finite number ${exclusive ? '>' : '≥'} ${min}, got ${String(value)}${groupSuffix(group)}`,
    );
  }
  return value as number;
}

/** A number in `[0, 1)` (Adam's betas). */
export function checkUnitInterval(owner: string, option: string, value: unknown, group?: number): number {
  if (typeof value !== 'number' || !(value >= 0 && value < 1)) {
    throw new ValueError(`${owner}: ${option} must be in [0, 1), got ${String(value)}${groupSuffix(group)}`);
  }
  return value;
}

/** A boolean flag. */
export function checkBoolean(owner: string, option: string, value: unknown, group?: number): boolean {
  if (typeof value !== 'boolean') {
    throw new ValueError(
      `${owner}: ${option} must be true or false, got ${String(value)}${groupSuffix(group)}`,
    );
  }
  return value;
}

/** A whole number ≥ `min`. */
export function checkInteger(owner: string, option: string, value: unknown, min = 0): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new ValueError(`${owner}: ${option} must be an integer ≥ ${min}, got ${String(value)}`);
  }
  return value;
}

/** Rejects keys that are not options (a typo like `learningRate` must not be silently ignored). */
export function checkKnownKeys(
  owner: string,
  given: object,
  known: readonly string[],
  group?: number,
  extra: readonly string[] = [],
): void {
  for (const key of Object.keys(given)) {
    if (!known.includes(key) && !extra.includes(key)) {
      throw new ValueError(
        `${owner}: unknown option '${key}'${groupSuffix(group)}; options are ${known.join(', ')}`,
      );
    }
  }
}

/** A state entry's keys: `numbers` must be integers ≥ 0, `tensors` must not be numbers; nothing else. */
export function checkStateKeys(
  where: string,
  entry: Record<string, unknown>,
  {
    numbers = [],
    tensors = [],
    optional = [],
  }: { numbers?: string[]; tensors?: string[]; optional?: string[] },
): void {
  for (const key of [...numbers, ...tensors]) {
    if (!(key in entry)) throw new ValueError(`${where} lacks '${key}'`);
  }
  for (const [key, v] of Object.entries(entry)) {
    if (numbers.includes(key)) {
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) {
        throw new ValueError(`${where}: '${key}' must be an integer ≥ 0, got ${String(v)}`);
      }
    } else if (tensors.includes(key) || optional.includes(key)) {
      if (typeof v === 'number' || v === null || typeof v !== 'object') {
        throw new ValueError(`${where}: '${key}' must be a tensor`);
      }
    } else {
      throw new ValueError(`${where}: unknown state '${key}'`);
    }
  }
}
