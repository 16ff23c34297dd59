import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { UserError } from '../src/errors.js';
import { COMMANDS, type FlagSpec, helpText, parseCommandLine } from '../src/flags.js';

function run(...args: string[]) {
  const r = parseCommandLine(args);
  if (r.kind !== 'run') throw new Error(`expected a command, got ${r.kind}`);
  return r;
}

function fails(args: string[], pattern: RegExp) {
  let error: unknown;
  try {
    parseCommandLine(args);
  } catch (e) {
    error = e;
  }
  expect(error, `${args.join(' ')} should fail`).toBeInstanceOf(UserError);
  expect((error as Error).message).toMatch(pattern);
}

describe('the flag parser', () => {
  it('keeps string flags as strings: --out 007, --out 1e3, --prompt 0010', () => {
    expect(run('train', '--out', '007').flags.out).toBe('007');
    expect(run('train', '--out', '1e3').flags.out).toBe('1e3');
    expect(run('sample', '--prompt', '0010').flags.prompt).toBe('0010');
    expect(run('sample', '--prompt', '--not-a-flag').flags.prompt).toBe('--not-a-flag');
    expect(run('sample', '--prompt=').flags.prompt).toBe('');
  });

  it('reads negative numbers in both spellings, then checks the bounds', () => {
    fails(['train', '--lr', '-1'], /^--lr must be a number ≥ 0, got -1$/);
    fails(['train', '--lr=-1'], /^--lr must be a number ≥ 0, got -1$/);
    fails(['sample', '--seed=-1'], /^--seed must be an integer ≥ 0/);
    fails(['sample', '--seed', '-1'], /^--seed must be an integer ≥ 0/);
    expect(run('train', '--lr', '3e-4').flags.lr).toBe(3e-4);
    expect(run('train', '--lr', '.5').flags.lr).toBe(0.5);
    expect(run('train', '--batch', '1e3').flags.batch).toBe(1000);
  });

  it('refuses what is not a decimal number, fractions for integers, and integers past 2^53', () => {
    for (const bad of ['abc', '', '0x10', 'Infinity', 'NaN', '1_000', ' 1', '1e400'])
      fails(['train', '--iters', bad], /^--iters must be/);
    fails(['train', '--iters', '2.5'], /^--iters must be an integer, got '2\.5'$/);
    fails(['train', '--seed', '9007199254740992'], /^--seed must be an integer of at most 2\^53 − 1/);
    expect(run('train', '--seed', '9007199254740991').flags.seed).toBe(Number.MAX_SAFE_INTEGER);
    fails(['sample', '--top-p', '0'], /^--top-p must be a number > 0 and ≤ 1, got 0$/);
    fails(['sample', '--top-p', '1.5'], /^--top-p must be a number > 0 and ≤ 1, got 1\.5$/);
  });

  it('names unknown flags and commands, with the closest known one', () => {
    fails(['train', '--itters', '5'], /^unknown flag --itters for 'train' \(did you mean --iters\?\)/);
    fails(['train', '-x'], /^unknown flag -x for 'train'/);
    fails(['trian'], /^unknown command 'trian' \(did you mean train\?\)/);
    fails(['sample', '--out', 'x'], /^unknown flag --out for 'sample'/);
  });

  it('refuses a flag given twice, a value for a switch, a missing value and stray arguments', () => {
    fails(['train', '--lr', '1', '--lr', '2'], /^--lr is given more than once$/);
    fails(['train', '--resume=yes'], /^--resume takes no value, got 'yes'$/);
    fails(['train', '--lr'], /^--lr needs a value <rate>$/);
    fails(['train', 'extra'], /^unexpected argument 'extra' for 'train'/);
    fails(['prepare'], /^prepare needs <dataset>/);
    expect(run('prepare', 'shakespeare').positionals).toEqual(['shakespeare']);
  });

  it('has help for the CLI and for every command, listing every flag', () => {
    expect(parseCommandLine([])).toEqual({ kind: 'help', command: undefined });
    expect(parseCommandLine(['train', '--help'])).toEqual({ kind: 'help', command: 'train' });
    expect(parseCommandLine(['--version'])).toEqual({ kind: 'version' });
    for (const [name, spec] of Object.entries(COMMANDS)) {
      const text = helpText(name as keyof typeof COMMANDS);
      for (const flag of Object.keys(spec.flags)) expect(text).toContain(`--${flag}`);
    }
    expect(helpText()).toMatch(
      /Exit codes: 0 done, 1 a bug in tiny-gpt, 2 a user error, 3 training diverged/,
    );
  });
});

describe('the flag parser on random command lines (property)', () => {
  const flags = Object.entries(COMMANDS.train.flags) as [string, FlagSpec][];
  const valueFlags = flags.filter(([, f]) => f.kind !== 'boolean');

  it('a string flag gets back exactly the text it was given, in both spellings', () => {
    const stringFlags = valueFlags.filter(([, f]) => f.kind === 'string').map(([n]) => n);
    fc.assert(
      fc.property(fc.constantFrom(...stringFlags), fc.string(), fc.boolean(), (name, value, inline) => {
        const args = inline ? ['train', `--${name}=${value}`] : ['train', `--${name}`, value];
        expect(run(...args).flags[name]).toBe(value);
      }),
    );
  });

  it('a number flag is either parsed to the decimal value it spells, within its bounds, or refused with one line naming the flag', () => {
    const numberFlags = valueFlags.filter(([, f]) => f.kind !== 'string');
    const text = fc.oneof(
      fc.string(),
      fc.double().map(String),
      fc.integer().map(String),
      fc.bigInt({ min: -(2n ** 60n), max: 2n ** 60n }).map(String),
      fc.constantFrom('1e3', '-0', '+5', '.5', '5.', '1e-7', '0x1f', '1,5', 'NaN', '-Infinity', ''),
    );
    fc.assert(
      fc.property(fc.constantFrom(...numberFlags), text, ([name, spec], value) => {
        let parsed: ReturnType<typeof parseCommandLine> | undefined;
        let error: unknown;
        try {
          parsed = parseCommandLine(['train', `--${name}`, value]);
        } catch (e) {
          error = e;
        }
        if (error !== undefined) {
          expect(error).toBeInstanceOf(UserError);
          expect((error as Error).message.startsWith(`--${name} `)).toBe(true);
          expect((error as Error).message).not.toContain('\n');
          return;
        }
        const got = (parsed as { flags: Record<string, unknown> }).flags[name] as number;
        expect(/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(value)).toBe(true);
        expect(got).toBe(Number(value));
        if (spec.kind === 'integer') expect(Number.isSafeInteger(got)).toBe(true);
        if (spec.min !== undefined) expect(got >= spec.min).toBe(true);
      }),
    );
  });

  it('any mix of known flags either parses or fails with a UserError: never another exception', () => {
    const token = fc.oneof(
      fc.constantFrom(...flags.map(([n]) => `--${n}`), '--', '-h', '--help', '-', '--='),
      fc.string(),
    );
    fc.assert(
      fc.property(fc.array(token, { maxLength: 8 }), (args) => {
        try {
          parseCommandLine(['train', ...args]);
        } catch (e) {
          expect(e).toBeInstanceOf(UserError);
        }
      }),
    );
  });
});
