/**
 * A run's settings: the defaults, how chosen values resolve into settings, and what a resume may
 * change.
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
import type { RunSettings } from './checkpoint.js';
import { UserError } from './errors.js';
import { parseTokenizerSpec } from './tokenizers.js';

/** Defaults of the settings a user did not choose (min-lr and warmup derive from others). */
export const DEFAULTS = {
  tokenizer: 'char',
  config: 'tiny',
  iters: 2000,
  batch: 12,
  lr: 1e-3,
  weightDecay: 0.1,
  gradClip: 1,
  evalInterval: 100,
  evalIters: 10,
  logInterval: 10,
  seed: 1337,
} as const;

/** The flag of each setting. */
export const FLAG_OF: Record<keyof RunSettings, string> = {
  tokenizer: 'tokenizer',
  config: 'config',
  iters: 'iters',
  batch: 'batch',
  lr: 'lr',
  minLr: 'min-lr',
  warmup: 'warmup',
  weightDecay: 'weight-decay',
  gradClip: 'grad-clip',
  evalInterval: 'eval-interval',
  evalIters: 'eval-iters',
  logInterval: 'log-interval',
  seed: 'seed',
};

/** Settings a resume keeps (they define the run); all others may change. */
export const FIXED_ON_RESUME = ['config', 'tokenizer', 'batch', 'seed'] as const;

/** Settings from the values a user chose; the rest from {@link DEFAULTS}. */
export function resolveSettings(chosen: Partial<RunSettings>): RunSettings {
  const base = { ...DEFAULTS, ...chosen };
  return {
    ...base,
    minLr: chosen.minLr ?? base.lr / 10,
    warmup: chosen.warmup ?? Math.min(100, Math.floor(base.iters / 10)),
  };
}

/** The chosen subset of `options` (the keys that are settings and are defined). */
export function chosenSettings(options: Partial<Record<keyof RunSettings, unknown>>): Partial<RunSettings> {
  const out: Partial<Record<keyof RunSettings, unknown>> = {};
  for (const key of Object.keys(FLAG_OF) as (keyof RunSettings)[])
    if (options[key] !== undefined) out[key] = options[key];
  return out as Partial<RunSettings>;
}

function sameSetting(key: keyof RunSettings, a: unknown, b: unknown): boolean {
  if (key === 'tokenizer') {
    return JSON.stringify(parseTokenizerSpec(String(a))) === JSON.stringify(parseTokenizerSpec(String(b)));
  }
  return a === b;
}

/**
 * The settings of a resumed run: the saved ones, with the changeable ones the user gives now.
 * `config` is compared by the caller (by the model it describes, not its spelling). Throws a
 * {@link UserError} for a fixed setting asked to change, or `--iters` not past the current
 * iteration. Returns the changes as `--flag old → new` lines to announce.
 */
export function resumeSettings(
  saved: { settings: RunSettings; chosen: (keyof RunSettings)[]; iter: number },
  now: Partial<RunSettings>,
  dir: string,
): { settings: RunSettings; chosen: (keyof RunSettings)[]; changes: string[] } {
  for (const key of FIXED_ON_RESUME) {
    if (key === 'config') continue;
    const value = now[key];
    if (value !== undefined && !sameSetting(key, value, saved.settings[key])) {
      throw new UserError(
        `cannot resume with --${FLAG_OF[key]} ${String(value)}: the run in ${dir} trains with --${FLAG_OF[key]} ${String(saved.settings[key])}, and a resumed run keeps its model, tokenizer, text, batch size and seed; start a new run (--overwrite or another --out) to change it`,
      );
    }
  }
  const chosenValues: Partial<RunSettings> = {};
  for (const key of saved.chosen) (chosenValues as Record<string, unknown>)[key] = saved.settings[key];
  for (const [key, value] of Object.entries(now) as [keyof RunSettings, never][]) {
    if (value !== undefined && !(FIXED_ON_RESUME as readonly string[]).includes(key))
      chosenValues[key] = value;
  }
  // The fixed settings stay as they were, chosen or defaulted.
  for (const key of FIXED_ON_RESUME) (chosenValues as Record<string, unknown>)[key] = saved.settings[key];
  const settings = resolveSettings(chosenValues);
  if (settings.iters <= saved.iter) {
    throw new UserError(
      now.iters === undefined
        ? `the run in ${dir} is complete: it reached iteration ${saved.iter} of --iters ${saved.settings.iters}; pass a larger --iters to train further`
        : `cannot resume with --iters ${now.iters}: the run in ${dir} is already at iteration ${saved.iter}; pass a larger --iters`,
    );
  }
  const changes: string[] = [];
  for (const key of Object.keys(FLAG_OF) as (keyof RunSettings)[]) {
    if (settings[key] !== saved.settings[key])
      changes.push(`--${FLAG_OF[key]} ${String(saved.settings[key])} → ${String(settings[key])}`);
  }
  const chosen = [
    ...new Set([...saved.chosen, ...(Object.keys(chosenValues) as (keyof RunSettings)[])]),
  ].filter((k) => !(FIXED_ON_RESUME as readonly string[]).includes(k) || saved.chosen.includes(k));
  return { settings, chosen, changes };
}
