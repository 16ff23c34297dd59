// The training worker: the wasm backend with threads, an MLP on two spirals, progress to the page.
// Threads start here rather than on the page because a product waits for its threads with
// Atomics.wait, which a browser's main thread may not do.
import {
  enableThreads,
  PARALLEL_MIN_MACS,
  threadCount,
  threadSupport,
  wasmBackend,
  wasmFeatures,
} from '@dendrite/backend-wasm';
import { crossEntropy, DataLoader, MLP, TensorDataset } from '@dendrite/nn';
import { AdamW } from '@dendrite/optim';
import { Generator, setBackend, tidy } from '@dendrite/tensor';
import type { WorkerMessage } from './protocol.js';
import { spirals } from './spiral.js';

const EPOCHS = 30;
const BATCH = 256;
const WIDTH = 256;

const send = (message: WorkerMessage) => postMessage(message);

async function train(): Promise<void> {
  setBackend(wasmBackend); // new tensors live in WebAssembly memory from here on
  // One fewer than the cores (the calling thread works too), and at least one.
  const workers = await enableThreads(Math.max(1, navigator.hardwareConcurrency - 1));
  send({ kind: 'threads', isolated: crossOriginIsolated, workers, reason: threadSupport().reason });

  const { x, y } = spirals(256, new Generator(1));
  const model = new MLP(2, [WIDTH, WIDTH, 2], { generator: new Generator(0) });
  const loader = new DataLoader(new TensorDataset(x, y), {
    batchSize: BATCH,
    shuffle: true,
    generator: new Generator(3),
  });
  const optimizer = new AdamW(model.parameters(), { lr: 0.005, weightDecay: 0 });
  const losses: number[] = [];
  for (let epoch = 1; epoch <= EPOCHS; epoch++) {
    let total = 0;
    for (const [xb, yb] of loader) {
      optimizer.zeroGrad();
      total += tidy(() => {
        const loss = crossEntropy(model.forward(xb), yb); // the hidden layer's product: BATCH·WIDTH·WIDTH
        loss.backward();
        return loss.itemSync();
      });
      optimizer.step();
    }
    losses.push(total / loader.length);
    send({ kind: 'epoch', epoch, epochs: EPOCHS, loss: losses.at(-1)! });
  }
  model.eval().requiresGrad_(false); // inference only: frozen weights record no graph
  const predicted = tidy(() => model.forward(x).argmax(1).dataSync());
  const labels = y.dataSync();
  const accuracy = predicted.filter((p, i) => p === labels[i]).length / labels.length;
  send({
    kind: 'done',
    result: {
      isolated: crossOriginIsolated,
      workers: threadCount(),
      threads: threadCount() + 1,
      reason: threadSupport().reason,
      backend: x.backend.name,
      sharedMemory: wasmFeatures().sharedMemory,
      largestProduct: BATCH * WIDTH * WIDTH,
      parallelMin: PARALLEL_MIN_MACS,
      losses,
      accuracy,
    },
  });
}

train().catch((err: unknown) => send({ kind: 'error', message: String((err as Error)?.stack ?? err) }));
