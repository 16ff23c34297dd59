/**
 * One setting of a command, defined once: its kind, bounds, default, help line and what a resume
 * does with it. A table of settings (see settings.ts) is the single definition from which the
 * option types, the defaults, the checks, the command's flags and `--help`, and the reading of
 * saved settings are derived:
 *
 * ```ts
 * const SETTINGS = {
 *   lr: number({ help: 'Peak learning rate', default: 1e-3, defaultText: '1e-3', min: 0, resume: 'may-change' }),
 *   minLr: number({ help: '…', default: derived('lr/10', (s) => s.number('lr') / 10), min: 0, resume: 'may-change' }),
 * };
 * type Settings = SettingsOf<typeof SETTINGS>; // { lr: number; minLr: number }
 * ```
 *
 * A setting's flag is its name in kebab case (`minLr` → `--min-lr`).
 */
import { valueProblem } from './flag-check.js';
import type { FlagSpec } from './flags.js';

/**
 * What `train --resume` does with a setting:
 * - `fixed`: it defines the run; saved, and a resume asking for another value is refused;
 * - `may-change`: it steers the run; saved, and a new value takes effect, is announced and kept;
 * - `this-run`: it applies to one invocation and is never saved;
 * - `text`: it chooses the run's text, saved as its source and fingerprint and checked by content;
 * - `folder`: it chooses the run folder and what to do with a run in it.
 */
export type ResumeRule = 'fixed' | 'may-change' | 'this-run' | 'text' | 'folder';

/** The resolved values a derived default reads (the other settings, defaults applied). */
export interface ResolvedReader {
  /** The value of a number setting; throws (a bug in the table) when it is not one. */
  number(name: string): number;
}

/** A default computed from other settings once they are resolved (`min-lr` = `lr` / 10). */
export interface DerivedDefault<V> {
  /** How `--help` writes it: `lr/10`. */
  readonly text: string;
  readonly derive: (settings: ResolvedReader) => V;
}

interface SpecOf<V> {
  /** The flag's help line, without its default (added from `default` / `defaultText`). */
  readonly help: string;
  readonly resume: ResumeRule;
  /** The value's placeholder in help (`<n>`). */
  readonly value?: string;
  /** The value when the user gives none; without one, the setting stays undefined. */
  readonly default?: V | DerivedDefault<V>;
  /** How `--help` writes the default when `String(default)` would not do (`1e-3`), or what no value means. */
  readonly defaultText?: string;
  /** A flag of the command line only, not an option of the library call. */
  readonly cliOnly?: true;
  /** For a `fixed` setting: do two values mean the same run (`bpe` and `bpe:512`)? Default `===`. */
  readonly sameValue?: (a: V, b: V) => boolean;
}

/** The spec of a text setting. */
export type TextSpec = SpecOf<string>;
/** The spec of a number or integer setting, with its bounds. */
export interface NumberSpec extends SpecOf<number> {
  /** Smallest allowed value (inclusive unless `minExclusive`). */
  readonly min?: number;
  readonly minExclusive?: boolean;
  /** Largest allowed value (inclusive). */
  readonly max?: number;
}
/** The spec of a switch (a flag without a value): true when given, else undefined. */
export type SwitchSpec = Pick<SpecOf<boolean>, 'help' | 'resume' | 'cliOnly'>;

/** Any setting. */
export type Setting =
  | (TextSpec & { readonly kind: 'string' })
  | (NumberSpec & { readonly kind: 'number' | 'integer' })
  | (SwitchSpec & { readonly kind: 'boolean'; readonly default?: undefined });

/** A table of settings by name (camelCase), in `--help` order. */
export type SettingTable = Readonly<Record<string, Setting>>;

/** A text setting. */
export function text<const S extends TextSpec>(spec: S): S & { readonly kind: 'string' } {
  return { ...spec, kind: 'string' };
}
/** A number setting (any finite decimal). */
export function number<const S extends NumberSpec>(spec: S): S & { readonly kind: 'number' } {
  return { ...spec, kind: 'number' };
}
/** An integer setting (exact: at most 2^53 − 1). */
export function integer<const S extends NumberSpec>(spec: S): S & { readonly kind: 'integer' } {
  return { ...spec, kind: 'integer' };
}
/** A switch. */
export function toggle<const S extends SwitchSpec>(spec: S): S & { readonly kind: 'boolean' } {
  return { ...spec, kind: 'boolean' };
}
/** A default computed from other settings; `text` is how `--help` writes it. */
export function derived<V>(text: string, derive: (settings: ResolvedReader) => V): DerivedDefault<V> {
  return { text, derive };
}

/** The type of a setting's value. */
export type ValueOf<S> = S extends { kind: 'string' }
  ? string
  : S extends { kind: 'boolean' }
    ? boolean
    : number;
/** A setting's resolved type: its value, or undefined when it has no default. */
type Resolved<S> = S extends { default: unknown } ? ValueOf<S> : ValueOf<S> | undefined;
/** The resolved settings of a table: defaults applied. */
export type SettingsOf<T> = { -readonly [N in keyof T]: Resolved<T[N]> };
/** The values a caller may choose: any subset. */
export type OptionsOf<T> = { -readonly [N in keyof T]?: ValueOf<T[N]> };
/** The names of a table's settings whose resume rule is one of `R`. */
export type NamesWhere<T, R extends ResumeRule> = {
  [N in keyof T]: T[N] extends { resume: R } ? N : never;
}[keyof T] &
  string;
