/** Tiny SVG plotting helpers for the demos (no charting library: a scale and a path). */

export interface Box {
  width: number;
  height: number;
  /** Padding inside the box, in pixels. */
  pad: number;
}

export interface Scales {
  x: (v: number) => number;
  y: (v: number) => number;
}

/** Linear scales from data ranges to a box (y grows upwards). */
export function scales(box: Box, xRange: [number, number], yRange: [number, number]): Scales {
  const [x0, x1] = xRange;
  const [y0, y1] = yRange[0] === yRange[1] ? [yRange[0] - 1, yRange[1] + 1] : yRange;
  return {
    x: (v) => box.pad + ((v - x0) / (x1 - x0 || 1)) * (box.width - 2 * box.pad),
    y: (v) => box.height - box.pad - ((v - y0) / (y1 - y0)) * (box.height - 2 * box.pad),
  };
}

/** An SVG path through the points; non-finite points break the line. */
export function linePath(xs: readonly number[], ys: readonly number[], s: Scales): string {
  let d = '';
  let pen = false;
  for (let i = 0; i < xs.length; i++) {
    if (!Number.isFinite(ys[i]) || !Number.isFinite(xs[i])) {
      pen = false;
      continue;
    }
    d += `${pen ? 'L' : 'M'}${s.x(xs[i]).toFixed(2)},${s.y(ys[i]).toFixed(2)}`;
    pen = true;
  }
  return d;
}

/** The [min, max] of finite values, widened by a margin; `fallback` when there are none. */
export function extent(
  values: readonly number[],
  margin = 0.05,
  fallback: [number, number] = [0, 1],
): [number, number] {
  const finite = values.filter(Number.isFinite);
  if (finite.length === 0) return fallback;
  const lo = Math.min(...finite);
  const hi = Math.max(...finite);
  const m = (hi - lo || Math.abs(hi) || 1) * margin;
  return [lo - m, hi + m];
}

/**
 * Round tick values covering [lo, hi]: steps of 1, 2 or 5 × 10ᵏ, about `target` of them, every
 * one inside the range. A range of zero width gets one tick.
 */
export function niceTicks(lo: number, hi: number, target = 5): number[] {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [];
  if (hi < lo) [lo, hi] = [hi, lo];
  if (hi === lo) return [lo];
  const raw = (hi - lo) / Math.max(1, target);
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power;
  const ticks: number[] = [];
  for (let v = Math.ceil(lo / step - 1e-9) * step; v <= hi + step * 1e-9; v += step) {
    ticks.push(Math.abs(v) < step * 1e-9 ? 0 : Number(v.toPrecision(12)));
  }
  return ticks;
}
