// Timing: warm up, then take timed samples (each a batch long enough for the clock) and report the median.

/**
 * Median seconds per call of `fn`.
 * @param {() => void} fn
 * @param {{ warmup?: number, samples?: number, minSampleMs?: number, maxMs?: number }} [options]
 *   warmup: untimed calls first (JIT, caches); samples: timed samples wanted; minSampleMs: a sample
 *   repeats `fn` until it lasts this long; maxMs: stop taking samples after this much time (at least 3).
 */
export function measure(fn, options = {}) {
  const { warmup = 2, samples = 9, minSampleMs = 25, maxMs = 2500 } = options;
  for (let i = 0; i < warmup; i++) fn();
  // How many calls make one sample last minSampleMs.
  let batch = 1;
  for (;;) {
    const t0 = performance.now();
    for (let i = 0; i < batch; i++) fn();
    const ms = performance.now() - t0;
    if (ms >= minSampleMs || batch >= 1 << 20) break;
    batch = Math.max(batch * 2, Math.ceil((batch * minSampleMs) / Math.max(ms, 0.01)));
  }
  const times = [];
  const start = performance.now();
  while (times.length < samples && (times.length < 3 || performance.now() - start < maxMs)) {
    const t0 = performance.now();
    for (let i = 0; i < batch; i++) fn();
    times.push((performance.now() - t0) / batch / 1000);
  }
  return median(times);
}

/** The middle value (mean of the two middle values for an even count). */
export function median(values) {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** A fixed pseudo-random Float32Array in [-1, 1) (xorshift32), so runs are comparable. */
export function randomArray(n, seed = 1) {
  const out = new Float32Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    out[i] = ((s >>> 0) / 4294967296) * 2 - 1;
  }
  return out;
}

/** Formats a number with `digits` significant figures, without exponent for the ranges printed here. */
export function fmt(x, digits = 3) {
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return '0';
  const p = Math.max(0, digits - 1 - Math.floor(Math.log10(Math.abs(x))));
  return x.toFixed(Math.min(p, 6));
}

/** A markdown table from a header row and data rows: first column left-aligned, the rest right-aligned, padded. */
export function table(header, rows) {
  const all = [header, ...rows];
  const widths = header.map((_, c) => Math.max(3, ...all.map((r) => r[c].length)));
  const cell = (text, c) => (c === 0 ? text.padEnd(widths[c]) : text.padStart(widths[c]));
  const line = (r) => `| ${r.map(cell).join(' | ')} |`;
  const rule = `| ${widths.map((w, c) => (c === 0 ? '-'.repeat(w) : `${'-'.repeat(w - 1)}:`)).join(' | ')} |`;
  return [line(header), rule, ...rows.map(line)].join('\n');
}
