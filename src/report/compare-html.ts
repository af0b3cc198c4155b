// cmp.html: runs side by side — a table of their figures with each one's difference from the first run, top-1,
// flash, RAM and latency per run against the boards' limits, the Pareto charts, and per-layer latency and weights.
import type { BoardLimits } from './html.ts';
import type { ComparedRun, Comparison } from './compare.ts';
import { page } from './page.ts';
import { accuracyDomain, barChart, color, esc, fmt, pct, scatterChart, type Bar } from './svg.ts';

/** A figure of run i printed from its report.json: `data-run` and `data-field` let a test compare it with the file. */
const cell = (i: number, path: string, text: string) => `<span data-run="${i}" data-field="${esc(path)}">${esc(text)}</span>`;

interface Row {
  label: string;
  path: string;
  value: (r: ComparedRun) => number | null | undefined;
  show: (v: number) => string;
  /** Whether a larger value is the better one (for the colour of the difference). */
  higherIsBetter: boolean;
  /** The difference from the first run, as text. */
  delta: (v: number, base: number) => string;
}

const signed = (v: number, text: string) => `${v > 0 ? '+' : v < 0 ? '−' : '±'}${text}`;
const relative = (v: number, base: number) => (base ? signed(v - base, `${fmt(Math.abs((100 * (v - base)) / base), 1)}%`) : '');
const points = (v: number, base: number) => signed(v - base, `${fmt(Math.abs(100 * (v - base)), 2)} pt`);

const ROWS: Row[] = [
  {
    label: 'device top-1',
    path: 'accuracy.device_top1',
    value: (r) => r.report.accuracy.device_top1,
    show: (v) => pct(v),
    higherIsBetter: true,
    delta: points,
  },
  {
    label: 'reference top-1',
    path: 'accuracy.reference_top1',
    value: (r) => r.report.accuracy.reference_top1,
    show: (v) => pct(v),
    higherIsBetter: true,
    delta: points,
  },
  {
    label: 'float model top-1',
    path: 'accuracy.float_top1',
    value: (r) => r.report.accuracy.float_top1,
    show: (v) => pct(v),
    higherIsBetter: true,
    delta: points,
  },
  {
    label: 'agreement',
    path: 'accuracy.agreement',
    value: (r) => r.report.accuracy.agreement,
    show: (v) => pct(v),
    higherIsBetter: true,
    delta: points,
  },
  {
    label: 'latency (median)',
    path: 'latency.median',
    value: (r) => r.report.latency.median,
    show: (v) => fmt(v),
    higherIsBetter: false,
    delta: relative,
  },
  {
    label: 'latency ms at the board clock',
    path: 'latency.ms',
    value: (r) => (r.report.latency.median === null ? null : r.report.latency.ms),
    show: (v) => fmt(v, 3),
    higherIsBetter: false,
    delta: relative,
  },
  {
    label: 'flash B',
    path: 'memory.flash_bytes',
    value: (r) => r.report.memory.flash_bytes,
    show: (v) => fmt(v),
    higherIsBetter: false,
    delta: relative,
  },
  {
    label: 'static RAM B',
    path: 'memory.ram_bytes',
    value: (r) => r.report.memory.ram_bytes,
    show: (v) => fmt(v),
    higherIsBetter: false,
    delta: relative,
  },
  {
    label: 'arena B',
    path: 'memory.arena_bytes',
    value: (r) => r.report.memory.arena_bytes,
    show: (v) => fmt(v),
    higherIsBetter: false,
    delta: relative,
  },
  {
    label: 'stack used B',
    path: 'memory.stack_bytes',
    value: (r) => r.report.memory.stack_bytes,
    show: (v) => fmt(v),
    higherIsBetter: false,
    delta: relative,
  },
  {
    label: 'weights in flash B',
    path: 'compression.compressed_bytes',
    value: (r) => r.report.compression.compressed_bytes,
    show: (v) => fmt(v),
    higherIsBetter: false,
    delta: relative,
  },
  {
    label: 'smaller than float32',
    path: 'compression.ratio',
    value: (r) => r.report.compression.ratio,
    show: (v) => `${fmt(v, 2)}`,
    higherIsBetter: true,
    delta: relative,
  },
  {
    label: 'params',
    path: 'model.params',
    value: (r) => r.report.model.params,
    show: (v) => fmt(v),
    higherIsBetter: false,
    delta: relative,
  },
  { label: 'MACs', path: 'model.macs', value: (r) => r.report.model.macs, show: (v) => fmt(v), higherIsBetter: false, delta: relative },
];

