// report.html: the same figures as report.json, drawn as inline SVG bar charts a person can take in at a glance.
import type { Report } from './report.ts';

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

function fmt(n: number | null | undefined, digits = 0): string {
  if (n === null || n === undefined || Number.isNaN(n)) return '—';
  return n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

interface Bar {
  label: string;
  value: number;
  /** Optional limit drawn as a thin outline behind the bar (e.g. the board's flash). */
  limit?: number;
  note?: string;
}

/** Horizontal bar chart; bars share one scale so lengths compare honestly. */
export function barChart(title: string, bars: Bar[], unit: string, digits = 0): string {
  const width = 860;
  const labelW = 190;
  const rowH = 26;
  // A board limit far above the figures would flatten every bar: draw it only when it is on the same scale.
  const maxValue = Math.max(1, ...bars.map((b) => b.value));
  const drawn = bars.map((b) => (b.limit !== undefined && b.limit <= 5 * maxValue ? b : { ...b, limit: undefined }));
  const max = Math.max(1, ...drawn.map((b) => Math.max(b.value, b.limit ?? 0)));
  const scale = (v: number) => ((width - labelW - 300) * v) / max;
  const rows = drawn
    .map((b, i) => {
      const y = 30 + i * rowH;
      const limit =
        b.limit !== undefined
          ? `<rect x="${labelW}" y="${y}" width="${scale(b.limit).toFixed(1)}" height="18" fill="none" stroke="#999" stroke-dasharray="3 2"/>`
          : '';
      return (
        `<text x="${labelW - 8}" y="${y + 13}" text-anchor="end">${esc(b.label)}</text>` +
        limit +
        `<rect x="${labelW}" y="${y}" width="${Math.max(1, scale(b.value)).toFixed(1)}" height="18" fill="#3b7dd8"/>` +
        `<text x="${labelW + Math.max(1, scale(b.value)) + 6}" y="${y + 13}">${fmt(b.value, digits)} ${esc(unit)}${b.note ? ' · ' + esc(b.note) : ''}</text>`
      );
    })
    .join('\n');
  const h = 40 + bars.length * rowH;
  return `<figure><figcaption>${esc(title)}</figcaption><svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${h}" font-family="sans-serif" font-size="12">${rows}</svg></figure>`;
}

export function renderHtml(r: Report, boardLimits?: { flash_bytes: number; ram_bytes: number }): string {
  const charts: string[] = [];
  charts.push(
    barChart(
      'Memory on the device',
      [
        { label: 'flash (code + weights)', value: r.memory.flash_bytes, limit: boardLimits?.flash_bytes, note: boardLimits ? `${fmt((100 * r.memory.flash_bytes) / boardLimits.flash_bytes, 1)}% of the board's ${fmt(boardLimits.flash_bytes)}` : undefined },
        { label: 'static RAM', value: r.memory.ram_bytes, limit: boardLimits?.ram_bytes, note: boardLimits ? `${fmt((100 * r.memory.ram_bytes) / boardLimits.ram_bytes, 1)}% of the board's ${fmt(boardLimits.ram_bytes)}` : undefined },
        { label: 'arena (planned)', value: r.memory.arena_bytes },
        ...(r.memory.arena_naive_bytes ? [{ label: 'arena if not shared', value: r.memory.arena_naive_bytes }] : []),
        ...(r.memory.stack_bytes !== null ? [{ label: 'stack high-water', value: r.memory.stack_bytes }] : []),
      ],
      'B',
    ),
  );
  if (r.latency.per_layer && r.latency.per_layer.length > 0) {
    charts.push(
      barChart(
        `Latency per layer (${r.latency.unit})`,
        r.latency.per_layer.map((l) => ({ label: `${l.layer}. ${l.op} ${l.node}`.slice(0, 30), value: l.latency, note: l.macs ? `${(l.latency / l.macs).toFixed(2)}/MAC` : undefined })),
        r.latency.unit,
      ),
    );
  }
  const acc: Bar[] = [];
  if (r.accuracy.float_top1 != null) acc.push({ label: 'float model (host)', value: r.accuracy.float_top1 * 100 });
  if (r.accuracy.reference_top1 != null) acc.push({ label: 'reference interpreter', value: r.accuracy.reference_top1 * 100 });
  if (r.accuracy.device_top1 != null) acc.push({ label: `device (${r.target.kind})`, value: r.accuracy.device_top1 * 100 });
  if (acc.length) charts.push(barChart(`Top-1 on ${r.accuracy.samples} samples of ${r.accuracy.dataset}`, acc, '%', 2));
  if (r.compression.steps.length > 0) {
    charts.push(
      barChart(
        'Weight bytes',
        [
          { label: 'float32 original', value: r.compression.original_bytes },
          { label: 'deployed', value: r.compression.compressed_bytes, note: `${r.compression.ratio.toFixed(1)}× smaller` },
          ...(r.compression.layers ?? []).map((l) => ({ label: `  ${l.node}`.slice(0, 30), value: l.bytes, note: l.format })),
        ],
        'B',
      ),
    );
  }
  const latency =
    r.latency.median === null
      ? `unavailable${r.latency.note ? ` (${esc(r.latency.note)})` : ''}`
      : `${fmt(r.latency.median)} ${r.latency.unit} median, p90 ${fmt(r.latency.p90)} ≈ ${fmt(r.latency.ms, 2)} ms at ${fmt(r.latency.clock_hz / 1e6)} MHz`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>tinyforge report: ${esc(r.model.name)} on ${esc(r.board)}</title>
<style>body{font-family:sans-serif;max-width:900px;margin:2em auto;color:#222}figure{margin:1.5em 0}figcaption{font-weight:bold;margin-bottom:.3em}td,th{padding:2px 10px;text-align:left}.tag{background:#fde7c7;padding:1px 6px;border-radius:3px}</style>
</head><body>
<h1>${esc(r.model.name)} on ${esc(r.board)}</h1>
<p><span class="tag">${esc(r.target.kind)}</span> ${esc(r.target.detail)}</p>
<table>
<tr><th>model</th><td>${fmt(r.model.params)} params, ${fmt(r.model.macs)} MACs, ${esc(r.model.quantization)}</td></tr>
<tr><th>latency</th><td>${latency}</td></tr>
<tr><th>accuracy</th><td>device ${r.accuracy.device_top1 === null ? '—' : fmt(r.accuracy.device_top1 * 100, 2) + '%'}, reference ${r.accuracy.reference_top1 === null ? '—' : fmt(r.accuracy.reference_top1 * 100, 2) + '%'}, agreement ${r.accuracy.agreement === null ? '—' : fmt(r.accuracy.agreement * 100, 2) + '%'} (${esc(r.accuracy.agreement_kind)})</td></tr>
</table>
${charts.join('\n')}
<p><small>Generated by tinyforge ${esc(r.tool.version)} at ${esc(r.created_at)}.</small></p>
</body></html>
`;
}
