// `pnpm bench` of @dendrite/backend-wasm, in one run: the products at the baby GPT's shapes and
// N = 128…1024 on one thread and on every core, with the thread pool's hand-off
// (gpt-shapes.bench.mjs); every CPU path's square products (matmul.bench.mjs); where each op
// starts to gain from SIMD (small-ops.bench.mjs); then, in a checkout of the repository, the baby
// GPT's training step — ms/iteration, tokens/s, where a step's time goes — and the PyTorch anchor
// (tooling/bench/src/gpt-step.mjs, skipped with a note where it is missing). Report only.
// `node bench/run.mjs [--quick]` (--quick: a smaller run a reviewer can wait for, about a minute on
// an idle 2-core machine).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const quick = process.argv.includes('--quick') ? ['--quick'] : [];
const steps = [
  ['products at the baby GPT shapes, square products, the hand-off', join(here, 'gpt-shapes.bench.mjs')],
  ['every CPU path, square products', join(here, 'matmul.bench.mjs')],
  ['small ops: TypeScript against SIMD', join(here, 'small-ops.bench.mjs')],
  [
    'the baby GPT step and the PyTorch anchor',
    join(here, '..', '..', '..', 'tooling', 'bench', 'src', 'gpt-step.mjs'),
  ],
];
let failed = 0;
for (const [title, file] of steps) {
  console.log(`\n# ${title}\n`);
  if (!existsSync(file)) {
    console.log(`(skipped: ${file} is not here — it lives in the repository's tooling/)`);
    continue;
  }
  const run = spawnSync(process.execPath, [file, ...quick], { stdio: 'inherit' });
  if (run.status !== 0) failed++;
}
if (failed) process.exitCode = 1;
