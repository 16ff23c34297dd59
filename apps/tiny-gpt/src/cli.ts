import { resolve } from 'node:path';
import { DendriteError } from '@dendrite/tensor';
import { resolveBackend } from './backends.js';
import { benchTraining, profileStep } from './bench.js';
import { EXIT, UserError } from './errors.js';
import { evaluateCheckpoint } from './evaluate.js';
import { COMMANDS, type CommandName, type FlagValue, helpText, parseCommandLine } from './flags.js';
import { exportRun, importRun } from './interop.js';
import { prepare } from './prepare.js';
import { defaultReporter } from './reporter.js';
import { continueText, sampleText } from './sample.js';
import { optionsFromFlags, TRAIN_SETTINGS } from './settings.js';
import { countStep } from './step-counts.js';
import { train } from './train.js';

/** The version `tiny-gpt --version` prints. */
export const VERSION = '0.1.0';

async function writeStream(chunks: AsyncIterable<string>): Promise<void> {
  for await (const chunk of chunks) process.stdout.write(chunk);
  process.stdout.write('\n');
}

type Flags = Record<string, FlagValue>;
const str = (f: Flags, name: string) => f[name] as string | undefined;
const num = (f: Flags, name: string) => f[name] as number | undefined;

/**
 * Ctrl-C (or SIGTERM) while training: the first asks the trainer to stop after the current
 * iteration with a checkpoint; a second one quits at once (the lock is released on exit, and the
 * previous checkpoint is intact).
 */
function interruptible(): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const onSignal = (name: NodeJS.Signals) => {
    if (controller.signal.aborted) process.exit(EXIT.interrupted);
    process.stderr.write(
      `\ntiny-gpt: ${name}: stopping after this iteration with a checkpoint (again to quit at once)\n`,
    );
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    signal: controller.signal,
    dispose() {
      process.removeListener('SIGINT', onSignal);
      process.removeListener('SIGTERM', onSignal);
    },
  };
}

async function runTrain(f: Flags): Promise<void> {
  const { sampleTokens = TRAIN_SETTINGS.sampleTokens.default, ...options } = optionsFromFlags(f);
  const reporter = defaultReporter();
  const interrupt = interruptible();
  let result: Awaited<ReturnType<typeof train>>;
  try {
    result = await train({ ...options, signal: interrupt.signal }, reporter);
  } finally {
    interrupt.dispose();
  }
  const why = {
    iters: 'done',
    'max-time': 'time limit reached',
    'stop-after': 'stopped as asked',
    interrupted: 'interrupted',
  }[result.stoppedBy];
  console.log(
    `\n${why} at iteration ${result.iter}: val loss ${result.finalValLoss?.toFixed(4) ?? '—'}; checkpoint in ${resolve(options.out ?? TRAIN_SETTINGS.out.default)}`,
  );
  if (result.stoppedBy === 'interrupted') {
    process.exitCode = EXIT.interrupted;
    return;
  }
  if (sampleTokens > 0) {
    console.log(`\n--- sample (${sampleTokens} tokens, temperature 0.8) ---`);
    result.model.eval();
    await writeStream(continueText(result.model, result.tokenizer, { tokens: sampleTokens, prompt: '\n' }));
  }
}

async function runSample(f: Flags): Promise<void> {
  await writeStream(
    sampleText({
      ckpt: str(f, 'ckpt') ?? 'runs/tiny',
      prompt: str(f, 'prompt'),
      tokens: num(f, 'tokens'),
      temperature: num(f, 'temperature'),
      topK: num(f, 'top-k'),
      topP: num(f, 'top-p'),
      seed: num(f, 'seed'),
    }),
  );
}

async function runEval(f: Flags): Promise<void> {
  const data = str(f, 'data');
  if (data === undefined) throw new UserError('eval needs --data <file>');
  const r = await evaluateCheckpoint({
    ckpt: str(f, 'ckpt') ?? 'runs/tiny',
    data,
    encoding: str(f, 'encoding'),
  });
  console.log(`loss ${r.loss.toFixed(4)} | perplexity ${r.perplexity.toFixed(2)} | ${r.tokens} tokens`);
}

async function runExport(f: Flags): Promise<void> {
  const out = str(f, 'out');
  if (out === undefined) throw new UserError('export needs --out <dir>');
  const ckpt = str(f, 'ckpt') ?? 'runs/tiny';
  const format = str(f, 'format') as Parameters<typeof exportRun>[0]['format'];
  const dataset = str(f, 'dataset');
  if (dataset !== undefined && format !== 'nanogpt-ckpt') {
    throw new UserError(`--dataset is for --format nanogpt-ckpt, not ${format}`);
  }
  const r = await exportRun({ ckpt, format, out, dataset, overwrite: f.overwrite === true });
  console.log(`exported ${ckpt} (iteration ${r.iter}) as ${format}: ${r.files.join(', ')}`);
  if (r.nanoGPT) {
    const { dataset: name, optimizer, meta } = r.nanoGPT;
    console.log(
      `nanoGPT: python sample.py --init_from=resume --out_dir=${out}${meta ? ` (with meta.pkl copied to data/${name}/meta.pkl)` : ''}; ` +
        (optimizer
          ? "train.py --init_from=resume continues with this run's AdamW state"
          : 'no AdamW state of this iteration in the run folder, so train.py cannot --init_from=resume from it'),
    );
  }
}

