import { existsSync } from 'node:fs';
import { arch, cpus, platform } from 'node:os';
import { fileURLToPath } from 'node:url';
import { noGrad } from '@dendrite/autograd';
import { GPT, presetConfig } from '@dendrite/gpt';
import { AdamW, clipGradNorm, decayGroups } from '@dendrite/optim';
import { Generator, tidy } from '@dendrite/tensor';
import { CharTokenizer } from '@dendrite/tokenizer';
import { builtInCorpus } from './corpus.js';
import { TokenDataset } from './data.js';

export interface BenchOptions {
  /** Iterations to train (default 300). */
  iters?: number;
  /** Evaluate validation loss every this many iterations (default 100). */
  evalEvery?: number;
  /** Text file (default tiny Shakespeare from ../shared/data when present, else the built-in corpus). */
  data?: string;
  batch?: number;
  log?: (line: string) => void;
}

/** The shared tiny Shakespeare file, when this checkout sits next to it. */
export function findShakespeare(): string | undefined {
  const candidates = [
    process.env.DENDRITE_SHAKESPEARE,
    fileURLToPath(new URL('../../../../shared/data/tinyshakespeare.txt', import.meta.url)),
    'data/tinyshakespeare.txt',
  ];
  return candidates.find((p): p is string => typeof p === 'string' && existsSync(p));
}

/**
 * Trains nanoGPT's baby config (4 layers, 4 heads, width 128, context 64, batch 12) on the CPU
 * and reports ms/iteration, tokens/s and validation loss at fixed iterations. Report only:
 * nothing here asserts a speed.
 */
export async function benchTraining(
  options: BenchOptions = {},
): Promise<{ msPerIter: number; tokensPerSec: number; valLoss: number }> {
  const log = options.log ?? console.log;
  const { readFileSync } = await import('node:fs');
  const path = options.data ?? findShakespeare();
  const text = path ? readFileSync(path, 'utf8') : builtInCorpus();
  const iters = options.iters ?? 300;
  const evalEvery = options.evalEvery ?? 100;
  const B = options.batch ?? 12;
  const tok = CharTokenizer.fromCorpus(text);
  const config = presetConfig('baby', tok.vocabSize);
  const data = new TokenDataset(tok.encodeOrdinary(text), config.blockSize);
  const model = new GPT(config, { generator: new Generator(1337) });
  const opt = new AdamW(decayGroups(model.parameters(), 0.1), { lr: 1e-3, betas: [0.9, 0.99] });
  const rng = new Generator(1);
  const evalRng = new Generator(2);
  const valBatches = Array.from({ length: 5 }, () => data.batch('val', B, evalRng));
  const valLoss = () =>
    noGrad(
      () =>
        valBatches.reduce((s, b) => s + tidy(() => model.forward(b.x, b.y).loss!.itemSync()), 0) /
        valBatches.length,
    );
  log(
    `baby GPT (${model.numParameters().toLocaleString('en-US')} params) on ${path ?? 'the built-in corpus'}`,
  );
  log(
    `machine: ${cpus()[0]?.model ?? '?'} × ${cpus().length}, ${platform()} ${arch()}, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}`,
  );
  log('| iteration | val loss | ms/iteration (last window) | tokens/s |');
  log('| --- | --- | --- | --- |');
  log(`| 0 | ${valLoss().toFixed(3)} | — | — |`);
  let window = performance.now();
  let totalMs = 0;
  let last = { msPerIter: 0, tokensPerSec: 0, valLoss: 0 };
  for (let it = 1; it <= iters; it++) {
    tidy(() => {
      const { x, y } = data.batch('train', B, rng);
      model.forward(x, y).loss!.backward();
      clipGradNorm(model.parameters(), 1);
      opt.step();
      opt.zeroGrad();
    });
    if (it % evalEvery === 0 || it === iters) {
      const ms = (performance.now() - window) / (it % evalEvery === 0 ? evalEvery : it % evalEvery);
      totalMs += performance.now() - window;
      const v = valLoss();
      last = { msPerIter: ms, tokensPerSec: (B * config.blockSize * 1000) / ms, valLoss: v };
      log(`| ${it} | ${v.toFixed(3)} | ${ms.toFixed(0)} | ${Math.round(last.tokensPerSec)} |`);
      window = performance.now();
    }
  }
  log(
    `mean: ${(totalMs / iters).toFixed(0)} ms/iteration, ${Math.round((B * config.blockSize * iters * 1000) / totalMs)} tokens/s`,
  );
  return last;
}
