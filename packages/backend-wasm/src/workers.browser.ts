/**
 * `#workers` outside Node (the `default` condition: browsers, and any bundle not built for Node):
 * kernel workers as Web Workers started from a Blob URL, so the package needs no separate worker
 * file to be served. Nothing here imports a Node module.
 */
import type { KernelWorker, WorkerPlatform } from './workers.js';

export const platform: WorkerPlatform = {
  name: 'browser',
  coreCount: () => (typeof navigator !== 'undefined' ? navigator.hardwareConcurrency || 1 : 1),
  unflagRelaxedSimd: () => false, // a page cannot set engine flags (Chrome has it on since 114)
  spawn(count, init, loop) {
    const source = `${loop}
self.onmessage = (e) => serve(e.data, () => self.postMessage('ready'));
`;
    const url = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
    let workers: KernelWorker[] = [];
    try {
      workers = Array.from({ length: count }, (_, id): KernelWorker => {
        const w = new Worker(url);
        const ready = new Promise<void>((resolve, reject) => {
          w.onmessage = () => resolve();
          w.onerror = (e) => reject(new Error(e.message || 'a worker failed to start'));
        });
        w.postMessage({ ...init, id });
        return {
          ready,
          watch(onDead) {
            w.onerror = (e) => onDead(e.message || 'a worker failed');
          },
          unref() {},
          terminate: async () => w.terminate(),
        };
      });
      return workers;
    } finally {
      // A worker has fetched the script by the time it answers (or fails): revoke once all have, not
      // after a fixed delay, which a slow or busy machine can outlast.
      void Promise.allSettled(workers.map((w) => w.ready)).then(() => URL.revokeObjectURL(url));
    }
  },
};
