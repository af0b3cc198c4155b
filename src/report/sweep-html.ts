// sweep.html: every job of a sweep — per board, top-1 against latency, flash and RAM with the Pareto front and the
// limits; the recommended point and the command that reproduces it; every row, failed ones with their error.
import type { SweepRecord, SweepRow } from './sweep-record.ts';
import { page } from './page.ts';
import { esc, field, fmt, pct, scatterChart, type ScatterPoint } from './svg.ts';

export interface SweepBoard {
  flash_bytes: number;
  ram_bytes: number;
  name: string;
}

function boardCharts(record: SweepRecord, board: string, info: SweepBoard | undefined): string {
  const rows = record.jobs.filter((r) => r.board === board && r.status === 'ok' && r.figures && r.figures.device_top1 !== null);
  if (rows.length === 0) return `<p class="note">No measured point on ${esc(board)} yet.</p>`;
  const lim = record.spec.limits;
  const point = (r: SweepRow, x: number): ScatterPoint => ({
    x,
    y: r.figures!.device_top1! * 100,
    label: `${r.model} ${r.recipe}`.replace(/\.json$/, ''),
    front: r.pareto,
    highlight: record.recommended?.id === r.id,
  });
  const charts: string[] = [];
  const timed = rows.filter((r) => r.figures!.latency !== null);
  const unit = timed[0]?.figures!.latency_unit;
  const yLimit = lim.min_top1 !== undefined ? { value: lim.min_top1 * 100, label: `min top-1 ${fmt(lim.min_top1 * 100, 1)}%` } : undefined;
  if (timed.length > 0) {
    const clock = timed[0].figures!.latency_ms! > 0 ? timed[0].figures!.latency! / timed[0].figures!.latency_ms! : 0;
    charts.push(
      scatterChart({
        id: `pareto-latency-${board}`,
        title: `${board}: top-1 against latency`,
        xLabel: `${unit} per inference`,
        yLabel: 'device top-1',
        yPercent: true,
        points: timed.map((r) => point(r, r.figures!.latency!)),
        yLimit,
        xLimit:
          lim.max_latency_ms !== undefined && clock > 0
            ? { value: lim.max_latency_ms * clock, label: `max ${fmt(lim.max_latency_ms, 1)} ms` }
            : undefined,
      }),
    );
  } else
    charts.push(
      `<p class="note">${esc(board)} has no latency figure (${esc(rows[0].figures!.latency_unit)}): its front is over top-1, flash and RAM.</p>`,
    );
  const flashLimit = Math.min(lim.max_flash_bytes ?? Infinity, info?.flash_bytes ?? Infinity);
  charts.push(
    scatterChart({
      id: `pareto-flash-${board}`,
      title: `${board}: top-1 against flash`,
      xLabel: 'flash bytes',
      yLabel: 'device top-1',
      yPercent: true,
      points: rows.map((r) => point(r, r.figures!.flash_bytes)),
      yLimit,
      xLimit:
        Number.isFinite(flashLimit) && flashLimit <= 4 * Math.max(...rows.map((r) => r.figures!.flash_bytes))
          ? {
              value: flashLimit,
              label: flashLimit === lim.max_flash_bytes ? `max flash ${fmt(flashLimit)} B` : `board flash ${fmt(flashLimit)} B`,
            }
          : undefined,
    }),
  );
  const ramLimit = Math.min(lim.max_ram_bytes ?? Infinity, info?.ram_bytes ?? Infinity);
  charts.push(
    scatterChart({
      id: `pareto-ram-${board}`,
      title: `${board}: top-1 against static RAM`,
      xLabel: 'static RAM bytes',
      yLabel: 'device top-1',
      yPercent: true,
      points: rows.map((r) => point(r, r.figures!.ram_bytes)),
      yLimit,
      xLimit:
        Number.isFinite(ramLimit) && ramLimit <= 4 * Math.max(...rows.map((r) => r.figures!.ram_bytes))
          ? { value: ramLimit, label: ramLimit === lim.max_ram_bytes ? `max RAM ${fmt(ramLimit)} B` : `board RAM ${fmt(ramLimit)} B` }
          : undefined,
    }),
  );
  return charts.join('\n');
}

