/**
 * The Web Worker that runs one code sample for the page (src/runnable-protocol.ts): the page
 * stays responsive while it runs, and Stop terminates it even inside an endless loop.
 */
import { inspect } from './inspect.js';
import { captureConsole, runCode, type Stream } from './run-code.js';
import { loadModule } from './runnable-modules.js';
import {
  MAX_OUTPUT_CHARS,
  MAX_OUTPUT_LINES,
  OUTPUT_CUT,
  type PrintedLine,
  type RunnerMessage,
  type RunRequest,
} from './runnable-protocol.js';

// The project's types are the DOM's (a worker's own lib would clash with them): this is the little
// of the worker's global scope used here.
const scope = globalThis as unknown as {
  postMessage(message: RunnerMessage): void;
  console: Console;
  addEventListener(type: 'message', listener: (event: MessageEvent<RunRequest>) => void): void;
  addEventListener(type: 'unhandledrejection', listener: (event: PromiseRejectionEvent) => void): void;
};

const post = (message: RunnerMessage) => scope.postMessage(message);

let printedChars = 0;
let printedLines = 0;

/**
 * Sends each line as it is printed (a run that prints and then loops forever still shows what it
 * printed; the page batches the lines per frame), up to MAX_OUTPUT_LINES / MAX_OUTPUT_CHARS.
 */
function print(stream: Stream, text: string): void {
  if (printedLines >= MAX_OUTPUT_LINES || printedChars >= MAX_OUTPUT_CHARS) return;
  printedLines += 1;
  printedChars += text.length + 1;
  const lines: PrintedLine[] = [{ stream, text }];
  if (printedLines >= MAX_OUTPUT_LINES || printedChars >= MAX_OUTPUT_CHARS) {
    lines.push({ stream: 'stderr', text: OUTPUT_CUT });
  }
  post({ type: 'print', lines });
}

// What the packages themselves log (a warning) shows with the sample's output.
Object.assign(scope.console, captureConsole(print));
scope.addEventListener('unhandledrejection', (event) => {
  event.preventDefault();
  print('stderr', `Unhandled promise rejection: ${inspect(event.reason)}`);
});

scope.addEventListener('message', async (event: MessageEvent<RunRequest>) => {
  if (event.data?.type !== 'run') return;
  const start = performance.now();
  const result = await runCode(event.data.source, { file: event.data.file, load: loadModule, print });
  post({ type: 'done', result, ms: performance.now() - start });
});
