import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadRunFiles, readTrainerState } from '../src/checkpoint.js';
import { UserError } from '../src/errors.js';
import { helpText, parseCommandLine } from '../src/flags.js';
import { defaultText, flagName, type Setting } from '../src/setting.js';
import {
  FIXED_SETTING_NAMES,
  optionsFromFlags,
  RUN_SETTING_NAMES,
  type RunSettings,
  resolveSettings,
  TRAIN_OPTION_NAMES,
  TRAIN_SETTING_NAMES,
  TRAIN_SETTINGS,
} from '../src/settings.js';
import { train } from '../src/train.js';
import { decodeTrainerState, encodeTrainerState } from '../src/trainer-state.js';
import { smallConfig, tempDir } from './helpers.js';

const settings = (): [string, Setting][] => Object.entries(TRAIN_SETTINGS);

/** A good command-line value of a setting, not its default. */
function goodText(s: Setting): string | undefined {
  if (s.kind === 'boolean') return undefined;
  if (s.kind === 'string') return 'some-value';
  return String((s.min ?? 0) + 3);
}

describe('the train settings table', () => {
  it('lists every setting in `train --help`, with its help line and its default', () => {
    const lines = helpText('train').split('\n');
    for (const [name, s] of settings()) {
      const row = lines.find((l) => new RegExp(`^ {2}--${flagName(name)}(?: <[^>]+>)? {2}`).test(l));
      expect(row, name).toBeDefined();
      expect(row, name).toContain(s.help);
      const shown = defaultText(s);
      if (shown === undefined) {
        expect(row, name).not.toMatch(/\(default: /);
        continue;
      }
      expect(row, name).toContain(`(default: ${shown})`);
      const d = s.default;
      // The default shown is the value used (numbers as written, strings as given).
      if (typeof d === 'number') expect(Number(shown.split(/[ ,]/)[0]), name).toBe(d);
      if (typeof d === 'string') expect(shown.startsWith(d), name).toBe(true);
    }
    expect(lines.filter((l) => /^ {2}--/.test(l))).toHaveLength(TRAIN_SETTING_NAMES.length);
  });

  it('gives every setting a default, except those whose absence means something', () => {
    const none = settings()
      .filter(([, s]) => defaultText(s) === undefined)
      .map(([n]) => n);
    // no --encoding: UTF-8 unless a resume's text says otherwise; no --max-time / --stop-after: no limit
    expect(none).toEqual(['encoding', 'maxTime', 'stopAfter', 'resume', 'overwrite']);
  });

  it('reads every flag of the command line into the setting of its name', () => {
    const args = ['train'];
    const expected: Record<string, unknown> = {};
    for (const [name, s] of settings()) {
      const text = goodText(s);
      args.push(`--${flagName(name)}`, ...(text === undefined ? [] : [text]));
      expected[name] = text === undefined ? true : s.kind === 'string' ? text : Number(text);
    }
    const parsed = parseCommandLine(args);
    if (parsed.kind !== 'run') throw new Error('expected a command');
    expect(optionsFromFlags(parsed.flags)).toEqual(expected);
  });

  it('resolves the defaults, derived ones from the values they follow', () => {
    expect(resolveSettings({})).toEqual({
      tokenizer: 'char',
      config: 'tiny',
      iters: 2000,
      batch: 12,
      lr: 1e-3,
      minLr: 1e-4,
      warmup: 100,
      weightDecay: 0.1,
      gradClip: 1,
      evalInterval: 100,
      evalIters: 10,
      logInterval: 10,
      seed: 1337,
    });
    expect(resolveSettings({ lr: 0.02, iters: 50 })).toMatchObject({ minLr: 0.002, warmup: 5 });
    expect(resolveSettings({ lr: 0.02, minLr: 0, warmup: 7 })).toMatchObject({ minLr: 0, warmup: 7 });
  });

  it('gives the library the same checks as the flags, and no CLI-only option', async () => {
    for (const name of TRAIN_OPTION_NAMES) {
      const s: Setting = TRAIN_SETTINGS[name];
      const wrong = s.kind === 'string' ? 5 : s.kind === 'boolean' ? 'yes' : 'x';
      await expect(train({ [name]: wrong }), name).rejects.toThrow(
        new RegExp(`^--${flagName(name)} must be .*, got ${wrong}$`),
      );
    }
    await expect(train({ lr: -1 })).rejects.toThrow(/^--lr must be a number ≥ 0, got -1$/);
    await expect(train({ warmup: 1.5 })).rejects.toThrow(/^--warmup must be an integer/);
    await expect(train({ sampleTokens: 5 } as never)).rejects.toThrow("train: unknown option 'sampleTokens'");
    await expect(train({ resume: true, overwrite: true })).rejects.toThrow(/choose one/);
  });

  it('matches the resume table of the README, row by row', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const section = readme.slice(readme.indexOf('## Resuming'));
    const row = (start: string) => {
      const line = section.split('\n').find((l) => l.startsWith(`| ${start}`));
      if (!line) throw new Error(`no README row '${start}'`);
      return line.split('|')[2];
    };
    const flags = (cell: string) => [...cell.matchAll(/`(--[a-z-]+)/g)].map((m) => m[1]).sort();
    const ruled = (rule: Setting['resume']) =>
      settings()
        .filter(([, s]) => s.resume === rule)
        .map(([n]) => `--${flagName(n)}`)
        .sort();
    expect(flags(row('may change'))).toEqual(ruled('may-change'));
    expect(flags(row('fixed'))).toEqual(ruled('fixed'));
    expect(row('fixed')).toContain('the text');
    expect(flags(row('for this invocation only'))).toEqual(ruled('this-run'));
    expect(ruled('text')).toEqual(['--data', '--encoding']);
    expect(RUN_SETTING_NAMES.map(flagName).sort()).toEqual(
      [...ruled('fixed'), ...ruled('may-change')].map((f) => f.slice(2)).sort(),
    );
  });
});

/** Random run settings within each setting's bounds, from the table. */
const runSettings = fc.record(
  Object.fromEntries(
    RUN_SETTING_NAMES.map((name) => {
      const s: Setting = TRAIN_SETTINGS[name];
      if (s.kind === 'string') return [name, fc.string()];
      if (s.kind === 'integer')
        return [name, fc.integer({ min: s.min ?? 0, max: Math.min(s.max ?? 2 ** 31, 2 ** 31) })];
      return [name, fc.double({ min: s.min ?? -1e6, max: 1e6, noNaN: true }).map((v) => v + 0)];
    }),
  ),
);

/** A saved trainer state (as JSON data) with the given settings. */
function stateWith(settings: unknown): Record<string, unknown> {
  return {
    iter: 3,
    dataRng: { s: [1, 2, 3, 4], spareNormal: null },
    modelRng: { s: [5, 6, 7, 8], spareNormal: 0.5 },
    bestValLoss: 2.5,
    elapsed: 1.25,
    settings,
    chosen: ['lr', 'seed'],
    data: { location: 'built-in', encoding: 'utf-8', bytes: 10, sha256: 'ab' },
  };
}

describe('the saved trainer state', () => {
  it('round-trips every run setting, whatever its value within bounds (property)', () => {
    fc.assert(
      fc.property(runSettings, (settings) => {
        const saved = JSON.stringify(stateWith(settings));
        const read = decodeTrainerState(saved, 'x.safetensors');
        expect(read).toEqual(stateWith(settings));
        expect(encodeTrainerState(read)).toBe(saved);
      }),
    );
  });

  it('names the field and the file of a value of the wrong type, a value out of bounds or a missing one', () => {
    const path = 'runs/a/training-state.safetensors';
    const refused = (state: unknown, pattern: RegExp) => {
      let error: unknown;
      try {
        decodeTrainerState(JSON.stringify(state), path);
      } catch (e) {
        error = e;
      }
      expect(error, JSON.stringify(state)).toBeInstanceOf(UserError);
      const message = (error as Error).message;
      expect(message).toContain(`the trainer state in ${path} is not one tiny-gpt wrote: `);
      expect(message).toMatch(pattern);
      expect(message).not.toContain('\n');
    };
    for (const name of RUN_SETTING_NAMES) {
      const s: Setting = TRAIN_SETTINGS[name];
      const wrong = s.kind === 'string' ? 5 : '5';
      refused(
        stateWith({ ...resolveSettings({}), [name]: wrong }),
        new RegExp(`settings\\.${name} must be .*, got ${JSON.stringify(wrong)}`),
      );
      const { [name]: _, ...rest } = resolveSettings({});
      refused(stateWith(rest), new RegExp(`settings\\.${name} is missing`));
    }
    refused(stateWith({ ...resolveSettings({}), batch: 0 }), /settings\.batch must be an integer ≥ 1, got 0/);
    refused(stateWith('lots'), /settings must be an object, got "lots"/);
    refused(
      { ...stateWith(resolveSettings({})), iter: '3' },
      /iter must be a whole number of iterations, got "3"/,
    );
    refused(
      { ...stateWith(resolveSettings({})), dataRng: { s: [1, 2, 3] } },
      /dataRng\.s must be four unsigned 32-bit integers/,
    );
    refused(
      { ...stateWith(resolveSettings({})), chosen: ['lr', 'out'] },
      /chosen must list only .*, got "out"/,
    );
    refused(
      { ...stateWith(resolveSettings({})), data: { location: 'built-in' } },
      /data\.encoding must be a string, got nothing/,
    );
    refused(
      { ...stateWith(resolveSettings({})), bestValLoss: 'low' },
      /bestValLoss must be a number or null/,
    );
  });

  it('saves every run setting a run chose, and reads it back from the checkpoint', async () => {
    const dir = tempDir();
    const out = join(dir, 'run');
    const chosen = {
      tokenizer: 'char',
      config: smallConfig(dir),
      iters: 3,
      batch: 2,
      lr: 0.002,
      minLr: 0.0003,
      warmup: 1,
      weightDecay: 0.05,
      gradClip: 0.5,
      evalInterval: 3,
      evalIters: 1,
      logInterval: 2,
      seed: 11,
    } satisfies RunSettings;
    await train({ ...chosen, out, backend: 'cpu' });
    const state = await readTrainerState(out, await loadRunFiles(out));
    expect(state.settings).toEqual(chosen);
    expect([...state.chosen].sort()).toEqual([...RUN_SETTING_NAMES].sort());
    expect(FIXED_SETTING_NAMES).toEqual(['tokenizer', 'config', 'batch', 'seed']);
  });
});
