// Where each op starts to gain from WebAssembly: the TypeScript and SIMD kernels of every op with a
// SIMD kernel, timed at sizes from 1 element up in one run (bench/small-ops.ts, which reaches the
// backend's internals: bundled from source here, then run). Report only; src/limits.ts records
// the crossovers. `node bench/small-ops.bench.mjs [--quick] [--only=matmul,copy]` (names of
// src/limits.ts).
import { arch, cpus, platform } from 'node:os';
import { importBundled } from './bundle.mjs';

const { run } = await importBundled('small-ops.ts');

console.log(
  `machine: ${cpus()[0]?.model ?? '?'} × ${cpus().length}, ${platform()} ${arch()}, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}`,
);
console.log('One call of each op on the TypeScript kernel and on the SIMD kernel, both over linear memory');
console.log('(result allocated and freed): µs, the fastest of interleaved samples.\n');
const only =
  process.argv
    .find((a) => a.startsWith('--only='))
    ?.slice('--only='.length)
    .split(',') ?? null;
for (const line of run(process.argv.includes('--quick'), only)) console.log(line);
