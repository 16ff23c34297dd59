// The matrix products of the baby GPT's training step (4 layers, width 128, block 64, batch 12:
// M = 768 rows; each Linear's forward x·Wᵀ and backward g·W, gᵀ·x), square products, and the
// thread pool's hand-off, on one thread and on every core, in GFLOPS. Report only.
// `node bench/gpt-shapes.bench.mjs [--quick] [--baseline]` (--baseline: the plain SIMD build, not the relaxed one)
import { arch, cpus, loadavg, platform } from 'node:os';
import { importBundled } from './bundle.mjs';

const quick = process.argv.includes('--quick');
const { chooseBuild, gptProducts, squareProducts, timeProducts, timeHandOff } =
  await importBundled('gpt-shapes.ts');
const build = chooseBuild(process.argv.includes('--baseline'));
const minMs = quick ? 60 : 400;
const load = () =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');

console.log(
  `machine: ${cpus()[0]?.model ?? '?'} × ${cpus().length}, ${platform()} ${arch()}, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}; load average ${load()}`,
);
console.log(`kernels: the ${build} build${build === 'SIMD' ? '' : ' (--baseline: the plain SIMD one)'}`);
const hand = await timeHandOff(quick ? 100 : 400);
const asleep = await timeHandOff(quick ? 100 : 400, 0);
const us = (t) => `median ${(t.median * 1e6).toFixed(1)} µs, fastest ${(t.best * 1e6).toFixed(1)} µs`;
if (hand && asleep)
  console.log(
    `thread pool hand-off (post an empty job to every worker, wait for it): ${us(hand)} to a spinning worker; ${us(asleep)} to one that sleeps (spinMs 0)`,
  );
else console.log('thread pool hand-off: no worker threads here');

const layers = [
  ['attn qkv 128→384', 128, 384],
  ['attn proj 128→128', 128, 128],
  ['mlp fc 128→512', 128, 512],
  ['mlp proj 512→128', 512, 128],
  ['lm head 128→65', 128, 65],
];
const gpt = await timeProducts(gptProducts(768, layers), minMs);
const threads = gpt.threads + 1;
console.log(
  `\nProducts of the baby GPT's step (M = 12·64 = 768), GFLOPS, median (fastest) of repeated calls:\n`,
);
console.log(`| product | [M, K]·[K, N] | 1 thread | ${threads} threads |`);
console.log('| --- | --- | --- | --- |');
const g = (p, t) =>
  `${((2 * p.M * p.K * p.N) / t.median / 1e9).toFixed(1)} (${((2 * p.M * p.K * p.N) / t.best / 1e9).toFixed(1)})`;
let flops = 0;
let t1 = 0;
let tn = 0;
for (const { p, one, all } of gpt.rows) {
  console.log(`| ${p.name} | [${p.M}, ${p.K}]·[${p.K}, ${p.N}] | ${g(p, one)} | ${g(p, all)} |`);
  flops += 2 * p.M * p.K * p.N;
  t1 += one.median;
  tn += all.median;
}
console.log(
  `| all of them, once each | ${(flops / 1e9).toFixed(3)} GFLOP | ${(flops / t1 / 1e9).toFixed(1)} (${(t1 * 1e3).toFixed(2)} ms) | ${(flops / tn / 1e9).toFixed(1)} (${(tn * 1e3).toFixed(2)} ms) |`,
);

const sq = await timeProducts(squareProducts(quick ? [128, 256, 512] : [128, 256, 512, 1024]), minMs);
console.log(`\nSquare products N×N·N×N, GFLOPS, median (fastest):\n`);
console.log(`| N | 1 thread | ${threads} threads |`);
console.log('| --- | --- | --- |');
for (const { p, one, all } of sq.rows) console.log(`| ${p.M} | ${g(p, one)} | ${g(p, all)} |`);
console.log(`\nload average at the end: ${load()}`);
