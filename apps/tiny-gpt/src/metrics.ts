/**
 * A run's metrics: one JSON line per logged iteration in `metrics.jsonl`, and the loss curves
 * drawn from them in `loss.svg`. Before a run's first checkpoint its metrics stay in memory (the
 * folder is not the run's yet); from then on each entry is appended as it is logged.
 */
import { appendFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FILES, writeAtomic } from './checkpoint.js';
import { withFsErrors } from './errors.js';
import { lossCurveSVG } from './plot.js';
import type { Reporter } from './reporter.js';

/** One logged iteration: `iter`, `loss`, `lr`, `tokensPerSec`, `elapsed`, and at evaluations `trainLoss`, `valLoss`. */
export type MetricsEntry = Record<string, number>;

function historyText(history: readonly MetricsEntry[]): string {
  return history.map((h) => `${JSON.stringify(h)}\n`).join('');
}

function isEntry(value: unknown): value is MetricsEntry {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    typeof Object.getOwnPropertyDescriptor(value, 'iter')?.value === 'number'
  );
}

/**
 * The metrics logged up to `iter` (lines past it belong to work lost after the checkpoint). A
 * line that is not a JSON object with an `iter` (an append cut off by a kill) is dropped with a
 * note; the file is rewritten without it.
 */
async function readHistory(path: string, iter: number, reporter: Reporter): Promise<MetricsEntry[]> {
  let text = '';
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return [];
  }
  const entries: MetricsEntry[] = [];
  let dropped = 0;
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    let entry: unknown;
    try {
      entry = JSON.parse(line);
    } catch {
      dropped++;
      continue;
    }
    if (!isEntry(entry)) {
      dropped++;
      continue;
    }
    if (entry.iter <= iter) entries.push(entry);
  }
  if (dropped > 0) reporter.log(`${path}: dropped ${dropped} unreadable line(s) (a write cut off by a kill)`);
  return entries;
}

/** The metrics of a run being trained: in memory until committed, then appended as logged. */
export class MetricsLog {
  private constructor(
    private readonly dir: string,
    /** Every entry logged so far (of this run, across resumes). */
    readonly history: MetricsEntry[],
    private committed: boolean,
  ) {}

  /** The file's path. */
  get path(): string {
    return join(this.dir, FILES.metrics);
  }

  /**
   * A new run's log (in memory), or a resumed run's: its file read up to `iter` and rewritten
   * without the lines past it.
   */
  static async open(dir: string, resumed: boolean, iter: number, reporter: Reporter): Promise<MetricsLog> {
    if (!resumed) return new MetricsLog(dir, [], false);
    const log = new MetricsLog(dir, [], true);
    log.history.push(...(await readHistory(log.path, iter, reporter)));
    await writeAtomic(log.path, historyText(log.history));
    return log;
  }

  /** Logs an entry (appended to the file once the run is committed). */
  async add(entry: MetricsEntry): Promise<void> {
    this.history.push(entry);
    if (this.committed)
      await withFsErrors('write', this.path, () => appendFile(this.path, `${JSON.stringify(entry)}\n`));
  }

  /** At the run's first checkpoint: writes what was kept in memory; later entries are appended. */
  async commit(): Promise<void> {
    if (this.committed) return;
    await writeAtomic(this.path, historyText(this.history));
    this.committed = true;
  }

  /** Rewrites `loss.svg`: the batch loss, the evaluated train loss and the validation loss. */
  async writePlot(): Promise<void> {
    const history = this.history;
    const svg = lossCurveSVG(
      [
        {
          label: 'train (batch)',
          color: '#93c5fd',
          points: history.map((h) => ({ iter: h.iter, loss: h.loss })),
        },
        {
          label: 'train (eval)',
          color: '#1d4ed8',
          points: history
            .filter((h) => h.trainLoss !== undefined)
            .map((h) => ({ iter: h.iter, loss: h.trainLoss })),
        },
        {
          label: 'validation',
          color: '#dc2626',
          points: history
            .filter((h) => h.valLoss !== undefined)
            .map((h) => ({ iter: h.iter, loss: h.valLoss })),
        },
      ],
      'tiny-gpt: loss',
    );
    await writeAtomic(join(this.dir, FILES.plot), svg);
  }
}
