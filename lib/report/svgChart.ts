export interface Series {
  name: string;
  color: string;
  x: number[];
  y: number[];
  dashed?: boolean;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A small, dependency-free SVG line chart (axes, ticks, legend) for reports rendered on the server. */
export function lineChart(o: {
  title: string;
  series: Series[];
  width?: number;
  height?: number;
  xLabels?: (x: number) => string;
  yFormat?: (y: number) => string;
  yRange?: [number, number];
  xRange?: [number, number];
}): string {
  const W = o.width ?? 720;
  const H = o.height ?? 320;
  const m = { l: 56, r: 16, t: 36, b: 44 };
  const xs = o.series.flatMap((s) => s.x);
  const ys = o.series.flatMap((s) => s.y).filter(Number.isFinite);
  const [x0, x1] = o.xRange ?? [Math.min(...xs), Math.max(...xs)];
  let [y0, y1] = o.yRange ?? [Math.min(...ys), Math.max(...ys)];
  if (y0 === y1) [y0, y1] = [y0 - 1, y1 + 1];
  const pad = o.yRange ? 0 : (y1 - y0) * 0.05;
  y0 -= pad;
  y1 += pad;
  const sx = (x: number) => m.l + ((x - x0) / (x1 - x0 || 1)) * (W - m.l - m.r);
  const sy = (y: number) => H - m.b - ((y - y0) / (y1 - y0)) * (H - m.t - m.b);
  const yf = o.yFormat ?? ((y: number) => y.toFixed(2));
  const xf = o.xLabels ?? ((x: number) => x.toFixed(2));
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="DejaVu Sans, Arial, sans-serif" font-size="11">`);
  parts.push(`<rect width="${W}" height="${H}" fill="white"/>`);
  parts.push(`<text x="${W / 2}" y="18" text-anchor="middle" font-size="13" font-weight="bold">${esc(o.title)}</text>`);
  for (let k = 0; k <= 4; k++) {
    const y = y0 + ((y1 - y0) * k) / 4;
    parts.push(`<line x1="${m.l}" x2="${W - m.r}" y1="${sy(y).toFixed(1)}" y2="${sy(y).toFixed(1)}" stroke="#e5e5e5"/>`);
    parts.push(`<text x="${m.l - 6}" y="${(sy(y) + 4).toFixed(1)}" text-anchor="end" fill="#555">${esc(yf(y))}</text>`);
    const x = x0 + ((x1 - x0) * k) / 4;
    parts.push(`<text x="${sx(x).toFixed(1)}" y="${H - m.b + 16}" text-anchor="middle" fill="#555">${esc(xf(x))}</text>`);
  }
  parts.push(`<line x1="${m.l}" x2="${m.l}" y1="${m.t}" y2="${H - m.b}" stroke="#999"/><line x1="${m.l}" x2="${W - m.r}" y1="${H - m.b}" y2="${H - m.b}" stroke="#999"/>`);
  o.series.forEach((s, k) => {
    const d = s.x.map((x, i) => `${i === 0 ? 'M' : 'L'}${sx(x).toFixed(1)},${sy(s.y[i]!).toFixed(1)}`).join('');
    parts.push(`<path d="${d}" fill="none" stroke="${s.color}" stroke-width="1.8"${s.dashed ? ' stroke-dasharray="5,4"' : ''}/>`);
    const lx = m.l + 10 + k * 170;
    parts.push(`<line x1="${lx}" x2="${lx + 18}" y1="${H - 12}" y2="${H - 12}" stroke="${s.color}" stroke-width="2.5"${s.dashed ? ' stroke-dasharray="5,4"' : ''}/>`);
    parts.push(`<text x="${lx + 24}" y="${H - 8}">${esc(s.name)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('\n');
}
