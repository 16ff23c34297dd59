// The page: starts the training worker and shows what it reports. The page itself computes nothing.
import type { WorkerMessage } from './protocol.js';

const $ = (id: string) => document.getElementById(id)!;
const status = $('status');

$('isolated').textContent = crossOriginIsolated
  ? 'yes'
  : 'no: serve the page with COOP/COEP headers (npm run serve does)';

const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
worker.onmessage = (event: MessageEvent<WorkerMessage>) => {
  const m = event.data;
  if (m.kind === 'threads') {
    $('threads').textContent =
      m.workers > 0 ? `${m.workers + 1} (this worker and ${m.workers} kernel thread(s))` : `1 (${m.reason})`;
  } else if (m.kind === 'epoch') {
    $('progress').textContent = `epoch ${m.epoch} of ${m.epochs}, loss ${m.loss.toFixed(4)}`;
  } else if (m.kind === 'done') {
    const { losses, accuracy } = m.result;
    status.textContent = `Done: loss ${losses[0].toFixed(4)} → ${losses.at(-1)!.toFixed(4)}, accuracy ${(100 * accuracy).toFixed(1)}%.`;
    // What a test (or another script) can wait for: the state attribute and the result beside it.
    status.dataset.result = JSON.stringify(m.result);
    status.dataset.state = 'done';
  } else {
    status.textContent = `Training failed: ${m.message}`;
    status.dataset.state = 'error';
    console.error(m.message);
  }
};
worker.onerror = (event) => {
  status.textContent = `The worker failed: ${event.message}`;
  status.dataset.state = 'error';
};