function jobTable(record: SweepRecord): string {
  const rows = record.jobs.map((r, i) => {
    const f = r.figures;
    const at = `jobs.${i}`;
    const status =
      r.status === 'ok'
        ? r.meets_limits
          ? '<span class="ok">within limits</span>'
          : `<span class="bad">${esc(r.limit_failures.join('; '))}</span>`
        : r.status === 'failed'
          ? `<span class="bad">error[${esc(r.error?.code ?? '?')}]: ${esc(r.error?.message ?? '')}</span>`
          : 'pending';
    const cls = [r.pareto ? 'front' : '', record.recommended?.id === r.id ? 'recommended' : ''].filter(Boolean).join(' ');
    return (
      `<tr data-job="${esc(r.id)}"${cls ? ` class="${cls}"` : ''}><td>${r.report ? `<a href="${esc(r.report.replace(/\.json$/, '.html'))}">${esc(r.name)}</a>` : esc(r.name)}</td>` +
      `<td class="n">${f ? field(`${at}.figures.device_top1`, pct(f.device_top1)) : '—'}</td>` +
      `<td class="n">${f && f.latency !== null ? field(`${at}.figures.latency`, fmt(f.latency)) : '—'}</td>` +
      `<td class="n">${f && f.latency_ms !== null ? fmt(f.latency_ms, 2) : '—'}</td>` +
      `<td class="n">${f ? field(`${at}.figures.flash_bytes`, fmt(f.flash_bytes)) : '—'}</td>` +
      `<td class="n">${f ? field(`${at}.figures.ram_bytes`, fmt(f.ram_bytes)) : '—'}</td>` +
      `<td>${r.pareto ? '✓' : ''}</td><td>${r.compression_cached === true ? 'cache' : r.compression_cached === false ? 'computed' : ''}</td><td>${status}</td></tr>`
    );
  });
  return `<table><tr><th>job</th><th class="n">device top-1</th><th class="n">latency</th><th class="n">ms</th><th class="n">flash B</th><th class="n">static RAM B</th><th>front</th><th>compression</th><th>limits / error</th></tr>
${rows.join('\n')}</table>`;
}

function limitsText(record: SweepRecord): string {
  const l = record.spec.limits;
  const parts = [
    l.max_flash_bytes !== undefined ? `flash ≤ ${fmt(l.max_flash_bytes)} B` : '',
    l.max_ram_bytes !== undefined ? `static RAM ≤ ${fmt(l.max_ram_bytes)} B` : '',
    l.max_latency_ms !== undefined ? `latency ≤ ${fmt(l.max_latency_ms, 3)} ms` : '',
    l.min_top1 !== undefined ? `top-1 ≥ ${pct(l.min_top1)}` : '',
    l.min_agreement !== undefined ? `agreement ≥ ${pct(l.min_agreement)}` : '',
  ].filter(Boolean);
  return parts.length ? parts.join(', ') : 'none (every measured point qualifies)';
}

export function renderSweepHtml(record: SweepRecord, boards: Record<string, SweepBoard>): string {
  const s = record.spec;
  const failed = record.jobs.filter((r) => r.status === 'failed').length;
  const rec = record.recommended;
  const recRow = rec && record.jobs.find((r) => r.id === rec.id);
  const body = `<h1>Sweep ${esc(record.id)}</h1>
<p>${esc(s.models.join(', '))} × recipes ${esc(s.recipes.join(', '))} × boards ${esc(s.boards.join(', '))}, ${fmt(s.samples)} samples of ${esc(s.dataset)};
queue ${esc(record.queue)}${record.workers ? `, ${record.workers} worker${record.workers > 1 ? 's' : ''}` : ''}.</p>
<table>
<tr><th>jobs</th><td>${field('done', String(record.done))} of ${field('total', String(record.total))} done${failed ? `, <span class="bad">${failed} failed</span>` : ''}, wall time ${field('wall_ms', fmt(record.wall_ms / 1000, 1))} s</td></tr>
<tr><th>limits</th><td>${esc(limitsText(record))}</td></tr>
<tr><th>recommended</th><td>${rec && recRow?.figures ? `<b>${esc(rec.name)}</b>: ${pct(recRow.figures.device_top1)} top-1, ${recRow.figures.latency === null ? 'latency unavailable' : `${fmt(recRow.figures.latency)} ${esc(recRow.figures.latency_unit)}`}, ${fmt(recRow.figures.flash_bytes)} B flash, ${fmt(recRow.figures.ram_bytes)} B static RAM<br><code>${esc(rec.command)}</code><br><span class="note">${esc(rec.rule)}</span>` : 'none: no measured point is within the limits'}</td></tr>
</table>
${s.boards.map((b) => `<h2>${esc(b)}${boards[b] ? ` <span class="note">${esc(boards[b].name)}</span>` : ''}</h2>\n${boardCharts(record, b, boards[b])}`).join('\n')}
<h2>Every job</h2>
<p class="note">Filled points and ✓: on the board's Pareto front (no other point on that board has at least its top-1 and at most its latency, flash and static RAM, and is better in one). Ringed: the recommended point. Lines join the points no other beats on that chart's two axes.</p>
${jobTable(record)}`;
  return page(
    `tinyforge sweep ${record.id}`,
    body,
    `Generated by tinyforge ${esc(record.tool.version)} at ${esc(record.updated_at)} from sweep.json; resume with <code>${esc(record.resume)}</code>.`,
  );
}
