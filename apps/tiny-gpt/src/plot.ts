import { scaleLinear } from 'd3-scale';
import { line } from 'd3-shape';

export interface LossPoint {
  iter: number;
  loss: number;
}

export interface LossSeries {
  label: string;
  color: string;
  points: LossPoint[];
}

const W = 720;
const H = 420;
const M = { top: 40, right: 24, bottom: 48, left: 60 };

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** The loss curves as a standalone SVG document (scales and ticks by d3-scale, paths by d3-shape). */
export function lossCurveSVG(series: readonly LossSeries[], title = 'Loss'): string {
  const pts = series.flatMap((s) => s.points).filter((p) => Number.isFinite(p.loss));
  const maxIter = Math.max(1, ...pts.map((p) => p.iter));
  const losses = pts.map((p) => p.loss);
  const lo = losses.length ? Math.min(...losses) : 0;
  const hi = losses.length ? Math.max(...losses) : 1;
  const x = scaleLinear()
    .domain([0, maxIter])
    .range([M.left, W - M.right])
    .nice();
  const y = scaleLinear()
    .domain([Math.max(0, lo - 0.05 * (hi - lo || 1)), hi + 0.05 * (hi - lo || 1)])
    .range([H - M.bottom, M.top])
    .nice();
  const path = line<LossPoint>()
    .x((p) => x(p.iter))
    .y((p) => y(p.loss));
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="system-ui, sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${W / 2}" y="22" text-anchor="middle" font-size="15">${esc(title)}</text>`,
  ];
  for (const t of y.ticks(6)) {
    parts.push(
      `<line x1="${M.left}" x2="${W - M.right}" y1="${y(t)}" y2="${y(t)}" stroke="#e5e7eb"/>`,
      `<text x="${M.left - 8}" y="${y(t) + 4}" text-anchor="end" fill="#374151">${t}</text>`,
    );
  }
  for (const t of x.ticks(8)) {
    parts.push(`<text x="${x(t)}" y="${H - M.bottom + 18}" text-anchor="middle" fill="#374151">${t}</text>`);
  }
  parts.push(
    `<line x1="${M.left}" x2="${W - M.right}" y1="${H - M.bottom}" y2="${H - M.bottom}" stroke="#6b7280"/>`,
    `<line x1="${M.left}" x2="${M.left}" y1="${M.top}" y2="${H - M.bottom}" stroke="#6b7280"/>`,
    `<text x="${(M.left + W - M.right) / 2}" y="${H - 10}" text-anchor="middle">iteration</text>`,
    `<text transform="translate(16 ${(M.top + H - M.bottom) / 2}) rotate(-90)" text-anchor="middle">cross-entropy loss</text>`,
  );
  series.forEach((s, i) => {
    const finite = s.points.filter((p) => Number.isFinite(p.loss));
    if (finite.length > 0) {
      parts.push(`<path d="${path(finite) ?? ''}" fill="none" stroke="${s.color}" stroke-width="1.8"/>`);
    }
    const lx = W - M.right - 150;
    const ly = M.top + 8 + i * 18;
    parts.push(
      `<line x1="${lx}" x2="${lx + 22}" y1="${ly}" y2="${ly}" stroke="${s.color}" stroke-width="3"/>`,
      `<text x="${lx + 28}" y="${ly + 4}">${esc(s.label)}</text>`,
    );
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}
