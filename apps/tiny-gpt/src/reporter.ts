import cliProgress from 'cli-progress';

/** What the training loop reports at each logged iteration. */
export interface Progress {
  iter: number;
  total: number;
  loss: number;
  valLoss: number | null;
  lr: number;
  tokensPerSec: number;
  /** Seconds left, estimated from the recent speed. */
  eta: number;
}

/** Where progress goes: a live bar on a terminal, plain lines elsewhere (CI logs, pipes). */
export interface Reporter {
  progress(p: Progress): void;
  /** A message line that must not be overwritten by the bar. */
  log(line: string): void;
  stop(): void;
}

function fmtTime(s: number): string {
  if (!Number.isFinite(s)) return '?';
  const m = Math.floor(s / 60);
  const r = Math.round(s % 60);
  return m > 0 ? `${m}m${String(r).padStart(2, '0')}s` : `${r}s`;
}

/** A cli-progress bar: iteration, loss, val loss, tokens/s, ETA. */
export function barReporter(stream: NodeJS.WriteStream = process.stdout): Reporter {
  const bar = new cliProgress.SingleBar(
    {
      format: ' {bar} {value}/{total} | loss {loss} | val {val} | {tps} tok/s | ETA {etaText}',
      hideCursor: true,
      stream,
      clearOnComplete: false,
      barsize: 24,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    progress(p) {
      const payload = {
        loss: p.loss.toFixed(4),
        val: p.valLoss === null ? '—' : p.valLoss.toFixed(4),
        tps: Math.round(p.tokensPerSec).toLocaleString('en-US'),
        etaText: fmtTime(p.eta),
      };
      if (!started) {
        bar.start(p.total, p.iter, payload);
        started = true;
      } else {
        bar.setTotal(p.total);
        bar.update(p.iter, payload);
      }
    },
    log(line) {
      if (started) {
        stream.write('\n');
      }
      stream.write(`${line}\n`);
      if (started) bar.render();
    },
    stop() {
      if (started) bar.stop();
    },
  };
}

/** One plain line per logged iteration (no escape codes). */
export function lineReporter(
  write: (line: string) => void = (l) => process.stdout.write(`${l}\n`),
): Reporter {
  return {
    progress(p) {
      const val = p.valLoss === null ? '' : ` | val ${p.valLoss.toFixed(4)}`;
      write(
        `iter ${p.iter}/${p.total} | loss ${p.loss.toFixed(4)}${val} | lr ${p.lr.toExponential(2)} | ${Math.round(p.tokensPerSec)} tok/s | ETA ${fmtTime(p.eta)}`,
      );
    },
    log: write,
    stop() {},
  };
}

/** A silent reporter (library use, tests). */
export const quietReporter: Reporter = { progress() {}, log() {}, stop() {} };

/** The bar on a TTY, plain lines otherwise. */
export function defaultReporter(): Reporter {
  return process.stdout.isTTY && !process.env.CI ? barReporter() : lineReporter();
}
