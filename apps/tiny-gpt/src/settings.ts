/**
 * The `train` command's settings, defined once (see setting.ts for the combinators). From this
 * table come {@link TrainOptions}' fields, the defaults, the checks of the library's options, the
 * `train` flags and their `--help` lines, what a resume may change (resume.ts) and the settings a
 * checkpoint saves and reads back (trainer-state.ts). The README's resume table is tested against it.
 *
 * Resume rules. A resumed run continues the SAME run, so what defines it is fixed: the model
 * (`--config`), the tokenizer, the text (`--data`: the same bytes, possibly from another path),
 * `--batch` and `--seed` (the batch stream); asking to change one is an error that says so.
 * How it trains from here may change and takes effect at once: `--iters` (longer or shorter, but
 * past the current iteration), the learning-rate schedule (`--lr`, `--min-lr`, `--warmup`: the
 * schedule is a function of the iteration, re-evaluated with the new values), `--weight-decay`,
 * `--grad-clip`, and the cadence (`--eval-interval`, `--eval-iters`, `--log-interval`). Changed
 * values are announced, saved with the next checkpoint and kept by later resumes. Per-invocation
 * flags (`--max-time`, `--stop-after`, `--sample-tokens`, `--backend`) are never saved.
 */
import {
  derived,
  flagName,
  integer,
  isOptions,
  isSettings,
  type NamesWhere,
  namesOf,
  namesWhere,
  number,
  type OptionNames,
  type OptionsOf,
  resolve,
  type SettingsOf,
  settingsProblem,
  text,
  toggle,
} from './setting.js';
import { parseTokenizerSpec } from './tokenizers.js';

/** The settings of `tiny-gpt train` and of {@link train}, in `--help` order. */
export const TRAIN_SETTINGS = {
  data: text({
    value: '<file|url>',
    help: 'Training text: a UTF-8 file or an http(s) URL',
    defaultText: 'the built-in corpus',
    resume: 'text',
  }),
  encoding: text({
    value: '<name>',
    help: "Encoding of --data: 'utf-8' (default, strict) or 'latin1'",
    resume: 'text',
  }),
  tokenizer: text({
    value: '<kind>',
    help: "'char', 'bpe' or 'bpe:N'",
    default: 'char',
    resume: 'fixed',
    // `bpe` and `bpe:512` are the same tokenizer
    sameValue: (a, b) => JSON.stringify(parseTokenizerSpec(a)) === JSON.stringify(parseTokenizerSpec(b)),
  }),
  config: text({
    value: '<preset|json>',
    help: 'Model size: tiny, baby, shakespeare-char, gpt2, or a JSON file',
    default: 'tiny',
    // Compared by the model it describes, not its spelling (resume.ts); saved for messages.
    resume: 'fixed',
  }),
  backend: text({
    value: '<name>',
    help: 'Compute backend: auto, wasm, cpu, gpujs, gpujs:<mode>',
    default: 'auto',
    defaultText: 'auto = wasm if available',
    resume: 'this-run',
  }),
  iters: integer({
    value: '<n>',
    min: 1,
    help: 'Total training iterations',
    default: 2000,
    resume: 'may-change',
  }),
  maxTime: number({
    value: '<seconds>',
    min: 0,
    help: 'Stop after this many seconds of this invocation (checkpointing first)',
    resume: 'this-run',
  }),
  stopAfter: integer({
    value: '<n>',
    min: 1,
    help: 'Train at most n iterations in this invocation, then checkpoint (continue with --resume)',
    resume: 'this-run',
  }),
  batch: integer({ value: '<n>', min: 1, help: 'Sequences per batch', default: 12, resume: 'fixed' }),
  lr: number({
    value: '<rate>',
    min: 0,
    help: 'Peak learning rate',
    default: 1e-3,
    defaultText: '1e-3',
    resume: 'may-change',
  }),
  minLr: number({
    value: '<rate>',
    min: 0,
    help: 'Final learning rate of the cosine decay',
    default: derived('lr/10', (s) => s.number('lr') / 10),
    resume: 'may-change',
  }),
  warmup: integer({
    value: '<n>',
    min: 0,
    help: 'Warmup iterations',
    default: derived('min(100, iters/10)', (s) => Math.min(100, Math.floor(s.number('iters') / 10))),
    resume: 'may-change',
  }),
  weightDecay: number({
    value: '<x>',
    min: 0,
    help: 'AdamW weight decay',
    default: 0.1,
    resume: 'may-change',
  }),
  gradClip: number({
    value: '<x>',
    min: 0,
    help: 'Clip gradients to this global norm, 0 = off',
    default: 1,
    resume: 'may-change',
  }),
  evalInterval: integer({
    value: '<n>',
    min: 1,
    help: 'Evaluate and checkpoint every n iterations',
    default: 100,
    resume: 'may-change',
  }),
  evalIters: integer({
    value: '<n>',
    min: 1,
    help: 'Batches per evaluation',
    default: 10,
    resume: 'may-change',
  }),
  logInterval: integer({
    value: '<n>',
    min: 1,
    help: 'Iterations between progress lines',
    default: 10,
    resume: 'may-change',
  }),
  seed: integer({
    value: '<n>',
    min: 0,
    max: Number.MAX_SAFE_INTEGER,
    help: 'Seed for weights, batches and dropout, an integer in [0, 2^53)',
    default: 1337,
    resume: 'fixed',
  }),
  out: text({
    value: '<dir>',
    help: 'Run folder for checkpoints and logs',
    default: 'runs/tiny',
    resume: 'folder',
  }),
  resume: toggle({ help: 'Continue the run in --out where it stopped', resume: 'folder' }),
  overwrite: toggle({
    help: 'Start a new run in an --out that holds one (replaced at the new run’s first checkpoint)',
    resume: 'folder',
  }),
  sampleTokens: integer({
    value: '<n>',
    min: 0,
    help: 'Tokens to sample when training ends',
    default: 300,
    defaultText: '300, 0 = none',
    resume: 'this-run',
    cliOnly: true,
  }),
} as const;

