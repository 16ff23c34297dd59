/**
 * What a resume does with the settings, by each setting's rule in the table (settings.ts): fixed
 * settings are kept and a different value is refused; the others may change, take effect at once,
 * are announced and kept by later resumes.
 */
import { UserError } from './errors.js';
import { flagName } from './setting.js';
import {
  chosenNames,
  FIXED_SETTING_NAMES,
  RUN_SETTING_NAMES,
  type RunSettingName,
  type RunSettings,
  resolveSettings,
  TRAIN_SETTINGS,
} from './settings.js';

/** What a resume needs of the saved state. */
export interface SavedSettings {
  settings: RunSettings;
  chosen: readonly RunSettingName[];
  iter: number;
}

/** Is `value` the same as the saved value of a fixed setting (by its `sameValue`, else `===`)? */
function sameRun(
  name: (typeof FIXED_SETTING_NAMES)[number],
  value: string | number,
  saved: RunSettings,
): boolean {
  const setting = TRAIN_SETTINGS[name];
  if ('sameValue' in setting && typeof value === 'string') {
    const old = saved[name];
    return typeof old === 'string' && setting.sameValue(value, old);
  }
  return value === saved[name];
}

/**
 * The settings of a resumed run: the saved ones, with the changeable ones the user gives now.
 * `config` is compared by the caller (by the model it describes, not its spelling) and is not
 * compared here. Throws a {@link UserError} for a fixed setting asked to change, or `--iters` not
 * past the current iteration. Returns the changes as `--flag old → new` lines to announce.
 */
export function resumeSettings(
  saved: SavedSettings,
  now: Partial<RunSettings>,
  dir: string,
): { settings: RunSettings; chosen: RunSettingName[]; changes: string[] } {
  for (const name of FIXED_SETTING_NAMES) {
    const value = now[name];
    if (name === 'config' || value === undefined || sameRun(name, value, saved.settings)) continue;
    const flag = flagName(name);
    throw new UserError(
      `cannot resume with --${flag} ${String(value)}: the run in ${dir} trains with --${flag} ${String(saved.settings[name])}, and a resumed run keeps its model, tokenizer, text, batch size and seed; start a new run (--overwrite or another --out) to change it`,
    );
  }
  const isFixed = (name: RunSettingName) => FIXED_SETTING_NAMES.some((f) => f === name);
  // What was chosen before, then what is chosen now; the fixed settings stay as they were.
  const chosenValues: Partial<RunSettings> = {};
  for (const name of RUN_SETTING_NAMES) {
    const value = isFixed(name) || now[name] === undefined ? saved.settings[name] : now[name];
    if (isFixed(name) || saved.chosen.includes(name) || now[name] !== undefined)
      Object.assign(chosenValues, { [name]: value });
  }
  const settings = resolveSettings(chosenValues);
  if (settings.iters <= saved.iter) {
    throw new UserError(
      now.iters === undefined
        ? `the run in ${dir} is complete: it reached iteration ${saved.iter} of --iters ${saved.settings.iters}; pass a larger --iters to train further`
        : `cannot resume with --iters ${now.iters}: the run in ${dir} is already at iteration ${saved.iter}; pass a larger --iters`,
    );
  }
  const changes: string[] = [];
  for (const name of RUN_SETTING_NAMES) {
    if (settings[name] !== saved.settings[name])
      changes.push(`--${flagName(name)} ${String(saved.settings[name])} → ${String(settings[name])}`);
  }
  // Chosen: what was chosen before or now, but a fixed setting only when it was chosen before.
  const chosen = chosenNames(chosenValues).filter((n) => !isFixed(n) || saved.chosen.includes(n));
  return { settings, chosen, changes };
}
