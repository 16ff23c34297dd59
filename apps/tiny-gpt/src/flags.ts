/**
 * Every command and flag of the `tiny-gpt` CLI, in one table, and the parser that turns a command
 * line into checked values.
 *
 * The table is the single definition of a flag: its kind, its bounds, its help line. The parser,
 * `--help`, the library's option checks ({@link checkOption}) and the docs' tests all read it.
 * The `train` flags come from the train settings table (settings.ts), which defines each setting
 * once, its flag included.
 *
 * Parsing rules (GNU `getopt_long`'s, through Node's `util.parseArgs` tokenizer):
 * - a flag that takes a value takes the next argument whatever it looks like, so `--lr -1`,
 *   `--lr=-1` and `--prompt --x` all work; boolean flags take no value (`--resume=yes` is an error);
 * - values stay strings until their flag's kind says otherwise: `--out 007` is the folder `007`;
 * - numbers are decimal (`3e-4`, `.5`, `-1`), nothing else (`0x10`, `''`, `Infinity` are errors);
 *   integers must be exact, so past 2^53 they are refused;
 * - a flag given twice, an unknown flag (with the closest known one suggested) and a stray
 *   argument are errors, each one line naming what was wrong.
 */
import { parseArgs } from 'node:util';
import { UserError } from './errors.js';
import { boundsProblem, valueProblem } from './flag-check.js';
import { flagsOf } from './setting.js';
import { TRAIN_SETTINGS } from './settings.js';

/** How a flag's value is read. */
export type FlagKind = 'string' | 'number' | 'integer' | 'boolean';

/** One flag of one command. */
export interface FlagSpec {
  readonly kind: FlagKind;
  /** The value's placeholder in help (`<n>`, `<dir>`). */
  readonly value?: string;
  readonly help: string;
  /** Smallest allowed number (inclusive unless `minExclusive`). */
  readonly min?: number;
  readonly minExclusive?: boolean;
  /** Largest allowed number (inclusive). */
  readonly max?: number;
}

/** One command: its summary, positional arguments and flags. */
export interface CommandSpec {
  readonly summary: string;
  readonly positionals?: readonly { readonly name: string; readonly help: string }[];
  readonly flags: Readonly<Record<string, FlagSpec>>;
}

const seed: FlagSpec = {
  kind: 'integer',
  value: '<n>',
  min: 0,
  max: Number.MAX_SAFE_INTEGER,
  help: 'Random seed, an integer in [0, 2^53) (default: 1337)',
};

/** The CLI's commands and flags. */
export const COMMANDS = {
  train: {
    summary: 'Train a GPT on a text (default: the built-in corpus) and print a sample',
    flags: flagsOf(TRAIN_SETTINGS),
  },
  sample: {
    summary: 'Generate text from a trained checkpoint, streaming to stdout',
    flags: {
      ckpt: { kind: 'string', value: '<dir>', help: 'Run folder (default: runs/tiny)' },
      prompt: { kind: 'string', value: '<text>', help: 'Text to continue (default: a newline)' },
      tokens: { kind: 'integer', value: '<n>', min: 0, help: 'Tokens to generate (default: 300)' },
      temperature: {
        kind: 'number',
        value: '<t>',
        min: 0,
        help: 'Sampling temperature; 0 = greedy (default: 0.8)',
      },
      'top-k': { kind: 'integer', value: '<k>', min: 1, help: 'Sample only from the k most likely tokens' },
      'top-p': {
        kind: 'number',
        value: '<p>',
        min: 0,
        minExclusive: true,
        max: 1,
        help: 'Sample from the smallest set with probability ≥ p, 0 < p ≤ 1',
      },
      seed,
    },
  },
  eval: {
    summary: 'Loss and perplexity of a checkpoint on a text file',
    flags: {
      ckpt: { kind: 'string', value: '<dir>', help: 'Run folder (default: runs/tiny)' },
      data: { kind: 'string', value: '<file|url>', help: 'Text to score (required)' },
      encoding: {
        kind: 'string',
        value: '<name>',
        help: "Encoding of --data: 'utf-8' (default, strict) or 'latin1'",
      },
    },
  },
  export: {
    summary:
      "Write a run's model in nanoGPT's or Hugging Face GPT-2's layout (config.json + model.safetensors), or as nanoGPT's own ckpt.pt",
    flags: {
      ckpt: { kind: 'string', value: '<dir>', help: 'Run folder (default: runs/tiny)' },
      format: {
        kind: 'string',
        value: '<name>',
        help: "Layout: nanogpt, hf-gpt2, or nanogpt-ckpt (nanoGPT's ckpt.pt + meta.pkl) (required)",
      },
      dataset: {
        kind: 'string',
        value: '<name>',
        help: "nanogpt-ckpt: the ckpt's config['dataset'], where nanoGPT's sample.py finds meta.pkl (data/<name>/; default: --out's name)",
      },
      out: { kind: 'string', value: '<dir>', help: 'Folder to write (required; created when missing)' },
      overwrite: { kind: 'boolean', help: 'Replace an export already in --out' },
    },
  },
  import: {
    summary:
      "Make a run folder from nanoGPT's or Hugging Face GPT-2's layout or nanoGPT's ckpt.pt, for sample and eval",
    flags: {
      from: {
        kind: 'string',
        value: '<dir>',
        help: "Folder with config.json and model.safetensors, or nanoGPT's ckpt.pt (required)",
      },
      out: { kind: 'string', value: '<dir>', help: 'Run folder to write (default: runs/imported)' },
      format: {
        kind: 'string',
        value: '<name>',
        help: 'Layout: nanogpt, hf-gpt2 or nanogpt-ckpt (default: nanogpt-ckpt for a folder with ckpt.pt and no config.json, else detected from config.json)',
      },
      tokenizer: {
        kind: 'string',
        value: '<file>',
        help: "Dendrite tokenizer JSON (default: dendrite-tokenizer.json in --from, else nanoGPT's meta.pkl there)",
      },
      overwrite: { kind: 'boolean', help: 'Replace a run already in --out' },
    },
  },
  prepare: {
    summary: 'Download a dataset (shakespeare) to a local file',
    positionals: [{ name: 'dataset', help: 'the dataset: shakespeare' }],
    flags: {
      out: { kind: 'string', value: '<file>', help: 'Destination (default: data/tinyshakespeare.txt)' },
      url: { kind: 'string', value: '<url>', help: 'Download from another address' },
    },
  },
  bench: {
    summary:
      'Train the baby config on each CPU path and report ms/iteration, tokens/s, val loss and a step profile',
    flags: {
      iters: { kind: 'integer', value: '<n>', min: 1, help: 'Iterations per backend (default: 300)' },
      data: {
        kind: 'string',
        value: '<file>',
        help: 'Text (default: tiny Shakespeare when present, else the built-in corpus)',
      },
      backends: {
        kind: 'string',
        value: '<list>',
        help: 'Comma-separated backends (default: cpu,wasm)',
      },
    },
  },
} as const satisfies Record<string, CommandSpec>;

