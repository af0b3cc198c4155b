// The charts of report.html, sweep.html and compare.html as inline SVG strings: no script, no network at view time.
// Every drawn figure (bar, point, cell, buffer) has class "mark" and every chart sits in <figure data-chart="…">, so a
// test counts what a chart shows.

export function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

export function fmt(n: number | null | undefined, digits = 0): string {
  if (n === null || n === undefined || Number.isNaN(n)) return '—';
  return n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

export const pct = (v: number | null | undefined, digits = 2): string => (v === null || v === undefined ? '—' : `${fmt(v * 100, digits)}%`);

/** A figure printed from report.json: `data-field` names the field, so a test can compare the text with the file. */
export function field(name: string, text: string, tag = 'span'): string {
  return `<${tag} data-field="${esc(name)}">${esc(text)}</${tag}>`;
}

export const WIDTH = 860;
const PALETTE = ['#3b7dd8', '#e07b39', '#3aa66a', '#9b59b6', '#c0392b', '#16a3b8', '#8c6d31', '#d35495'];
export const color = (i: number): string => PALETTE[i % PALETTE.length];

/** Round tick values covering [min, max]: steps of 1, 2 or 5 × 10^k. */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!(max > min)) return [min];
  const raw = (max - min) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const out: number[] = [];
  for (let v = Math.ceil(min / step - 1e-9) * step; v <= max + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

/** A top-1 axis (percent) that shows the differences: from a round value below the lowest figure to one above the
 *  highest, within 0–100, instead of from 0 where 98.1 and 98.8 look alike. */
export function accuracyDomain(values: number[]): [number, number] {
  const v = values.filter((x) => Number.isFinite(x));
  if (v.length === 0) return [0, 100];
  const lo = Math.min(...v);
  const hi = Math.max(...v);
  const pad = Math.max(0.5, (hi - lo) * 0.4);
  const ticks = niceTicks(Math.max(0, lo - pad), Math.min(100, hi + pad), 5);
  const step = ticks.length > 1 ? ticks[1] - ticks[0] : 1;
  return [Math.max(0, Math.floor((lo - pad) / step) * step), Math.min(100, Math.ceil((hi + pad) / step) * step)];
}

function figure(id: string, title: string, svg: string, note?: string): string {
  return `<figure data-chart="${esc(id)}"><figcaption>${esc(title)}</figcaption>${svg}${note ? `<p class="note">${note}</p>` : ''}</figure>`;
}

function svgOpen(height: number, label: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${height}" width="${WIDTH}" height="${height}" role="img" aria-label="${esc(label)}" font-family="sans-serif" font-size="12">`;
}

export interface Bar {
  label: string;
  value: number;
  /** Text after the bar; default the value with the unit. */
  text?: string;
  color?: string;
}

export interface BarChart {
  id: string;
  title: string;
  unit: string;
  bars: Bar[];
  /** The axis; default 0 to the largest bar (or limit). */
  domain?: [number, number];
  /** Vertical lines, e.g. a board's flash or a user's limit. */
  limits?: { label: string; value: number }[];
  digits?: number;
  note?: string;
}

/** Horizontal bars on one scale with a labelled axis; limits drawn as dashed lines. */
export function barChart(c: BarChart): string {
  const labelW = 210;
  const right = 200;
  const rowH = 24;
  const top = 10;
  const max = Math.max(1e-9, ...c.bars.map((b) => b.value), ...(c.limits ?? []).map((l) => l.value));
  const [d0, d1] = c.domain ?? [0, Math.max(max, niceTicks(0, max, 5).at(-1)!)];
  const plotW = WIDTH - labelW - right;
  const x = (v: number) => labelW + (plotW * (Math.min(Math.max(v, d0), d1) - d0)) / (d1 - d0 || 1);
  const h = top + c.bars.length * rowH + 36;
  const axisY = top + c.bars.length * rowH + 4;
  const ticks = niceTicks(d0, d1, 5)
    .map(
      (t) =>
        `<line x1="${x(t).toFixed(1)}" y1="${top - 4}" x2="${x(t).toFixed(1)}" y2="${axisY}" stroke="#e4e4e4"/><text x="${x(t).toFixed(1)}" y="${axisY + 14}" text-anchor="middle" fill="#666">${fmt(t, t % 1 ? 1 : 0)}</text>`,
    )
    .join('');
  const bars = c.bars
    .map((b, i) => {
      const y = top + i * rowH;
      const w = Math.max(1, x(b.value) - labelW);
      return (
        `<text x="${labelW - 8}" y="${y + 14}" text-anchor="end">${esc(b.label)}</text>` +
        `<rect class="mark" x="${labelW}" y="${y + 2}" width="${w.toFixed(1)}" height="16" fill="${b.color ?? color(0)}"><title>${esc(b.label)}: ${esc(b.text ?? `${fmt(b.value, c.digits ?? 0)} ${c.unit}`)}</title></rect>` +
        `<text x="${(labelW + w + 6).toFixed(1)}" y="${y + 14}">${esc(b.text ?? `${fmt(b.value, c.digits ?? 0)} ${c.unit}`)}</text>`
      );
    })
    .join('');
  const limits = (c.limits ?? [])
    .map(
      (l) =>
        `<line class="limit" x1="${x(l.value).toFixed(1)}" y1="${top - 6}" x2="${x(l.value).toFixed(1)}" y2="${axisY}" stroke="#c0392b" stroke-dasharray="5 3"/><text x="${(x(l.value) + 4).toFixed(1)}" y="${axisY + 28}" fill="#c0392b">${esc(l.label)}</text>`,
    )
    .join('');
  const axis = `<line x1="${labelW}" y1="${axisY}" x2="${labelW + plotW}" y2="${axisY}" stroke="#999"/><text x="${labelW + plotW}" y="${axisY + 28}" text-anchor="end" fill="#666">${esc(c.unit)}</text>`;
  return figure(c.id, c.title, `${svgOpen(h + 8, c.title)}${ticks}${axis}${bars}${limits}</svg>`, c.note);
}

export interface UsageRow {
  label: string;
  parts: { label: string; value: number }[];
  limit: number;
  limitLabel: string;
}

/** What a resource holds (stacked parts) against the board's limit, each row on its own scale 0 … limit. */
export function usageChart(id: string, title: string, rows: UsageRow[]): string {
  const labelW = 130;
  const plotW = WIDTH - labelW - 20;
  const rowH = 64;
  const body = rows
    .map((r, i) => {
      const y = 8 + i * rowH;
      const total = r.parts.reduce((s, p) => s + p.value, 0);
      const scaleMax = Math.max(r.limit, total);
      const px = (v: number) => (plotW * v) / scaleMax;
      let at = labelW;
      const parts = r.parts
        .map((p, k) => {
          const w = Math.max(p.value > 0 ? 1.5 : 0, px(p.value));
          const s = `<rect class="mark" x="${at.toFixed(1)}" y="${y}" width="${w.toFixed(1)}" height="20" fill="${color(k)}"><title>${esc(p.label)}: ${fmt(p.value)} B</title></rect>`;
          at += w;
          return s;
        })
        .join('');
      const legend = r.parts.map((p, k) => `<tspan fill="${color(k)}">■</tspan> ${esc(p.label)} ${fmt(p.value)} B`).join('   ');
      const share = r.limit > 0 ? (100 * total) / r.limit : 0;
      return (
        `<text x="${labelW - 8}" y="${y + 15}" text-anchor="end" font-weight="bold">${esc(r.label)}</text>` +
        `<rect x="${labelW}" y="${y}" width="${px(r.limit).toFixed(1)}" height="20" fill="#f3f3f3" stroke="#bbb"/>${parts}` +
        `<line class="limit" x1="${(labelW + px(r.limit)).toFixed(1)}" y1="${y - 4}" x2="${(labelW + px(r.limit)).toFixed(1)}" y2="${y + 24}" stroke="#c0392b" stroke-width="2"/>` +
        `<text x="${labelW}" y="${y + 36}">${legend}</text>` +
        `<text x="${labelW}" y="${y + 52}" fill="#444">${fmt(total)} B of ${esc(r.limitLabel)} ${fmt(r.limit)} B (${fmt(share, share < 1 ? 2 : 1)}%)${total > r.limit ? ' — over the limit' : ''}</text>`
      );
    })
    .join('');
  return figure(id, title, `${svgOpen(rows.length * rowH + 8, title)}${body}</svg>`);
}

export interface TimelineBuffer {
  label: string;
  first: number;
  last: number;
  offset: number;
  bytes: number;
}

/** The arena over time: one column per layer, offsets downwards; each buffer a box from the layer that writes it to
 *  the last that reads it. */
export function timelineChart(
  id: string,
  title: string,
  layers: string[],
  buffers: TimelineBuffer[],
  arenaBytes: number,
  lowerBound?: number,
): string {
  const left = 70;
  const plotW = WIDTH - left - 20;
  const plotH = Math.min(360, Math.max(120, buffers.length * 22));
  const top = 10;
  const colW = plotW / Math.max(1, layers.length);
  const y = (b: number) => top + (plotH * b) / Math.max(1, arenaBytes);
  const boxes = buffers
    .map((b, i) => {
      const bx = left + b.first * colW + 1;
      const bw = Math.max(2, (b.last - b.first + 1) * colW - 2);
      const by = y(b.offset);
      const bh = Math.max(2, y(b.offset + b.bytes) - by - 1);
      const text =
        bh >= 12 && bw > 40
          ? `<text x="${(bx + 4).toFixed(1)}" y="${(by + Math.min(bh, 24) / 2 + 4).toFixed(1)}" fill="#fff" font-size="11">${esc(b.label.length * 6 > bw - 8 ? b.label.slice(0, Math.max(1, Math.floor((bw - 8) / 6) - 1)) + '…' : b.label)}</text>`
          : '';
      return `<rect class="mark" x="${bx.toFixed(1)}" y="${by.toFixed(1)}" width="${bw.toFixed(1)}" height="${bh.toFixed(1)}" fill="${color(i)}" fill-opacity="0.85"><title>${esc(b.label)}: ${fmt(b.bytes)} B at offset ${fmt(b.offset)}, layers ${b.first}–${b.last}</title></rect>${text}`;
    })
    .join('');
  const cols = layers
    .map(
      (l, i) =>
        `<line x1="${(left + i * colW).toFixed(1)}" y1="${top}" x2="${(left + i * colW).toFixed(1)}" y2="${top + plotH}" stroke="#eee"/>` +
        (layers.length <= 24
          ? `<text x="${(left + (i + 0.5) * colW).toFixed(1)}" y="${top + plotH + 14}" text-anchor="middle" fill="#666" font-size="10">${i}</text>`
          : ''),
    )
    .join('');
  const offsets = niceTicks(0, arenaBytes, 4)
    .map((t) => `<text x="${left - 6}" y="${(y(t) + 4).toFixed(1)}" text-anchor="end" fill="#666">${fmt(t)}</text>`)
    .join('');
  const lb =
    lowerBound && lowerBound < arenaBytes
      ? `<line class="limit" x1="${left}" y1="${y(lowerBound).toFixed(1)}" x2="${left + plotW}" y2="${y(lowerBound).toFixed(1)}" stroke="#c0392b" stroke-dasharray="5 3"/><text x="${left + plotW}" y="${(y(lowerBound) - 3).toFixed(1)}" text-anchor="end" fill="#c0392b">lower bound ${fmt(lowerBound)} B</text>`
      : '';
  const frame = `<rect x="${left}" y="${top}" width="${plotW}" height="${plotH}" fill="none" stroke="#999"/>`;
  const svg = `${svgOpen(top + plotH + 34, title)}${cols}${frame}${boxes}${offsets}${lb}<text x="${left}" y="${top + plotH + 30}" fill="#666">layer (in the order they run) →   ↓ arena offset, bytes (arena ${fmt(arenaBytes)} B)</text></svg>`;
  const list = `<details><summary>layers</summary><ol start="0">${layers.map((l) => `<li>${esc(l)}</li>`).join('')}</ol></details>`;
  return figure(id, title, svg + list);
}

/** Counts of true class (rows) × answer (columns), shaded by the share of the row. */
export function confusionChart(id: string, title: string, counts: number[][], names?: string[]): string {
  const n = counts.length;
  const label = (i: number) => (names?.[i] ?? String(i)).slice(0, 10);
  const left = 90;
  const top = 40;
  const cell = Math.max(14, Math.min(40, Math.floor((WIDTH - left - 40) / Math.max(1, n))));
  const cells = counts
    .map((row, r) => {
      const sum = row.reduce((s, v) => s + v, 0) || 1;
      return row
        .map((v, c) => {
          const share = v / sum;
          const fill =
            r === c
              ? `rgba(58,166,106,${(0.15 + 0.85 * share).toFixed(3)})`
              : v > 0
                ? `rgba(192,57,43,${(0.2 + 0.8 * share).toFixed(3)})`
                : '#fafafa';
          const x = left + c * cell;
          const y = top + r * cell;
          return (
            `<rect class="mark" x="${x}" y="${y}" width="${cell - 1}" height="${cell - 1}" fill="${fill}"><title>true ${esc(label(r))}, device ${esc(label(c))}: ${v}</title></rect>` +
            (v > 0 && cell >= 20 ? `<text x="${x + cell / 2}" y="${y + cell / 2 + 4}" text-anchor="middle" font-size="11">${v}</text>` : '')
          );
        })
        .join('');
    })
    .join('');
  const rows = counts
    .map((_, r) => `<text x="${left - 6}" y="${top + r * cell + cell / 2 + 4}" text-anchor="end" font-size="11">${esc(label(r))}</text>`)
    .join('');
  const cols = counts
    .map((_, c) => `<text x="${left + c * cell + cell / 2}" y="${top - 6}" text-anchor="middle" font-size="11">${esc(label(c))}</text>`)
    .join('');
  const svg = `${svgOpen(top + n * cell + 24, title)}<text x="${left}" y="14" fill="#666">device answer →</text><text x="8" y="${top + 10}" fill="#666" font-size="11">true ↓</text>${cols}${rows}${cells}</svg>`;
  return figure(id, title, svg);
}

export interface ScatterPoint {
  x: number;
  y: number;
  label: string;
  /** On the front of every objective (not only these two): drawn filled. */
  front?: boolean;
  highlight?: boolean;
  color?: string;
}

export interface ScatterChart {
  id: string;
  title: string;
  xLabel: string;
  yLabel: string;
  points: ScatterPoint[];
  /** Dashed limits: x at most / y at least. */
  xLimit?: { value: number; label: string };
  yLimit?: { value: number; label: string };
  /** Percent axis shown with accuracyDomain. */
  yPercent?: boolean;
  note?: string;
}

/** Points of (cost, top-1); the points no other beats on both axes joined as a staircase. */
export function scatterChart(c: ScatterChart): string {
  const left = 70;
  const right = 20;
  const top = 26;
  const plotW = WIDTH - left - right;
  const plotH = 280;
  const xs = c.points.map((p) => p.x).concat(c.xLimit ? [c.xLimit.value] : []);
  const ys = c.points.map((p) => p.y).concat(c.yLimit ? [c.yLimit.value] : []);
  const xMax = Math.max(1e-9, ...xs) * 1.08;
  const xMin = Math.max(0, Math.min(...xs) - (xMax - Math.min(...xs)) * 0.1);
  const [y0, y1] = c.yPercent ? accuracyDomain(ys) : [Math.min(...ys), Math.max(...ys) || 1];
  const px = (v: number) => left + (plotW * (v - xMin)) / (xMax - xMin || 1);
  const py = (v: number) => top + plotH - (plotH * (Math.min(Math.max(v, y0), y1) - y0)) / (y1 - y0 || 1);
  const grid =
    niceTicks(xMin, xMax, 6)
      .map(
        (t) =>
          `<line x1="${px(t).toFixed(1)}" y1="${top}" x2="${px(t).toFixed(1)}" y2="${top + plotH}" stroke="#eee"/><text x="${px(t).toFixed(1)}" y="${top + plotH + 14}" text-anchor="middle" fill="#666">${fmt(t, t % 1 ? 2 : 0)}</text>`,
      )
      .join('') +
    niceTicks(y0, y1, 5)
      .map(
        (t) =>
          `<line x1="${left}" y1="${py(t).toFixed(1)}" x2="${left + plotW}" y2="${py(t).toFixed(1)}" stroke="#eee"/><text x="${left - 6}" y="${(py(t) + 4).toFixed(1)}" text-anchor="end" fill="#666">${fmt(t, t % 1 ? 1 : 0)}${c.yPercent ? '%' : ''}</text>`,
      )
      .join('');
  // The line is this projection's own front (lower x, higher y); filled points are on the front of every objective.
  const front = c.points
    .filter((p) => !c.points.some((q) => q !== p && q.x <= p.x && q.y >= p.y && (q.x < p.x || q.y > p.y)))
    .sort((a, b) => a.x - b.x);
  let path = '';
  front.forEach(
    (p, i) => (path += i === 0 ? `M${px(p.x).toFixed(1)},${py(p.y).toFixed(1)}` : `H${px(p.x).toFixed(1)}V${py(p.y).toFixed(1)}`),
  );
  const line = front.length > 1 ? `<path class="front" d="${path}" fill="none" stroke="#3aa66a" stroke-width="2"/>` : '';
  // Points drawn on the same spot share one label, so their names do not print over each other.
  const together = new Map<string, string[]>();
  for (const p of c.points) {
    const key = `${px(p.x).toFixed(0)},${py(p.y).toFixed(0)}`;
    together.set(key, [...(together.get(key) ?? []), p.label]);
  }
  // A label goes right of its point, or left where it would leave the chart, and moves down past labels already
  // placed that it would cover (about 5.5 px a character at 10 px).
  const placed: { x0: number; x1: number; y: number }[] = [];
  const label = (x: number, y: number, text: string): string => {
    const w = text.length * 5.5;
    const right = x + 8 + w <= WIDTH - 2;
    const x0 = right ? x + 8 : x - 8 - w;
    let ty = y - 7;
    while (placed.some((b) => b.x0 < x0 + w && x0 < b.x1 && Math.abs(b.y - ty) < 11)) ty += 11;
    placed.push({ x0, x1: x0 + w, y: ty });
    return `<text x="${(right ? x + 8 : x - 8).toFixed(1)}" y="${ty.toFixed(1)}" font-size="10" fill="#333"${right ? '' : ' text-anchor="end"'}>${esc(text)}</text>`;
  };
  const dots = c.points
    .map((p) => {
      const cx = px(p.x).toFixed(1);
      const cy = py(p.y).toFixed(1);
      const names = together.get(`${px(p.x).toFixed(0)},${py(p.y).toFixed(0)}`)!;
      const text = names[0] === p.label ? label(px(p.x), py(p.y), [...new Set(names)].join(', ')) : '';
      const fill = p.front ? (p.color ?? '#3aa66a') : '#fff';
      const ring = p.highlight ? `<circle cx="${cx}" cy="${cy}" r="10" fill="none" stroke="#e07b39" stroke-width="2"/>` : '';
      return `${ring}<circle class="mark${p.front ? ' on-front' : ''}" cx="${cx}" cy="${cy}" r="5" fill="${fill}" stroke="${p.color ?? '#3aa66a'}" stroke-width="2"><title>${esc(p.label)}: ${fmt(p.x, 2)} ${esc(c.xLabel)}, ${fmt(p.y, 2)}${c.yPercent ? '%' : ''}</title></circle>${text}`;
    })
    .join('');
  const lim =
    (c.xLimit
      ? `<line class="limit" x1="${px(c.xLimit.value).toFixed(1)}" y1="${top}" x2="${px(c.xLimit.value).toFixed(1)}" y2="${top + plotH}" stroke="#c0392b" stroke-dasharray="5 3"/><text x="${(px(c.xLimit.value) - 4).toFixed(1)}" y="${top + 12}" text-anchor="end" fill="#c0392b">${esc(c.xLimit.label)}</text>`
      : '') +
    (c.yLimit
      ? `<line class="limit" x1="${left}" y1="${py(c.yLimit.value).toFixed(1)}" x2="${left + plotW}" y2="${py(c.yLimit.value).toFixed(1)}" stroke="#c0392b" stroke-dasharray="5 3"/><text x="${left + plotW - 4}" y="${(py(c.yLimit.value) + 14).toFixed(1)}" text-anchor="end" fill="#c0392b">${esc(c.yLimit.label)}</text>`
      : '');
  const frame = `<rect x="${left}" y="${top}" width="${plotW}" height="${plotH}" fill="none" stroke="#999"/>`;
  const labels = `<text x="${left + plotW}" y="${top + plotH + 30}" text-anchor="end" fill="#444">${esc(c.xLabel)} →</text><text x="${left - 60}" y="${top - 12}" fill="#444">↑ ${esc(c.yLabel)}</text>`;
  return figure(c.id, c.title, `${svgOpen(top + plotH + 38, c.title)}${grid}${frame}${lim}${line}${dots}${labels}</svg>`, c.note);
}
