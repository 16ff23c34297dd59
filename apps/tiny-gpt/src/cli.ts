import { resolve } from 'node:path';
import { DendriteError } from '@dendrite/tensor';
import { cac } from 'cac';
import { resolveBackend } from './backends.js';
import { benchTraining, profileStep } from './bench.js';
import { UserError } from './errors.js';
import { evaluateCheckpoint } from './evaluate.js';
import { prepare } from './prepare.js';
import { defaultReporter } from './reporter.js';
import { continueText, sampleText } from './sample.js';
import { type TrainOptions, train } from './train.js';

/** Flags given as numbers must be numbers: cac passes strings through when they do not parse. */
function num(name: string, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  const n = typeof value === 'number' ? value : Number(value);
  if (typeof value === 'boolean' || Number.isNaN(n))
    throw new UserError(`--${name} must be a number, got '${String(value)}'`);
  return n;
}

function str(name: string, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'boolean' || Array.isArray(value)) throw new UserError(`--${name} needs a value`);
  return String(value);
}

async function writeStream(chunks: AsyncIterable<string>): Promise<void> {
  for await (const chunk of chunks) process.stdout.write(chunk);
  process.stdout.write('\n');
}

export function buildCli() {
  const cli = cac('tiny-gpt');

  cli
    .command('train', 'Train a GPT on a text (default: the built-in corpus) and print a sample')
    .option('--data <file|url>', 'Training text: a file or an http(s) URL (default: the built-in corpus)')
    .option('--tokenizer <kind>', "Tokenizer: 'char', 'bpe' or 'bpe:N' (default: char)")
    .option(
      '--config <preset|json>',
      'Model size: tiny, baby, shakespeare-char, gpt2, or a JSON file (default: tiny)',
    )
    .option(
      '--backend <name>',
      'Compute backend: auto, wasm, cpu, gpujs, gpujs:<mode> (default: auto = wasm if available)',
    )
    .option('--iters <n>', 'Total training iterations (default: 2000)')
    .option('--max-time <seconds>', 'Stop after this many seconds (checkpointing first)')
    .option(
      '--stop-after <n>',
      'Train at most n iterations in this run, then checkpoint (continue with --resume)',
    )
    .option('--batch <n>', 'Sequences per batch (default: 12)')
    .option('--lr <rate>', 'Peak learning rate (default: 1e-3)')
    .option('--min-lr <rate>', 'Final learning rate of the cosine decay (default: lr/10)')
    .option('--warmup <n>', 'Warmup iterations (default: min(100, iters/10))')
    .option('--weight-decay <x>', 'AdamW weight decay (default: 0.1)')
    .option('--grad-clip <x>', 'Clip gradients to this global norm, 0 = off (default: 1)')
    .option('--eval-interval <n>', 'Evaluate and checkpoint every n iterations (default: 100)')
    .option('--eval-iters <n>', 'Batches per evaluation (default: 10)')
    .option('--log-interval <n>', 'Iterations between progress lines (default: 10)')
    .option('--seed <n>', 'Seed for weights, batches and dropout (default: 1337)')
    .option('--out <dir>', 'Run folder for checkpoints and logs (default: runs/tiny)')
    .option('--resume', 'Continue the run in --out exactly where it stopped')
    .option('--sample-tokens <n>', 'Characters/tokens to sample when training ends (default: 300, 0 = none)')
    .action(async (flags: Record<string, unknown>) => {
      const options: TrainOptions = {
        data: str('data', flags.data),
        tokenizer: str('tokenizer', flags.tokenizer),
        config: str('config', flags.config),
        backend: str('backend', flags.backend),
        iters: num('iters', flags.iters),
        maxTime: num('max-time', flags.maxTime),
        stopAfter: num('stop-after', flags.stopAfter),
        batch: num('batch', flags.batch),
        lr: num('lr', flags.lr),
        minLr: num('min-lr', flags.minLr),
        warmup: num('warmup', flags.warmup),
        weightDecay: num('weight-decay', flags.weightDecay),
        gradClip: num('grad-clip', flags.gradClip),
        evalInterval: num('eval-interval', flags.evalInterval),
        evalIters: num('eval-iters', flags.evalIters),
        logInterval: num('log-interval', flags.logInterval),
        seed: num('seed', flags.seed),
        out: str('out', flags.out),
        resume: flags.resume === true,
      };
      const sampleTokens = num('sample-tokens', flags.sampleTokens) ?? 300;
      const reporter = defaultReporter();
      const result = await train(options, reporter);
      const why = { iters: 'done', 'max-time': 'time limit reached', 'stop-after': 'stopped as asked' }[
        result.stoppedBy
      ];
      console.log(
        `\n${why} at iteration ${result.iter}: val loss ${result.finalValLoss?.toFixed(4) ?? '—'}; checkpoint in ${resolve(options.out ?? 'runs/tiny')}`,
      );
      if (sampleTokens > 0) {
        console.log(`\n--- sample (${sampleTokens} tokens, temperature 0.8) ---`);
        result.model.eval();
        await writeStream(
          continueText(result.model, result.tokenizer, { tokens: sampleTokens, prompt: '\n' }),
        );
      }
    });

  cli
    .command('sample', 'Generate text from a trained checkpoint, streaming to stdout')
    .option('--ckpt <dir>', 'Run folder (default: runs/tiny)')
    .option('--prompt <text>', 'Text to continue (default: a newline)')
    .option('--tokens <n>', 'Tokens to generate (default: 300)')
    .option('--temperature <t>', 'Sampling temperature; 0 = greedy (default: 0.8)')
    .option('--top-k <k>', 'Sample only from the k most likely tokens')
    .option('--top-p <p>', 'Sample from the smallest set with probability ≥ p')
    .option('--seed <n>', 'Random seed (default: 1337)')
    .action(async (flags: Record<string, unknown>) => {
      await writeStream(
        sampleText({
          ckpt: str('ckpt', flags.ckpt) ?? 'runs/tiny',
          prompt: str('prompt', flags.prompt),
          tokens: num('tokens', flags.tokens),
          temperature: num('temperature', flags.temperature),
          topK: num('top-k', flags.topK),
          topP: num('top-p', flags.topP),
          seed: num('seed', flags.seed),
        }),
      );
    });

  cli
    .command('eval', 'Loss and perplexity of a checkpoint on a text file')
    .option('--ckpt <dir>', 'Run folder (default: runs/tiny)')
    .option('--data <file|url>', 'Text to score')
    .action(async (flags: Record<string, unknown>) => {
      const data = str('data', flags.data);
      if (!data) throw new UserError('eval needs --data <file>');
      const r = await evaluateCheckpoint({ ckpt: str('ckpt', flags.ckpt) ?? 'runs/tiny', data });
      console.log(`loss ${r.loss.toFixed(4)} | perplexity ${r.perplexity.toFixed(2)} | ${r.tokens} tokens`);
    });

  cli
    .command('prepare <dataset>', 'Download a dataset (shakespeare) to a local file')
    .option('--out <file>', 'Destination (default: data/tinyshakespeare.txt)')
    .option('--url <url>', 'Download from another address')
    .action(async (dataset: string, flags: Record<string, unknown>) => {
      const r = await prepare(dataset, { out: str('out', flags.out), url: str('url', flags.url) });
      console.log(`wrote ${r.path} (${r.bytes.toLocaleString('en-US')} bytes)`);
    });

  cli
    .command(
      'bench',
      'Train the baby config on each CPU path and report ms/iteration, tokens/s, val loss and a step profile',
    )
    .option('--iters <n>', 'Iterations per backend (default: 300)')
    .option('--data <file>', 'Text (default: tiny Shakespeare when present, else the built-in corpus)')
    .option('--backends <list>', 'Comma-separated backends (default: cpu,wasm)')
    .action(async (flags: Record<string, unknown>) => {
      const names = (str('backends', flags.backends) ?? 'cpu,wasm').split(',').filter(Boolean);
      const summary: string[] = [];
      for (const name of names) {
        const backend = await resolveBackend(name);
        console.log(`\n## ${name}\n`);
        const r = await benchTraining({
          iters: num('iters', flags.iters),
          data: str('data', flags.data),
          backend,
        });
        const profile = profileStep({ backend });
        console.log(`\nwhere a step's ${profile.msPerStep.toFixed(0)} ms go (${name}, 5 steps):`);
        for (const [part, ms] of Object.entries(profile.parts).sort((a, b) => b[1] - a[1])) {
          console.log(
            `  ${part.padEnd(42)} ${ms.toFixed(1).padStart(8)} ms  ${((100 * ms) / profile.msPerStep).toFixed(0).padStart(3)}%`,
          );
        }
        summary.push(
          `| ${name} | ${r.msPerIter.toFixed(0)} | ${Math.round(r.tokensPerSec)} | ${r.valLoss.toFixed(3)} |`,
        );
      }
      console.log('\n| backend | ms/iteration (mean) | tokens/s | val loss |\n| --- | --- | --- | --- |');
      for (const row of summary) console.log(row);
    });

  cli.help();
  cli.version('0.1.0');
  return cli;
}

/** Runs the CLI; user mistakes print one line and exit 2, bugs print a stack and exit 1. */
export async function main(argv: string[] = process.argv): Promise<void> {
  const cli = buildCli();
  try {
    cli.parse(argv, { run: false });
    if (!cli.matchedCommand) {
      if (cli.args.length > 0)
        throw new UserError(`unknown command '${cli.args[0]}' (try: train, sample, eval, prepare, bench)`);
      if (!cli.options.help && !cli.options.version) cli.outputHelp();
      return;
    }
    await cli.runMatchedCommand();
  } catch (err) {
    const e = err as Error;
    const isUser = err instanceof UserError || err instanceof DendriteError || e?.name === 'CACError';
    process.stderr.write(`tiny-gpt: error: ${isUser ? e.message : (e?.stack ?? String(err))}\n`);
    process.exitCode = isUser ? 2 : 1;
  }
}

const isEntry = process.argv[1] && /cli\.(js|ts|mjs)$/.test(process.argv[1]);
if (isEntry) await main();
