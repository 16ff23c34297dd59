/**
 * `#workers` under the `node` condition: kernel workers as Node worker threads. Only Node (and a
 * bundler building for Node) loads this module; browsers get workers.browser.ts.
 */
import { availableParallelism } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { Worker } from 'node:worker_threads';
import type { KernelWorker, WorkerPlatform } from './workers.js';

export const platform: WorkerPlatform = {
  name: 'node',
  coreCount: () => availableParallelism(),
  unflagRelaxedSimd() {
    // A WebAssembly feature flag is read when a module is compiled, so setting it at run time
    // takes effect for every module compiled afterwards (the kernels are compiled on first use).
    setFlagsFromString('--experimental-wasm-relaxed-simd');
    return true;
  },
  spawn(count, init, loop) {
    // The loop, then its start: the worker's source is CommonJS eval'd code (see execArgv).
    const source = `${loop}
const { workerData, parentPort } = require('node:worker_threads');
serve(workerData, () => parentPort.postMessage('ready'));
`;
    return Array.from({ length: count }, (_, id): KernelWorker => {
      const w = new Worker(source, {
        eval: true,
        // No Node flags: an inherited `--input-type=module` would make this source an ES module
        // (no `require`). V8 flags — WebAssembly features among them — are process-wide anyway.
        execArgv: [],
        workerData: { ...init, id },
      });
      const ready = new Promise<void>((resolve, reject) => {
        w.once('message', () => resolve());
        w.once('error', reject);
      });
      return {
        ready,
        watch(onDead) {
          w.on('error', (err: Error) => onDead(err.message));
          w.on('exit', () => onDead('a worker exited'));
        },
        unref: () => w.unref(),
        terminate: () => w.terminate(),
      };
    });
  },
};