type Table = typeof TRAIN_SETTINGS;

/** Every `train` setting resolved: chosen values, defaults for the rest. */
export type TrainSettings = SettingsOf<Table>;
/** The name of a setting {@link train} takes. */
export type TrainOptionName = OptionNames<Table>;
/** The options {@link train} takes: any subset of the settings (not the CLI's `sampleTokens`). */
export type TrainSettingOptions = Pick<OptionsOf<Table>, TrainOptionName>;
/** The name of a setting a checkpoint saves: one that defines or steers the run. */
export type RunSettingName = NamesWhere<Table, 'fixed' | 'may-change'>;
/** The settings a run trains with, saved in every checkpoint (see trainer-state.ts). */
export type RunSettings = Pick<TrainSettings, RunSettingName>;

/** All setting names, in table order. */
export const TRAIN_SETTING_NAMES = namesOf(TRAIN_SETTINGS);
/** The settings {@link train} takes, in table order. */
export const TRAIN_OPTION_NAMES = TRAIN_SETTING_NAMES.filter(
  (n): n is TrainOptionName => !('cliOnly' in TRAIN_SETTINGS[n]),
);
/** The settings a checkpoint saves, in table order. */
export const RUN_SETTING_NAMES = namesWhere(TRAIN_SETTINGS, ['fixed', 'may-change']);
/** The settings that define a run: a resume keeps them. */
export const FIXED_SETTING_NAMES = namesWhere(TRAIN_SETTINGS, ['fixed']);

/** The run settings from the values a user chose; defaults for the rest (min-lr and warmup derive from others). */
export function resolveSettings(chosen: Partial<RunSettings>): RunSettings {
  return resolve(TRAIN_SETTINGS, RUN_SETTING_NAMES, chosen);
}

/** Every setting of an invocation (the run's and this invocation's), defaults applied. */
export function resolveTrainSettings(options: Partial<OptionsOf<Table>>): TrainSettings {
  return resolve(TRAIN_SETTINGS, TRAIN_SETTING_NAMES, options);
}

/** The run settings a user chose in `options` (the defined ones). */
export function chosenSettings(options: Partial<OptionsOf<Table>>): Partial<RunSettings> {
  const chosen: Record<string, unknown> = {};
  for (const name of RUN_SETTING_NAMES) if (options[name] !== undefined) chosen[name] = options[name];
  if (!isOptions(TRAIN_SETTINGS, RUN_SETTING_NAMES, chosen))
    throw new Error('chosenSettings: unchecked options');
  return chosen;
}

/** Is `name` the name of a run setting? */
export function isRunSettingName(name: unknown): name is RunSettingName {
  return RUN_SETTING_NAMES.some((n) => n === name);
}

/** Do `values` hold every run setting, each a good value? */
export function isRunSettings(values: unknown): values is RunSettings {
  return isSettings(TRAIN_SETTINGS, RUN_SETTING_NAMES, values);
}

/** The names of the chosen settings, in table order. */
export function chosenNames(chosen: Partial<RunSettings>): RunSettingName[] {
  return RUN_SETTING_NAMES.filter((n) => chosen[n] !== undefined);
}

/**
 * The `train` options held in parsed command-line flags (by flag name), with their types checked
 * against the table; `sampleTokens` is among them.
 */
export function optionsFromFlags(flags: Readonly<Record<string, unknown>>): Partial<OptionsOf<Table>> {
  const options: Record<string, unknown> = {};
  for (const name of TRAIN_SETTING_NAMES) {
    const value = flags[flagName(name)];
    if (value !== undefined) options[name] = value;
  }
  if (!isOptions(TRAIN_SETTINGS, TRAIN_SETTING_NAMES, options)) {
    const bad = settingsProblem(TRAIN_SETTINGS, TRAIN_SETTING_NAMES, options, false);
    throw new Error(`optionsFromFlags: the parser let through ${bad?.name} ${bad?.problem}`);
  }
  return options;
}
