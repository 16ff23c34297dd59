import { existsSync } from 'node:fs';
import { arch, cpus, platform } from 'node:os';
import { fileURLToPath } from 'node:url';
import { GPT, presetConfig } from '@dendrite/gpt';
import { AdamW, clipGradNorm, decayGroups } from '@dendrite/optim';
import {
  type Backend,
  cpuBackend,
  Generator,
  getOpHook,
  setBackend,
  setOpHook,
  tidy,
} from '@dendrite/tensor';
import { CharTokenizer } from '@dendrite/tokenizer';
import { backendLabel } from './backends.js';
import { builtInCorpus } from './corpus.js';
import { loadText, TokenDataset } from './data.js';
import { meanLoss } from './evaluate.js';
import { builtInRig } from './training-rig.js';

export interface BenchOptions {
  /** Iterations to train (default 300). */
  iters?: number;
  /** Evaluate validation loss every this many iterations (default 100). */
  evalEvery?: number;
  /** Text file (default tiny Shakespeare from ../shared/data when present, else the built-in corpus). */
  data?: string;
  batch?: number;
  /** Backend to train on (default: the current one). */
  backend?: Backend;
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
 * Trains nanoGPT's baby config (4 layers, 4 heads, width 128, context 64, batch 12) on a backend
 * and reports ms/iteration, tokens/s and validation loss at fixed iterations. Report only:
 * nothing here asserts a speed.
 */
export async function benchTraining(
  options: BenchOptions = {},
): Promise<{ msPerIter: number; tokensPerSec: number; valLoss: number }> {
  const log = options.log ?? console.log;
  if (options.backend) setBackend(options.backend);
  const path = options.data ?? findShakespeare();
  const text = path ? (await loadText(path)).text : builtInCorpus();
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
  const valLoss = () => meanLoss(model, valBatches);
  log(
    `baby GPT (${model.numParameters().toLocaleString('en-US')} params) on ${path ?? 'the built-in corpus'}, backend ${backendLabel(model.parameters()[0].backend)}`,
  );
  log(
    `machine: ${cpus()[0]?.model ?? '?'} × ${cpus().length}, ${platform()} ${arch()}, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}`,
  );
  log('| iteration | val loss | ms/iteration (last window) | tokens/s |');
  log('| --- | --- | --- | --- |');
  log(`| 0 | ${(await valLoss()).toFixed(3)} | — | — |`);
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
      const v = await valLoss();
      last = { msPerIter: ms, tokensPerSec: (B * config.blockSize * 1000) / ms, valLoss: v };
      log(`| ${it} | ${v.toFixed(3)} | ${ms.toFixed(0)} | ${Math.round(last.tokensPerSec)} |`);
      window = performance.now();
    }
  }
  last = {
    ...last,
    msPerIter: totalMs / iters,
    tokensPerSec: (B * config.blockSize * iters * 1000) / totalMs,
  };
  log(
    `mean: ${(totalMs / iters).toFixed(0)} ms/iteration, ${Math.round((B * config.blockSize * iters * 1000) / totalMs)} tokens/s`,
  );
  return last;
}

/** Where a training step's time goes, by kind of work (from the gap between consecutive ops). */
export interface StepProfile {
  msPerStep: number;
  /** Milliseconds per step by category. */
  parts: Record<string, number>;
}

const CATEGORY: Record<string, string> = {
  matmul: 'matmul',
  softmax: 'attention (causal softmax)',
  causalSoftmax: 'attention (causal softmax)',
  softmaxCrossEntropy: 'loss (softmax cross-entropy)',
  logSoftmax: 'loss (softmax cross-entropy)',
  gather: 'loss (softmax cross-entropy)',
  layerNorm: 'layer norm',
  gelu: 'GELU',
  gelu_tanh: 'GELU',
  indexSelect: 'embeddings',
  indexAdd: 'embeddings',
};

/**
 * Profiles `steps` training steps of the baby config: time inside the optimizer step, and the
 * forward/backward time split by the op that ended each interval (ops report through the tensor
 * core's hook, so each gap between two reports is charged to the later op). Everything else
 * (element-wise arithmetic, reshapes, autograd bookkeeping) is charged as 'other ops'.
 */
export function profileStep(
  options: { backend?: Backend; steps?: number; batch?: number } = {},
): StepProfile {
  const backend = options.backend ?? cpuBackend;
  setBackend(backend);
  const { data, model, opt, rng } = builtInRig('baby');
  const B = options.batch ?? 12;
  const steps = options.steps ?? 5;
  const parts: Record<string, number> = {};
  let last = performance.now();
  let counting = false;
  const prev = getOpHook();
  setOpHook((e) => {
    prev?.(e);
    const now = performance.now();
    if (counting) {
      const key = CATEGORY[e.op] ?? 'other ops (element-wise, views, autograd)';
      parts[key] = (parts[key] ?? 0) + (now - last);
    }
    last = performance.now();
  });
  let total = 0;
  try {
    for (let s = 0; s < steps + 2; s++) {
      counting = s >= 2;
      const t0 = performance.now();
      tidy(() => {
        const { x, y } = data.batch('train', B, rng);
        last = performance.now();
        model.forward(x, y).loss!.backward();
        const tOpt = performance.now();
        clipGradNorm(model.parameters(), 1);
        opt.step();
        opt.zeroGrad();
        if (counting)
          parts['optimizer (clip + AdamW)'] =
            (parts['optimizer (clip + AdamW)'] ?? 0) + performance.now() - tOpt;
      });
      if (counting) total += performance.now() - t0;
    }
  } finally {
    setOpHook(prev);
  }
  for (const k of Object.keys(parts)) parts[k] /= steps;
  return { msPerStep: total / steps, parts };
}
