const SVG = 'http://www.w3.org/2000/svg';
const [W, H, PAD] = [640, 320, 36];

/** Draws `losses` (one per epoch) as a line in `svg`, the y axis from 0 to the largest loss. */
export function plotLoss(svg: SVGSVGElement, losses: number[], epochs: number): void {
  const top = Math.max(...losses);
  const x = (i: number) => PAD + ((W - 2 * PAD) * i) / Math.max(1, epochs - 1);
  const y = (v: number) => H - PAD - ((H - 2 * PAD) * v) / top;
  const line = document.createElementNS(SVG, 'polyline');
  line.setAttribute('class', 'loss');
  line.setAttribute('points', losses.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(' '));
  const axes = document.createElementNS(SVG, 'path');
  axes.setAttribute('class', 'axis');
  axes.setAttribute('d', `M${PAD},${PAD}V${H - PAD}H${W - PAD}`);
  const label = document.createElementNS(SVG, 'text');
  label.setAttribute('x', String(PAD + 6));
  label.setAttribute('y', String(PAD - 10));
  label.textContent = `loss (max ${top.toFixed(3)}) over ${epochs} epochs`;
  svg.replaceChildren(axes, line, label);
}
