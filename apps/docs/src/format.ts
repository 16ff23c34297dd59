/** Number and shape formatting shared by the live demos. */

/** A number with a fixed count of decimals and a typographic minus: `−0.4292`. */
export function fixed(x: number, decimals = 4): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? '∞' : '−∞';
  const s = x.toFixed(decimals);
  return s.startsWith('-') ? `−${s.slice(1)}` : s;
}

/** A number rounded to `decimals` with trailing zeros dropped, as the course writes them: `0.20995`. */
export function trimmed(x: number, decimals = 5): string {
  if (!Number.isFinite(x)) return fixed(x);
  const s = String(Number(x.toFixed(decimals)));
  return s === '-0' ? '0' : s.replace(/^-/, '−');
}

/** A signed number with an explicit plus: `+0.120`. */
export function signed(x: number, decimals = 3): string {
  const s = fixed(x, decimals);
  return x >= 0 ? `+${s}` : s;
}

/** A shape as the course writes it: `[64 × 128]`. */
export function shape(dims: readonly number[]): string {
  return `[${dims.join(' × ')}]`;
}

/** A whole number with thousands separators: `809,856`. */
export function count(n: number): string {
  return n.toLocaleString('en-US');
}
