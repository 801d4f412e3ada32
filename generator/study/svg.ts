// Minimal SVG charts for the study report (no plotting dependency): line charts with an optional log y-axis,
// and grouped bar charts.

export interface Series {
  readonly name: string;
  readonly color: string;
  readonly dash?: string;
  readonly points: readonly { x: number; y: number }[];
}

const FONT = 'font-family="Helvetica, Arial, sans-serif"';

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function num(v: number): string {
  return Number.isInteger(v) ? String(v) : v.toFixed(2);
}

/** "Nice" linear ticks covering [lo, hi]. */
export function niceTicks(lo: number, hi: number, target = 6): number[] {
  const span = hi - lo || 1;
  const raw = span / target;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => span / s <= target) ?? 10 * mag;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step - 1e-9) * step; v <= hi + 1e-9 * step; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

function fmtTick(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e4 || a < 1e-3) return v.toExponential(0);
  return String(Number(v.toPrecision(6)));
}

export interface LineChart {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly series: readonly Series[];
  readonly logY?: boolean;
  readonly width?: number;
  readonly height?: number;
}

export function lineChart(c: LineChart): string {
  const W = c.width ?? 760;
  const H = c.height ?? 440;
  const m = { l: 70, r: 170, t: 40, b: 50 };
  const pw = W - m.l - m.r;
  const ph = H - m.t - m.b;
  const pts = c.series.flatMap((s) => s.points).filter((p) => Number.isFinite(p.y) && (!c.logY || p.y > 0));
  const xs = pts.map((p) => p.x);
  const ys = pts.map((p) => (c.logY ? Math.log10(p.y) : p.y));
  const x0 = Math.min(0, ...xs);
  const x1 = Math.max(1, ...xs);
  let y0 = ys.length ? Math.min(...ys) : 0;
  let y1 = ys.length ? Math.max(...ys) : 1;
  if (c.logY) {
    y0 = Math.floor(y0);
    y1 = Math.ceil(y1);
    if (y1 === y0) y1 = y0 + 1;
  } else {
    const pad = (y1 - y0) * 0.05 || 1;
    y0 -= pad;
    y1 += pad;
  }
  const sx = (x: number) => m.l + ((x - x0) / (x1 - x0)) * pw;
  const sy = (y: number) => m.t + ph - (((c.logY ? Math.log10(y) : y) - y0) / (y1 - y0)) * ph;
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" ${FONT} font-size="12">`);
  out.push(`<rect width="${W}" height="${H}" fill="white"/>`);
  out.push(`<text x="${m.l + pw / 2}" y="22" text-anchor="middle" font-size="15" font-weight="bold">${esc(c.title)}</text>`);
  // grid and ticks
  const yTicks: number[] = [];
  if (c.logY) {
    for (let e = y0; e <= y1; e++) yTicks.push(10 ** e);
  } else yTicks.push(...niceTicks(y0, y1));
  for (const t of yTicks) {
    const y = sy(t);
    out.push(`<line x1="${m.l}" x2="${m.l + pw}" y1="${num(y)}" y2="${num(y)}" stroke="#ddd"/>`);
    out.push(`<text x="${m.l - 6}" y="${num(y + 4)}" text-anchor="end">${fmtTick(t)}</text>`);
  }
  if (c.logY) {
    for (let e = y0; e < y1; e++) {
      for (let k = 2; k < 10; k++) {
        const y = sy(k * 10 ** e);
        out.push(`<line x1="${m.l}" x2="${m.l + pw}" y1="${num(y)}" y2="${num(y)}" stroke="#f1f1f1"/>`);
      }
    }
  }
  for (const t of niceTicks(x0, x1)) {
    const x = sx(t);
    out.push(`<line x1="${num(x)}" x2="${num(x)}" y1="${m.t}" y2="${m.t + ph}" stroke="#eee"/>`);
    out.push(`<text x="${num(x)}" y="${m.t + ph + 16}" text-anchor="middle">${fmtTick(t)}</text>`);
  }
  out.push(`<rect x="${m.l}" y="${m.t}" width="${pw}" height="${ph}" fill="none" stroke="#333"/>`);
  out.push(`<text x="${m.l + pw / 2}" y="${H - 12}" text-anchor="middle">${esc(c.xLabel)}</text>`);
  out.push(`<text transform="translate(18 ${m.t + ph / 2}) rotate(-90)" text-anchor="middle">${esc(c.yLabel)}</text>`);
  // series
  c.series.forEach((s, i) => {
    const p = s.points.filter((q) => Number.isFinite(q.y) && (!c.logY || q.y > 0));
    if (p.length) {
      const d = p.map((q, k) => `${k ? 'L' : 'M'}${num(sx(q.x))},${num(sy(q.y))}`).join('');
      out.push(`<path d="${d}" fill="none" stroke="${s.color}" stroke-width="1.8"${s.dash ? ` stroke-dasharray="${s.dash}"` : ''}/>`);
    }
    const ly = m.t + 10 + i * 20;
    const lx = m.l + pw + 14;
    out.push(`<line x1="${lx}" x2="${lx + 24}" y1="${ly}" y2="${ly}" stroke="${s.color}" stroke-width="2.5"${s.dash ? ` stroke-dasharray="${s.dash}"` : ''}/>`);
    out.push(`<text x="${lx + 30}" y="${ly + 4}">${esc(s.name)}</text>`);
  });
  out.push('</svg>');
  return out.join('\n') + '\n';
}