function sideBySide(runs: ComparedRun[], links: (string | null)[]): string {
  const head = `<tr><th></th>${runs.map((r, i) => `<th class="n"><span style="color:${color(i)}">■</span> ${links[i] ? `<a href="${esc(links[i]!)}">${esc(r.label)}</a>` : esc(r.label)}</th>`).join('')}</tr>`;
  const info = (label: string, text: (r: ComparedRun) => string) =>
    `<tr><th>${label}</th>${runs.map((r) => `<td class="n">${esc(text(r))}</td>`).join('')}</tr>`;
  const rows = ROWS.map((row) => {
    const base = row.value(runs[0]);
    const cells = runs.map((r, i) => {
      const v = row.value(r);
      if (v === null || v === undefined) return '<td class="n">—</td>';
      const d = i > 0 && base !== null && base !== undefined && v !== base ? row.delta(v, base) : '';
      const better = v > (base as number) === row.higherIsBetter;
      return `<td class="n">${cell(i, row.path, row.show(v))}${d ? ` <span class="${better ? 'ok' : 'bad'} note">${esc(d)}</span>` : ''}</td>`;
    });
    return `<tr><th>${esc(row.label)}</th>${cells.join('')}</tr>`;
  });
  return `<table data-table="runs">${head}
${info('board', (r) => r.report.board)}
${info('target', (r) => r.report.target.kind)}
${info('compression', (r) => r.report.compression.steps.map((s) => s.name).join(' → ') || 'none')}
${info('latency unit', (r) => r.report.latency.unit)}
${info('samples', (r) => `${fmt(r.report.accuracy.samples)} of ${r.report.accuracy.dataset}`)}
${rows.join('\n')}
${info('Pareto front', (r) => (r.pareto ? '✓' : ''))}
</table>`;
}

function perRun(runs: ComparedRun[], limits: Record<string, BoardLimits>): string {
  const bar = (r: ComparedRun, i: number, value: number, text?: string): Bar => ({ label: r.label, value, color: color(i), text });
  const charts: string[] = [];
  const accurate = runs.map((r, i) => [r, i] as const).filter(([r]) => r.figures.device_top1 !== null);
  if (accurate.length) {
    const bars = accurate.map(([r, i]) => bar(r, i, r.figures.device_top1! * 100));
    charts.push(
      barChart({
        id: 'accuracy',
        title: 'Device top-1',
        unit: '%',
        bars,
        domain: accuracyDomain(bars.map((b) => b.value)),
        digits: 2,
        note: 'The axis starts where the differences show, not at 0.',
      }),
    );
  }
  const boards = [...new Set(runs.map((r) => r.report.board))];
  const boardLimit = (key: keyof BoardLimits, what: string) =>
    boards.filter((b) => limits[b]).map((b) => ({ label: `${b} ${what}`, value: limits[b][key] }));
  const flashLimits = boardLimit('flash_bytes', 'flash');
  const ramLimits = boardLimit('ram_bytes', 'RAM');
  const flashMax = Math.max(...runs.map((r) => r.figures.flash_bytes));
  const ramMax = Math.max(...runs.map((r) => r.figures.ram_bytes));
  // A board's limit is drawn when it is within 4× of the largest run, so the bars stay readable.
  charts.push(
    barChart({
      id: 'flash',
      title: 'Flash',
      unit: 'B',
      bars: runs.map((r, i) => bar(r, i, r.figures.flash_bytes)),
      limits: flashLimits.filter((l) => l.value <= 4 * flashMax),
      note:
        flashLimits
          .filter((l) => l.value > 4 * flashMax)
          .map((l) => `${esc(l.label)}: ${fmt(l.value)} B, off the scale.`)
          .join(' ') || undefined,
    }),
  );
  charts.push(
    barChart({
      id: 'ram',
      title: 'Static RAM (arena included)',
      unit: 'B',
      bars: runs.map((r, i) => bar(r, i, r.figures.ram_bytes)),
      limits: ramLimits.filter((l) => l.value <= 4 * ramMax),
      note:
        ramLimits
          .filter((l) => l.value > 4 * ramMax)
          .map((l) => `${esc(l.label)}: ${fmt(l.value)} B, off the scale.`)
          .join(' ') || undefined,
    }),
  );
  const timed = runs.map((r, i) => [r, i] as const).filter(([r]) => r.figures.latency_ms !== null);
  if (timed.length) {
    charts.push(
      barChart({
        id: 'latency',
        title: "Latency per inference, ms at each board's clock",
        unit: 'ms',
        digits: 3,
        bars: timed.map(([r, i]) =>
          bar(r, i, r.figures.latency_ms!, `${fmt(r.figures.latency_ms, 3)} ms (${fmt(r.figures.latency)} ${r.figures.latency_unit})`),
        ),
        note:
          timed.length < runs.length
            ? `No latency on ${esc(
                runs
                  .filter((r) => r.figures.latency_ms === null)
                  .map((r) => r.label)
                  .join(', '),
              )} (no honest counter on that board).`
            : undefined,
      }),
    );
  }
  return charts.join('\n');
}