/** The names of a table's settings that the library call takes (all but `cliOnly` ones). */
export type OptionNames<T> = { [N in keyof T]: T[N] extends { cliOnly: true } ? never : N }[keyof T] & string;

/** A setting's flag name: its name in kebab case (`evalInterval` → `eval-interval`). */
export function flagName(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

function isDerived<V>(d: V | DerivedDefault<V>): d is DerivedDefault<V> {
  return typeof d === 'object' && d !== null && 'derive' in d;
}

/** How `--help` writes a setting's default, or undefined when it has none to show. */
export function defaultText(setting: Setting): string | undefined {
  if (setting.kind !== 'boolean' && setting.defaultText !== undefined) return setting.defaultText;
  const d = setting.default;
  if (d === undefined) return undefined;
  return isDerived(d) ? d.text : String(d);
}

/** The flag of a setting, as the command-line parser reads it and `--help` lists it. */
export function flagSpec(setting: Setting): FlagSpec {
  const shown = defaultText(setting);
  const help = shown === undefined ? setting.help : `${setting.help} (default: ${shown})`;
  if (setting.kind === 'boolean') return { kind: 'boolean', help };
  if (setting.kind === 'string') return { kind: 'string', value: setting.value, help };
  const { kind, value, min, minExclusive, max } = setting;
  return { kind, value, help, min, minExclusive, max };
}

/** The flags of a table, by flag name, in table order. */
export function flagsOf(table: SettingTable): Record<string, FlagSpec> {
  return Object.fromEntries(Object.entries(table).map(([name, s]) => [flagName(name), flagSpec(s)]));
}

/** The names of a table's settings, in table order. */
export function namesOf<T extends SettingTable>(table: T): (keyof T & string)[] {
  return Object.keys(table).filter((n): n is keyof T & string => n in table);
}

/** The names of a table's settings whose resume rule is one of `rules`, in table order. */
export function namesWhere<T extends SettingTable, R extends ResumeRule>(
  table: T,
  rules: readonly R[],
): NamesWhere<T, R>[] {
  const has = (rule: ResumeRule): rule is R => rules.some((r) => r === rule);
  return Object.keys(table).filter((n): n is NamesWhere<T, R> => has(table[n].resume));
}

/** An object's own property, or undefined (for reading parsed JSON without casts). */
export function field(object: unknown, key: string): unknown {
  if (typeof object !== 'object' || object === null) return undefined;
  const value: unknown = Object.getOwnPropertyDescriptor(object, key)?.value;
  return value;
}

/** A value that is not a good value of its setting. */
export interface SettingProblem {
  /** The setting's name, or undefined when `values` is not an object at all. */
  readonly name: string | undefined;
  /** What is wrong, completing a sentence about it: `must be a number ≥ 0, got "x"`. */
  readonly problem: string;
}

/**
 * The first problem of `values` as settings `names` of `table`: a value of the wrong kind or out
 * of bounds, or (when `complete`) a missing value of a setting that has a default. Undefined when
 * there is none.
 */
export function settingsProblem(
  table: SettingTable,
  names: readonly string[],
  values: unknown,
  complete: boolean,
): SettingProblem | undefined {
  if (typeof values !== 'object' || values === null || Array.isArray(values))
    return { name: undefined, problem: `must be an object, got ${JSON.stringify(values) ?? 'nothing'}` };
  for (const name of names) {
    const setting = table[name];
    const value = field(values, name);
    if (value === undefined) {
      if (complete && setting.default !== undefined) return { name, problem: 'is missing' };
      continue;
    }
    const problem = valueProblem(flagSpec(setting), value);
    if (problem) return { name, problem: `${problem}, got ${JSON.stringify(value)}` };
  }
  return undefined;
}

/** Do `values` hold a good value of each of the named settings (see {@link settingsProblem})? */
export function isSettings<T extends SettingTable, K extends keyof T & string>(
  table: T,
  names: readonly K[],
  values: unknown,
): values is Pick<SettingsOf<T>, K> {
  return settingsProblem(table, names, values, true) === undefined;
}

/** Do `values` hold, for each named setting, nothing or a good value? */
export function isOptions<T extends SettingTable, K extends keyof T & string>(
  table: T,
  names: readonly K[],
  values: unknown,
): values is Pick<OptionsOf<T>, K> {
  return settingsProblem(table, names, values, false) === undefined;
}

/**
 * The named settings of a table with the values in `chosen` and the defaults for the rest
 * (constant defaults first, then derived ones, which read the others). `chosen` must already be
 * checked: a value of the wrong kind here is a bug.
 */
export function resolve<T extends SettingTable, K extends keyof T & string>(
  table: T,
  names: readonly K[],
  chosen: object,
): Pick<SettingsOf<T>, K> {
  const values: Record<string, unknown> = {};
  const later: [string, DerivedDefault<unknown>][] = [];
  for (const name of names) {
    const d = table[name].default;
    const value = field(chosen, name);
    if (value !== undefined || d === undefined) values[name] = value;
    else if (isDerived(d)) later.push([name, d]);
    else values[name] = d;
  }
  const reader: ResolvedReader = {
    number(name) {
      const v = values[name];
      if (typeof v !== 'number')
        throw new Error(`a default reads setting '${name}', which is not a resolved number`);
      return v;
    },
  };
  for (const [name, d] of later) values[name] = d.derive(reader);
  for (const name of names) if (values[name] === undefined) delete values[name];
  if (!isSettings(table, names, values)) {
    const bad = settingsProblem(table, names, values, true);
    throw new Error(`resolving settings: ${bad?.name} ${bad?.problem}`);
  }
  return values;
}
