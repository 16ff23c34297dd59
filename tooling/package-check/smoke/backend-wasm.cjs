// The threaded product of backend-wasm.mjs, from CommonJS: `require` must reach the same module
// (and its `#workers` import) as `import`.
const { disableThreads, enableThreads, threadSupport, wasmBackend } = require('@dendrite/backend-wasm');
const { cpuBackend, Generator, matmul, randn, setBackend } = require('@dendrite/tensor');

(async () => {
  const started = await enableThreads(1);
  if (started !== 1) throw new Error(`enableThreads(1) started ${started}: ${threadSupport().reason}`);
  try {
    setBackend(wasmBackend);
    const g = new Generator(1);
    const a = randn([64, 96], { generator: g });
    const b = randn([96, 80], { generator: g });
    const got = matmul(a, b).dataSync();
    const want = matmul(a.to(cpuBackend), b.to(cpuBackend)).dataSync();
    const err = Math.max(...got.map((v, i) => Math.abs(v - want[i]) / (1 + Math.abs(want[i]))));
    if (!(err < 1e-4)) throw new Error(`threaded product differs from the CPU backend by ${err}`);
    console.log(`require: 1 thread, error ${err.toExponential(1)}`);
  } finally {
    setBackend(cpuBackend);
    await disableThreads();
  }
})().catch((err) => {
  console.error(err);
  process.exit(1);
});
