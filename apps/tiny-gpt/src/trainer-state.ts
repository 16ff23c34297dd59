/**
 * The trainer's state besides tensors, as saved (JSON) in the `trainer` field of
 * `training-state.safetensors`'s header, and read back with every field checked: the settings
 * by their definitions in the settings table, so a checkpoint edited by hand or written by
 * something else fails with one line naming the field and the file, not later with a NaN.
 *
 * The saved layout (field names, settings by their names in the table) is the format
 * `tiny-gpt-training-state/2`; checkpoints written since that format load unchanged.
 */
import type { GeneratorState } from '@dendrite/tensor';
import type { TextSource } from './data.js';
import { UserError } from './errors.js';
import { field, settingsProblem } from './setting.js';
import {
  isRunSettingName,
  isRunSettings,
  RUN_SETTING_NAMES,
  type RunSettingName,
  type RunSettings,
  TRAIN_SETTINGS,
} from './settings.js';

/** What the trainer keeps besides tensors to continue bit-identically. */
export interface TrainerState {
  /** Iterations completed. */
  iter: number;
  /** State of the generator that draws training batches. */
  dataRng: GeneratorState;
  /** State of the generator behind dropout masks. */
  modelRng: GeneratorState;
  /** Best validation loss seen at an evaluation. */
  bestValLoss: number | null;
  /** Seconds of training so far (across resumes). */
  elapsed: number;
  /** The settings in force (updated when a resume changes one). */
  settings: RunSettings;
  /** Settings the user chose (the others follow their defaults, e.g. min-lr = lr/10). */
  chosen: RunSettingName[];
  /** The training text's source and fingerprint. */
  data: TextSource;
}

/** The `trainer` header field for a state. */
export function encodeTrainerState(state: TrainerState): string {
  return JSON.stringify(state);
}

/** A field of the saved state that is not what this tiny-gpt writes. */
class BadField extends Error {}

function bad(path: string, problem: string): never {
  throw new BadField(`${path} ${problem}`);
}

function got(value: unknown): string {
  return value === undefined ? 'nothing' : JSON.stringify(value);
}

function readNumber(
  object: unknown,
  key: string,
  path: string,
  check: (n: number) => boolean,
  what: string,
): number {
  const value = field(object, key);
  if (typeof value !== 'number' || !check(value)) bad(path, `must be ${what}, got ${got(value)}`);
  return value;
}

function readString(object: unknown, key: string, path: string): string {
  const value = field(object, key);
  if (typeof value !== 'string') bad(path, `must be a string, got ${got(value)}`);
  return value;
}

const isCount = (n: number) => Number.isSafeInteger(n) && n >= 0;

function readGenerator(state: unknown, key: string): GeneratorState {
  const saved = field(state, key);
  const s = field(saved, 's');
  const words = Array.isArray(s)
    ? s.filter((w): w is number => Number.isInteger(w) && w >= 0 && w <= 0xffffffff)
    : [];
  if (!Array.isArray(s) || s.length !== 4 || words.length !== 4)
    bad(`${key}.s`, `must be four unsigned 32-bit integers, got ${got(s)}`);
  const spareNormal = field(saved, 'spareNormal');
  if (spareNormal !== null && (typeof spareNormal !== 'number' || !Number.isFinite(spareNormal)))
    bad(`${key}.spareNormal`, `must be a number or null, got ${got(spareNormal)}`);
  return { s: [words[0], words[1], words[2], words[3]], spareNormal };
}

function readSettings(state: unknown): RunSettings {
  const settings = field(state, 'settings');
  if (isRunSettings(settings)) return settings;
  const found = settingsProblem(TRAIN_SETTINGS, RUN_SETTING_NAMES, settings, true);
  return bad(
    found?.name === undefined ? 'settings' : `settings.${found.name}`,
    found?.problem ?? 'is not valid',
  );
}

function readChosen(state: unknown): RunSettingName[] {
  const chosen = field(state, 'chosen');
  if (!Array.isArray(chosen)) return bad('chosen', `must be a list of setting names, got ${got(chosen)}`);
  const names = chosen.filter(isRunSettingName);
  if (names.length !== chosen.length) {
    const stray = chosen.find((n) => !isRunSettingName(n));
    bad('chosen', `must list only ${RUN_SETTING_NAMES.join(', ')}, got ${got(stray)}`);
  }
  return names;
}

function readSource(state: unknown): TextSource {
  const data = field(state, 'data');
  return {
    location: readString(data, 'location', 'data.location'),
    encoding: readString(data, 'encoding', 'data.encoding'),
    bytes: readNumber(data, 'bytes', 'data.bytes', isCount, 'a whole number of bytes'),
    sha256: readString(data, 'sha256', 'data.sha256'),
  };
}

/**
 * Reads the `trainer` header field of `path` (a `training-state.safetensors`), checking every
 * field; throws a {@link UserError} naming the file and the first bad field.
 */
export function decodeTrainerState(json: string, path: string): TrainerState {
  let state: unknown;
  try {
    state = JSON.parse(json);
  } catch {
    throw new UserError(`cannot resume: the trainer state in ${path} is not valid JSON`);
  }
  try {
    if (typeof state !== 'object' || state === null || Array.isArray(state))
      bad('the state', 'must be an object');
    const bestValLoss = field(state, 'bestValLoss');
    if (bestValLoss !== null && (typeof bestValLoss !== 'number' || !Number.isFinite(bestValLoss)))
      bad('bestValLoss', `must be a number or null, got ${got(bestValLoss)}`);
    return {
      iter: readNumber(state, 'iter', 'iter', isCount, 'a whole number of iterations'),
      dataRng: readGenerator(state, 'dataRng'),
      modelRng: readGenerator(state, 'modelRng'),
      bestValLoss,
      elapsed: readNumber(
        state,
        'elapsed',
        'elapsed',
        (n) => Number.isFinite(n) && n >= 0,
        'a number of seconds ≥ 0',
      ),
      settings: readSettings(state),
      chosen: readChosen(state),
      data: readSource(state),
    };
  } catch (err) {
    if (!(err instanceof BadField)) throw err;
    throw new UserError(
      `cannot resume: the trainer state in ${path} is not one tiny-gpt wrote: ${err.message}; start a new run with --overwrite`,
    );
  }
}
