/**
 * The messages between a page's code sample (RunnableCode.vue) and the Web Worker that runs it
 * (src/runnable.worker.ts). One worker per run: a fresh one starts as `node sample.ts` would (no
 * state left by an earlier run), and Stop ends a run that never finishes by terminating it.
 */
import type { RunResult, Stream } from './run-code.js';

export interface RunRequest {
  type: 'run';
  source: string;
  file: string;
}

export interface PrintedLine {
  stream: Stream;
  text: string;
}

export type RunnerMessage =
  /** Lines the sample printed. */
  | { type: 'print'; lines: PrintedLine[] }
  /** The sample's top level finished (or failed) after `ms` milliseconds. */
  | { type: 'done'; result: RunResult; ms: number };

/** The most a run shows; past it the run goes on but prints no more (a loop that prints forever). */
export const MAX_OUTPUT_LINES = 5_000;
export const MAX_OUTPUT_CHARS = 200_000;

/** The line shown where the output stops. */
export const OUTPUT_CUT = `… the output stops here: a run shows at most ${MAX_OUTPUT_LINES.toLocaleString('en-US')} lines (${MAX_OUTPUT_CHARS.toLocaleString('en-US')} characters)`;