/** A command's name. */
export type CommandName = keyof typeof COMMANDS;

/** A parsed flag value. */
export type FlagValue = string | number | boolean;

/** What {@link parseCommandLine} found. */
export type ParsedCommandLine =
  | { kind: 'help'; command?: CommandName }
  | { kind: 'version' }
  | {
      kind: 'run';
      command: CommandName;
      positionals: string[];
      /** Values by flag name (kebab-case, as typed), only for flags that were given. */
      flags: Record<string, FlagValue>;
    };

const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** Reads one flag's text as its kind says; throws a {@link UserError} naming the flag. */
export function parseFlagValue(name: string, spec: FlagSpec, text: string): FlagValue {
  if (spec.kind === 'string') return text;
  if (spec.kind === 'boolean') throw new UserError(`--${name} takes no value, got '${text}'`);
  const what = spec.kind === 'integer' ? 'an integer' : 'a number';
  if (!DECIMAL.test(text)) throw new UserError(`--${name} must be ${what}, got '${text}'`);
  const value = Number(text);
  if (!Number.isFinite(value)) throw new UserError(`--${name} must be a finite number, got '${text}'`);
  if (spec.kind === 'integer') {
    if (!Number.isInteger(value)) throw new UserError(`--${name} must be an integer, got '${text}'`);
    if (!Number.isSafeInteger(value))
      throw new UserError(`--${name} must be an integer of at most 2^53 − 1 in size, got '${text}'`);
  }
  const problem = boundsProblem(spec, value);
  if (problem) throw new UserError(`--${name} ${problem}, got ${text}`);
  return value;
}

/**
 * Checks a value given to the library (not through the CLI) against the same rules as its flag;
 * `name` is the flag's name (`eval-interval`).
 */
export function checkOption(command: CommandName, name: string, value: unknown): void {
  if (value === undefined) return;
  const spec = (COMMANDS[command].flags as Record<string, FlagSpec>)[name];
  if (!spec) throw new Error(`checkOption: ${command} has no flag --${name}`);
  const problem = valueProblem(spec, value);
  if (problem) throw new UserError(`--${name} ${problem}, got ${String(value)}`);
}

/** Edit distance, for "did you mean". */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const next = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = row[j];
      row[j] = next;
    }
  }
  return row[b.length];
}

function suggestion(word: string, known: readonly string[], prefix: string): string {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(word.length / 3)) + 1;
  for (const k of known) {
    const d = distance(word, k);
    if (d < bestDistance) [best, bestDistance] = [k, d];
  }
  return best === undefined ? '' : ` (did you mean ${prefix}${best}?)`;
}