export interface BarGroup {
  readonly name: string;
  readonly color: string;
  /** one value per category; null = no bar */
  readonly values: readonly (number | null)[];
}

export interface BarChart {
  readonly title: string;
  readonly yLabel: string;
  readonly categories: readonly string[];
  readonly groups: readonly BarGroup[];
  readonly yMin: number;
  readonly yMax: number;
  /** label the bar tops with this formatter */
  readonly label?: (v: number) => string;
  readonly width?: number;
  readonly height?: number;
}

export function barChart(c: BarChart): string {
  const W = c.width ?? Math.max(760, 90 + c.categories.length * (c.groups.length * 16 + 26) + 170);
  const H = c.height ?? 460;
  const m = { l: 70, r: 170, t: 40, b: 90 };
  const pw = W - m.l - m.r;
  const ph = H - m.t - m.b;
  const sy = (v: number) => m.t + ph - ((Math.min(Math.max(v, c.yMin), c.yMax) - c.yMin) / (c.yMax - c.yMin)) * ph;
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" ${FONT} font-size="12">`);
  out.push(`<rect width="${W}" height="${H}" fill="white"/>`);
  out.push(`<text x="${m.l + pw / 2}" y="22" text-anchor="middle" font-size="15" font-weight="bold">${esc(c.title)}</text>`);
  for (const t of niceTicks(c.yMin, c.yMax)) {
    const y = sy(t);
    out.push(`<line x1="${m.l}" x2="${m.l + pw}" y1="${num(y)}" y2="${num(y)}" stroke="#ddd"/>`);
    out.push(`<text x="${m.l - 6}" y="${num(y + 4)}" text-anchor="end">${fmtTick(t)}</text>`);
  }
  const cw = pw / c.categories.length;
  const bw = Math.min(18, (cw - 12) / c.groups.length);
  c.categories.forEach((cat, ci) => {
    const cx = m.l + ci * cw + cw / 2;
    const x0 = cx - (bw * c.groups.length) / 2;
    c.groups.forEach((g, gi) => {
      const v = g.values[ci];
      if (v === null || v === undefined || !Number.isFinite(v)) return;
      const y = sy(v);
      const x = x0 + gi * bw;
      // bars grow from 0 when the axis spans negative values, else from the axis floor
      const base = c.yMin < 0 ? sy(0) : m.t + ph;
      out.push(`<rect x="${num(x)}" y="${num(Math.min(y, base))}" width="${num(bw - 1)}" height="${num(Math.abs(base - y))}" fill="${g.color}"><title>${esc(`${g.name} ${cat}: ${c.label ? c.label(v) : v}`)}</title></rect>`);
      if (c.label) {
        out.push(`<text transform="translate(${num(x + bw / 2 + 3)} ${num(y - 3)}) rotate(-90)" font-size="9">${esc(c.label(v))}</text>`);
      }
    });
    out.push(`<text transform="translate(${num(cx)} ${m.t + ph + 12}) rotate(30)" font-size="11">${esc(cat)}</text>`);
  });
  out.push(`<rect x="${m.l}" y="${m.t}" width="${pw}" height="${ph}" fill="none" stroke="#333"/>`);
  out.push(`<text transform="translate(18 ${m.t + ph / 2}) rotate(-90)" text-anchor="middle">${esc(c.yLabel)}</text>`);
  c.groups.forEach((g, i) => {
    const ly = m.t + 10 + i * 20;
    const lx = m.l + pw + 14;
    out.push(`<rect x="${lx}" y="${ly - 7}" width="14" height="14" fill="${g.color}"/>`);
    out.push(`<text x="${lx + 20}" y="${ly + 4}">${esc(g.name)}</text>`);
  });
  out.push('</svg>');
  return out.join('\n') + '\n';
}