async function runImport(f: Flags): Promise<void> {
  const from = str(f, 'from');
  if (from === undefined) throw new UserError('import needs --from <dir>');
  const out = str(f, 'out') ?? 'runs/imported';
  const r = await importRun({
    from,
    out,
    format: str(f, 'format') as Parameters<typeof importRun>[0]['format'],
    tokenizer: str(f, 'tokenizer'),
    overwrite: f.overwrite === true,
  });
  console.log(`imported ${from} (${r.format}, iteration ${r.iter}) into ${out}`);
}

async function runPrepare(dataset: string, f: Flags): Promise<void> {
  const r = await prepare(dataset, { out: str(f, 'out'), url: str(f, 'url') });
  console.log(`wrote ${r.path} (${r.bytes.toLocaleString('en-US')} bytes)`);
}

/** The backends `bench` and `train` accept. */
async function runBench(f: Flags): Promise<void> {
  const names = (str(f, 'backends') ?? 'cpu,wasm').split(',').filter(Boolean);
  if (names.length === 0) throw new UserError('--backends needs at least one backend name');
  const backends = [];
  for (const name of names) backends.push({ name, backend: await resolveBackend(name) }); // all checked first
  const summary: string[] = [];
  for (const { name, backend } of backends) {
    console.log(`\n## ${name}\n`);
    const r = await benchTraining({ iters: num(f, 'iters'), data: str(f, 'data'), backend });
    const profile = profileStep({ backend });
    console.log(`\nwhere a step's ${profile.msPerStep.toFixed(0)} ms go (${name}, 5 steps):`);
    for (const [part, ms] of Object.entries(profile.parts).sort((a, b) => b[1] - a[1])) {
      console.log(
        `  ${part.padEnd(42)} ${ms.toFixed(1).padStart(8)} ms  ${((100 * ms) / profile.msPerStep).toFixed(0).padStart(3)}%`,
      );
    }
    const perStep = await countStep({ backend });
    if (perStep) {
      console.log(
        `\nper compiled step (${name}, baby, batch 12): ${perStep.dispatches} launches, ${perStep.uploads} uploads, ${perStep.reads} reads`,
      );
    }
    summary.push(
      `| ${name} | ${r.msPerIter.toFixed(0)} | ${Math.round(r.tokensPerSec)} | ${r.valLoss.toFixed(3)} |`,
    );
  }
  console.log('\n| backend | ms/iteration (mean) | tokens/s | val loss |\n| --- | --- | --- | --- |');
  for (const row of summary) console.log(row);
}

const RUNNERS: Record<CommandName, (positionals: string[], flags: Flags) => Promise<void>> = {
  train: (_, f) => runTrain(f),
  sample: (_, f) => runSample(f),
  eval: (_, f) => runEval(f),
  export: (_, f) => runExport(f),
  import: (_, f) => runImport(f),
  prepare: ([dataset], f) => runPrepare(dataset, f),
  bench: (_, f) => runBench(f),
};

/** Is this error the user's to fix (one line, exit 2/3) rather than a bug (stack trace, exit 1)? */
function isUserError(err: unknown): err is Error {
  return err instanceof UserError || err instanceof DendriteError;
}

/**
 * Runs the CLI. User mistakes print one line, `tiny-gpt: error: …`, and exit 2 (3 when training
 * diverged); bugs print a stack trace and exit 1. See {@link EXIT}.
 */
export async function main(argv: string[] = process.argv): Promise<void> {
  try {
    const parsed = parseCommandLine(argv.slice(2));
    if (parsed.kind === 'help') {
      process.stdout.write(`${helpText(parsed.command)}\n`);
      return;
    }
    if (parsed.kind === 'version') {
      process.stdout.write(`tiny-gpt ${VERSION}\n`);
      return;
    }
    await RUNNERS[parsed.command](parsed.positionals, parsed.flags);
  } catch (err) {
    if (isUserError(err)) {
      const line = err.message.replace(/\s*\n\s*/g, ' ');
      process.stderr.write(`tiny-gpt: error: ${line}\n`);
      process.exitCode = err instanceof UserError ? err.exitCode : EXIT.usage;
    } else {
      const e = err as Error;
      process.stderr.write(
        `tiny-gpt: internal error (a bug in tiny-gpt; please report it with this trace):\n${e?.stack ?? String(err)}\n`,
      );
      process.exitCode = EXIT.bug;
    }
  }
}

export { COMMANDS };

const isEntry = process.argv[1] && /cli\.(js|ts|mjs)$/.test(process.argv[1]);
if (isEntry) await main();