/**
 * Parses a command line (without `node` and the script): `train --lr 3e-4 --out runs/a`.
 * Throws a {@link UserError} for anything wrong, naming the flag or argument.
 */
export function parseCommandLine(args: readonly string[]): ParsedCommandLine {
  const [first, ...rest] = args;
  if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
    const topic = first === 'help' ? rest[0] : undefined;
    if (topic !== undefined && !(topic in COMMANDS)) throw unknownCommand(topic);
    return { kind: 'help', command: topic as CommandName | undefined };
  }
  if (first === '--version' || first === '-v') return { kind: 'version' };
  if (!(first in COMMANDS)) throw unknownCommand(first);
  const command = first as CommandName;
  const spec: CommandSpec = COMMANDS[command];

  const options: Record<string, { type: 'string' | 'boolean' }> = {};
  for (const [name, flag] of Object.entries(spec.flags))
    options[name] = { type: flag.kind === 'boolean' ? 'boolean' : 'string' };
  options.help = { type: 'boolean' };
  // Non-strict tokenizing: a value-taking flag takes the next argument whatever it is (`--lr -1`);
  // every check is made here, on the tokens, so each error can name its flag.
  const { tokens } = parseArgs({
    args: [...rest],
    options,
    strict: false,
    allowPositionals: true,
    tokens: true,
  });

  const flags: Record<string, FlagValue> = {};
  const positionals: string[] = [];
  let wantsHelp = false;
  for (const token of tokens) {
    if (token.kind === 'option-terminator') continue;
    if (token.kind === 'positional') {
      positionals.push(token.value);
      continue;
    }
    const { name, rawName } = token;
    if (name === 'help' || rawName === '-h') {
      wantsHelp = true;
      continue;
    }
    const flag = (spec.flags as Record<string, FlagSpec>)[name];
    if (!flag || !rawName.startsWith('--')) {
      throw new UserError(
        `unknown flag ${rawName} for '${command}'${suggestion(name, Object.keys(spec.flags), '--')} (see tiny-gpt ${command} --help)`,
      );
    }
    if (name in flags) throw new UserError(`--${name} is given more than once`);
    if (flag.kind === 'boolean') {
      if (token.value !== undefined) throw new UserError(`--${name} takes no value, got '${token.value}'`);
      flags[name] = true;
      continue;
    }
    if (token.value === undefined)
      throw new UserError(`--${name} needs a value ${flag.value ?? ''}`.trimEnd());
    flags[name] = parseFlagValue(name, flag, token.value);
  }
  if (wantsHelp) return { kind: 'help', command };
  const expected = spec.positionals ?? [];
  if (positionals.length < expected.length)
    throw new UserError(
      `${command} needs <${expected[positionals.length].name}>: ${expected[positionals.length].help}`,
    );
  if (positionals.length > expected.length)
    throw new UserError(
      `unexpected argument '${positionals[expected.length]}' for '${command}' (flags start with --; see tiny-gpt ${command} --help)`,
    );
  return { kind: 'run', command, positionals, flags };
}

function unknownCommand(name: string): UserError {
  return new UserError(
    `unknown command '${name}'${suggestion(name, Object.keys(COMMANDS), '')} (commands: ${Object.keys(COMMANDS).join(', ')})`,
  );
}

/** The `--help` text of the CLI, or of one command. */
export function helpText(command?: CommandName): string {
  if (command === undefined) {
    const width = Math.max(...Object.keys(COMMANDS).map((c) => c.length));
    return [
      'tiny-gpt: train a tiny GPT from text and sample from it',
      '',
      'Usage: tiny-gpt <command> [flags]',
      '',
      'Commands:',
      ...Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`),
      '',
      'Run `tiny-gpt <command> --help` for its flags.',
      'Exit codes: 0 done, 1 a bug in tiny-gpt, 2 a user error, 3 training diverged, 130 interrupted.',
    ].join('\n');
  }
  const spec: CommandSpec = COMMANDS[command];
  const usage = [`tiny-gpt ${command}`, ...(spec.positionals ?? []).map((p) => `<${p.name}>`), '[flags]'];
  const rows = Object.entries(spec.flags).map(([name, f]) => [
    `--${name}${f.value ? ` ${f.value}` : ''}`,
    f.help,
  ]);
  const width = Math.max(...rows.map(([left]) => left.length));
  return [
    spec.summary,
    '',
    `Usage: ${usage.join(' ')}`,
    ...(spec.positionals ?? []).map((p) => `  <${p.name}>  ${p.help}`),
    '',
    'Flags:',
    ...rows.map(([left, right]) => `  ${left.padEnd(width)}  ${right}`),
  ].join('\n');
}
