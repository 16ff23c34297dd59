// Smoke test run against the packed, npm-installed @dendrite/backend-wasm: a threaded product in
// Node, so the package's `#workers` import (worker_threads under the `node` condition) resolves
// from the shipped files and the worker runs.
import {
  disableThreads,
  enableThreads,
  threadCount,
  threadSupport,
  wasmBackend,
} from '@dendrite/backend-wasm';
import { cpuBackend, Generator, matmul, randn, setBackend } from '@dendrite/tensor';

const started = await enableThreads(1);
if (started !== 1) throw new Error(`enableThreads(1) started ${started}: ${threadSupport().reason}`);
try {
  setBackend(wasmBackend);
  const g = new Generator(1);
  const a = randn([64, 96], { generator: g });
  const b = randn([96, 80], { generator: g });
  const got = matmul(a, b).dataSync(); // 64·96·80 multiply-adds: split over the thread
  const want = matmul(a.to(cpuBackend), b.to(cpuBackend)).dataSync();
  const err = Math.max(...got.map((v, i) => Math.abs(v - want[i]) / (1 + Math.abs(want[i]))));
  if (!(err < 1e-4)) throw new Error(`threaded product differs from the CPU backend by ${err}`);
  console.log(`import: ${threadCount()} thread, error ${err.toExponential(1)}`);
} finally {
  setBackend(cpuBackend);
  await disableThreads();
}
