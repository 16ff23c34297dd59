// The fast CPU backend: tensors in WebAssembly memory, SIMD kernels, worker
// threads. One line switches to it; model code stays the same.
import {
  disableThreads,
  enableThreads,
  threadSupport,
  wasmBackend,
  wasmSupport,
} from '@dendrite/backend-wasm';
import { Linear, mse } from '@dendrite/nn';
import { AdamW } from '@dendrite/optim';
import {
  cpuBackend,
  getBackend,
  liveStorageCount,
  manualSeed,
  matmul,
  randn,
  setBackend,
  tidy,
} from '@dendrite/tensor';

// Can this engine run the kernels, and start threads from this thread?
console.log('wasm:', wasmSupport(), 'threads:', threadSupport().supported);

setBackend(wasmBackend); // new tensors live in WebAssembly linear memory
// Worker threads: one fewer than the cores (0 where threads are unavailable).
const threads = await enableThreads();
console.log('backend:', getBackend().name, '| threads >= 0:', threads >= 0);

// A product this size runs on the SIMD kernel, split over the threads.
manualSeed(0);
const x = randn([256, 512]);
const w = randn([512, 64]).mul(0.05);
const y = matmul(x, w); // y = x·w
console.log(y.backend.name, y.shape);

// The same numbers as the TypeScript reference, up to float32 rounding.
const reference = matmul(x.to(cpuBackend), w.to(cpuBackend));
const gap = y.to(cpuBackend).sub(reference).abs().max().itemSync();
console.log('agrees with the cpu backend:', gap < 1e-4);

// A layer learns w back from (x, y). Each step runs in tidy(): its tensors'
// blocks go back to the allocator, so memory stays flat.
const model = new Linear(512, 64, { bias: false });
const optimizer = new AdamW(model.parameters(), { lr: 0.01 });
let held = 0;
for (let step = 0; step <= 60; step++) {
  const loss = tidy(() => {
    optimizer.zeroGrad();
    const l = mse(model.forward(x), y);
    l.backward();
    optimizer.step();
    return l.detach();
  });
  if (step % 20 === 0)
    console.log(`step ${step}  loss ${loss.itemSync().toFixed(4)}`);
  loss.dispose(); // its block is free again right now
  if (step === 1) held = liveStorageCount();
}
console.log('blocks gained since step 1:', liveStorageCount() - held);

// Back to the reference backend, which the other examples on this site use.
await disableThreads();
setBackend(cpuBackend);
