// Matrix-product GFLOPS of every CPU path, measured in one run: the TypeScript reference kernel
// (cpuBackend) and the WebAssembly SIMD kernel (wasmBackend), beside a naive i-k-j loop.
// Report only; run with `pnpm --filter @dendrite/backend-wasm bench` after a build (`--quick`: N ≤ 256).
import { arch, cpus, platform } from 'node:os';
import { disableThreads, enableThreads, wasmBackend } from '@dendrite/backend-wasm';
import { matmul, randn } from '@dendrite/tensor';

function naive(a, b, c, n) {
  c.fill(0);
  for (let i = 0; i < n; i++)
    for (let k = 0; k < n; k++) {
      const x = a[i * n + k];
      for (let j = 0; j < n; j++) c[i * n + j] += x * b[k * n + j];
    }
}

function median(fn, minMs = 400) {
  fn();
  const times = [];
  const start = performance.now();
  while (times.length < 3 || (performance.now() - start < minMs && times.length < 50)) {
    const t = performance.now();
    fn();
    times.push(performance.now() - t);
  }
  times.sort((x, y) => x - y);
  return times[Math.floor(times.length / 2)];
}

console.log(
  `machine: ${cpus()[0]?.model ?? '?'} × ${cpus().length}, ${platform()} ${arch()}, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}`,
);
const threads = await enableThreads();
await disableThreads();
console.log(
  `| N | naive i-k-j | cpuBackend (TypeScript) | wasmBackend, 1 thread | wasmBackend, ${threads + 1} threads | best wasm / TS |`,
);
console.log('| --- | --- | --- | --- | --- | --- |');
const quick = process.argv.includes('--quick');
for (const n of quick ? [128, 256] : [128, 256, 512, 1024]) {
  const flops = 2 * n * n * n;
  const a = randn([n, n]);
  const b = randn([n, n]);
  const ad = a.dataSync();
  const bd = b.dataSync();
  const c = new Float32Array(n * n);
  const tNaive = median(() => naive(ad, bd, c, n));
  const tCpu = median(() => matmul(a, b).dispose());
  const aw = a.to(wasmBackend);
  const bw = b.to(wasmBackend);
  const tWasm = median(() => matmul(aw, bw).dispose());
  await enableThreads();
  const tThreads = median(() => matmul(aw, bw).dispose());
  await disableThreads();
  const g = (t) => (flops / t / 1e6).toFixed(2);
  console.log(
    `| ${n} | ${g(tNaive)} | ${g(tCpu)} | ${g(tWasm)} | ${g(tThreads)} | ${(tCpu / Math.min(tWasm, tThreads)).toFixed(1)}× |`,
  );
}
console.log('(GFLOPS; median of repeated single calls)');