function pareto(runs: ComparedRun[]): string {
  const measured = runs.map((r, i) => [r, i] as const).filter(([r]) => r.figures.device_top1 !== null);
  if (measured.length < 2) return '';
  const point = ([r, i]: readonly [ComparedRun, number], x: number) => ({
    x,
    y: r.figures.device_top1! * 100,
    label: r.label,
    front: r.pareto,
    color: color(i),
  });
  const charts: string[] = [];
  const timed = measured.filter(([r]) => r.figures.latency_ms !== null);
  if (timed.length >= 2)
    charts.push(
      scatterChart({
        id: 'pareto-latency',
        title: 'Top-1 against latency',
        xLabel: 'ms per inference',
        yLabel: 'device top-1',
        yPercent: true,
        points: timed.map((m) => point(m, m[0].figures.latency_ms!)),
      }),
    );
  charts.push(
    scatterChart({
      id: 'pareto-flash',
      title: 'Top-1 against flash',
      xLabel: 'flash bytes',
      yLabel: 'device top-1',
      yPercent: true,
      points: measured.map((m) => point(m, m[0].figures.flash_bytes)),
    }),
  );
  charts.push(
    scatterChart({
      id: 'pareto-ram',
      title: 'Top-1 against static RAM',
      xLabel: 'static RAM bytes',
      yLabel: 'device top-1',
      yPercent: true,
      points: measured.map((m) => point(m, m[0].figures.ram_bytes)),
    }),
  );
  return `<h2>Pareto front</h2>
<p class="note">Filled points: no other run on the same board has at least their top-1 and at most their latency, flash and static RAM and is better in one. Lines join the runs no other beats on that chart's two axes.</p>
${charts.join('\n')}`;
}

/** One bar per run for each layer, in the order the layers run; a run without the layer has no bar there. */
function perLayer(
  runs: ComparedRun[],
  id: string,
  title: string,
  unit: string,
  layersOf: (r: ComparedRun) => { node: string; value: number }[] | undefined,
): string {
  const have = runs
    .map((r, i) => [i, layersOf(r)] as const)
    .filter((x): x is readonly [number, { node: string; value: number }[]] => !!x[1]?.length);
  if (have.length < 2) return '';
  const nodes: string[] = [];
  for (const [, layers] of have) for (const l of layers) if (!nodes.includes(l.node)) nodes.push(l.node);
  const bars: Bar[] = [];
  for (const node of nodes) {
    let first = true;
    for (const [i, layers] of have) {
      const l = layers.find((x) => x.node === node);
      if (!l) continue;
      bars.push({
        label: first ? (node.length > 28 ? `${node.slice(0, 27)}…` : node) : '',
        value: l.value,
        color: color(i),
        text: `${fmt(l.value)} ${unit} (${runs[i].label})`,
      });
      first = false;
    }
  }
  return barChart({ id, title, unit, bars });
}

/** `limits`: each board's flash and RAM; `links`: each run's report.html relative to the page, or null. */
export function renderCompareHtml(cmp: Comparison, limits: Record<string, BoardLimits>, links: (string | null)[] = []): string {
  const { runs } = cmp;
  const units = new Set(runs.filter((r) => r.report.latency.per_layer?.length).map((r) => r.report.latency.unit));
  const body = `<h1>Comparing ${runs.length} runs</h1>
<p>${runs.map((r, i) => `<span style="color:${color(i)}">■</span> <b>${esc(r.label)}</b>: ${esc(r.report.model.name)} on ${esc(r.report.board)} <span class="note">(${esc(r.file)})</span>`).join('<br>\n')}</p>
<p class="note">Differences are from the first run, ${esc(runs[0].label)}; green where the run is better.</p>
${sideBySide(runs, links)}
<h2>Side by side</h2>
${perRun(runs, limits)}
${pareto(runs)}
${units.size === 1 ? perLayer(runs, 'layer-latency', `Latency per layer (${[...units][0]}, first sample)`, [...units][0], (r) => r.report.latency.per_layer?.map((l) => ({ node: l.node, value: l.latency }))) : ''}
${perLayer(runs, 'layer-bytes', 'Weight bytes per layer in flash', 'B', (r) => r.report.compression.layers?.map((l) => ({ node: l.node, value: l.bytes })))}`;
  return page(
    `tinyforge compare: ${runs.map((r) => r.label).join(', ')}`,
    body,
    `Generated by tinyforge from ${runs.length} report.json files.`,
  );
}
