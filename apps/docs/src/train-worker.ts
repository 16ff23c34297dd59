/**
 * The capstone's Web Worker (started by TrainGpt.vue as a module worker): the model, its optimizer
 * and the data live here, so a training step never blocks the page. The page posts commands
 * (train-protocol.ts) and draws the events this posts back.
 */
import { chapterCount, courseCorpus } from './corpus.js';
import type { TrainCommand, TrainEvent } from './train-protocol.js';
import { TrainSession } from './train-session.js';

/** The worker's global scope, typed for what it uses (the project's lib is DOM, not WebWorker). */
const scope = self as unknown as {
  postMessage(message: TrainEvent, transfer?: Transferable[]): void;
  onmessage: ((e: MessageEvent<TrainCommand>) => void) | null;
};

const session = new TrainSession(courseCorpus(), chapterCount, (event, transfer) =>
  scope.postMessage(event, transfer ?? []),
);
scope.onmessage = (e) => void session.handle(e.data);
session
  .init()
  .catch((err: unknown) =>
    scope.postMessage({ type: 'error', message: err instanceof Error ? err.message : String(err) }),
  );
