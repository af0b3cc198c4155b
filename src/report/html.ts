// report.html: the figures of report.json as a page — a summary whose numbers are report.json's, then accuracy on an
// axis that shows the differences, flash and RAM against the board's limits, per-layer latency and memory, the arena
// timeline, the compression steps with the per-layer table, and the confusion matrix.
import type { Report } from './report.ts';
import { page } from './page.ts';
import { accuracyDomain, barChart, color, confusionChart, esc, field, fmt, pct, timelineChart, usageChart, type Bar } from './svg.ts';

export interface BoardLimits {
  flash_bytes: number;
  ram_bytes: number;
}

function summary(r: Report): string {
  const row = (label: string, cells: string) => `<tr><th>${esc(label)}</th><td>${cells}</td></tr>`;
  const latency =
    r.latency.median === null
      ? `unavailable${r.latency.note ? ` <span class="note">(${esc(r.latency.note)})</span>` : ''}`
      : `${field('latency.median', fmt(r.latency.median))} ${esc(r.latency.unit)} median, p90 ${field('latency.p90', fmt(r.latency.p90))}, ≈ ${field('latency.ms', fmt(r.latency.ms, 3))} ms at ${fmt(r.latency.clock_hz / 1e6)} MHz`;
  return `<table>
${row('model', `${field('model.params', fmt(r.model.params))} params, ${field('model.macs', fmt(r.model.macs))} MACs, ${esc(r.model.quantization)}`)}
${row('latency', latency)}
${r.latency.stream ? row('stream', `${r.latency.stream.step === null ? '—' : `${field('latency.stream.step', fmt(r.latency.stream.step))} ${esc(r.latency.unit)}`} per step, ${field('latency.stream.steps', fmt(r.latency.stream.steps))} steps per inference, state ${field('memory.state_bytes', fmt(r.memory.state_bytes ?? 0))} B outside the arena`) + '\n' : ''}${row('memory', `flash ${field('memory.flash_bytes', fmt(r.memory.flash_bytes))} B, static RAM ${field('memory.ram_bytes', fmt(r.memory.ram_bytes))} B (arena ${field('memory.arena_bytes', fmt(r.memory.arena_bytes))} B), stack ${r.memory.stack_bytes === null ? '—' : `${field('memory.stack_bytes', fmt(r.memory.stack_bytes))} B`}`)}
${row('weights', `${field('compression.compressed_bytes', fmt(r.compression.compressed_bytes))} B in flash, ${field('compression.ratio', fmt(r.compression.ratio, 2))}× smaller than float32 (${fmt(r.compression.original_bytes)} B)`)}
${row('top-1', `device ${field('accuracy.device_top1', pct(r.accuracy.device_top1))}, reference ${field('accuracy.reference_top1', pct(r.accuracy.reference_top1))}, float model ${r.accuracy.float_top1 == null ? `— ${r.accuracy.float_note ? `<span class="note">(${esc(r.accuracy.float_note)})</span>` : ''}` : field('accuracy.float_top1', pct(r.accuracy.float_top1))} on ${field('accuracy.samples', fmt(r.accuracy.samples))} samples of ${esc(r.accuracy.dataset)}`)}
${row('agreement', `${field('accuracy.agreement', pct(r.accuracy.agreement))} (${esc(r.accuracy.agreement_kind)})`)}
</table>`;
}

function accuracy(r: Report): string {
  const bars: Bar[] = [];
  if (r.accuracy.float_top1 != null) bars.push({ label: 'float model (host)', value: r.accuracy.float_top1 * 100, color: color(2) });
  if (r.accuracy.reference_top1 != null)
    bars.push({ label: 'reference interpreter', value: r.accuracy.reference_top1 * 100, color: color(1) });
  if (r.accuracy.device_top1 != null)
    bars.push({ label: `device (${r.target.kind})`, value: r.accuracy.device_top1 * 100, color: color(0) });
  if (bars.length === 0) return '';
  const domain = accuracyDomain(bars.map((b) => b.value));
  const diff =
    r.accuracy.device_top1 != null && r.accuracy.float_top1 != null ? (r.accuracy.device_top1 - r.accuracy.float_top1) * 100 : null;
  const end = (v: number) => fmt(v, v % 1 ? 1 : 0);
  const note =
    `The axis runs from ${end(domain[0])}% to ${end(domain[1])}%${domain[0] > 0 ? ', not from 0, so that differences show' : ''}.` +
    (diff !== null ? ` Device − float model: ${diff >= 0 ? '+' : '−'}${fmt(Math.abs(diff), 2)} pt.` : '');
  return barChart({
    id: 'accuracy',
    title: `Top-1 on ${r.accuracy.samples} samples of ${r.accuracy.dataset}`,
    unit: '%',
    bars,
    domain,
    digits: 2,
    note,
  });
}

function memoryAgainstBoard(r: Report, limits?: BoardLimits): string {
  const weights = r.compression.compressed_bytes;
  const flash = r.memory.flash_bytes;
  const arena = r.memory.arena_bytes;
  const stack = r.memory.stack_limit_bytes ?? r.memory.stack_bytes ?? 0;
  if (!limits) {
    return barChart({
      id: 'memory',
      title: 'Memory on the device',
      unit: 'B',
      bars: [
        { label: 'flash', value: flash },
        { label: 'static RAM', value: r.memory.ram_bytes },
        { label: 'arena', value: arena },
      ],
    });
  }
  return usageChart('memory', `Flash and RAM against the board's limits (${r.board})`, [
    {
      label: 'flash',
      parts: [
        { label: 'weights', value: Math.min(weights, flash) },
        { label: 'code, runtime and other data', value: Math.max(0, flash - weights) },
      ],
      limit: limits.flash_bytes,
      limitLabel: "the board's",
    },
    {
      label: 'RAM',
      parts: [
        { label: 'arena', value: arena },
        { label: 'other static data', value: Math.max(0, r.memory.ram_bytes - arena) },
        { label: r.memory.stack_limit_bytes ? 'stack reserved' : 'stack used', value: stack },
      ],
      limit: limits.ram_bytes,
      limitLabel: "the board's",
    },
  ]);
}

const short = (s: string, n = 28) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

function perLayerLatency(r: Report): string {
  const rows = r.latency.per_layer;
  if (!rows?.length) return '';
  const total = rows.reduce((s, l) => s + l.latency, 0) || 1;
  return barChart({
    id: 'layer-latency',
    title: `Latency per layer (${r.latency.unit}, first sample)`,
    unit: r.latency.unit,
    bars: rows.map((l) => ({
      label: short(`${l.layer}. ${l.op} ${l.node}`),
      value: l.latency,
      text: `${fmt(l.latency)} (${fmt((100 * l.latency) / total, 1)}%)${l.macs ? ` · ${fmt(l.latency / l.macs, 2)}/MAC` : ''}${
        l.fused_into ? ` · fused into ${l.fused_into}` : l.fused_from ? ` · ${l.fused_from.join(', ')} fused in` : ''
      }`,
    })),
  });
}

function perLayerMemory(r: Report): string {
  const timeline = r.memory.arena_timeline;
  const layers = r.compression.layers ?? [];
  if (!timeline && layers.length === 0) return '';
  const names = timeline?.layers ?? layers.map((l) => l.node);
  const weightOf = new Map(layers.map((l) => [l.node, l.bytes]));
  const bars: Bar[] = [];
  names.forEach((node, i) => {
    bars.push({
      label: short(`${i}. ${node}`),
      value: weightOf.get(node) ?? 0,
      text: `${fmt(weightOf.get(node) ?? 0)} B weights`,
      color: color(0),
    });
    if (timeline) {
      const live = timeline.buffers.filter((b) => b.first_layer <= i && i <= b.last_layer).reduce((s, b) => s + b.bytes, 0);
      bars.push({ label: '', value: live, text: `${fmt(live)} B of arena live`, color: color(1) });
    }
  });
  return barChart({
    id: 'layer-memory',
    title: 'Memory per layer: its weights in flash and the arena in use while it runs',
    unit: 'B',
    bars,
  });
}

function arena(r: Report): string {
  const t = r.memory.arena_timeline;
  if (!t || t.buffers.length === 0) return '';
  return timelineChart(
    'arena-timeline',
    `Arena timeline: where each tensor lives, and when (${fmt(r.memory.arena_bytes)} B, naive ${fmt(r.memory.arena_naive_bytes)} B)`,
    t.layers,
    t.buffers.map((b) => ({
      label: b.scratch_of !== undefined ? `scratch of ${b.scratch_of}` : b.tensors.join(' = '),
      first: b.first_layer,
      last: b.last_layer,
      offset: b.offset,
      bytes: b.bytes,
    })),
    r.memory.arena_bytes,
    r.memory.arena_lower_bound_bytes,
  );
}

interface StepLayerRow {
  node: string;
  bits_per_weight?: number;
}

function compression(r: Report): string {
  const c = r.compression;
  const steps = c.steps as unknown as { name: string; bytes_after?: number; layers?: StepLayerRow[] }[];
  const out: string[] = [];
  if (steps.length > 0) {
    out.push(
      barChart({
        id: 'compression-steps',
        title: 'Weight bytes after each compression step',
        unit: 'B',
        bars: [
          { label: 'float32 input model', value: c.original_bytes, color: color(2) },
          ...steps.map((s, i) => ({
            label: short(`${i + 1}. ${s.name}`),
            value: s.bytes_after ?? 0,
            text: `${fmt(s.bytes_after ?? 0)} B (${fmt(c.original_bytes / Math.max(1, s.bytes_after ?? 1), 1)}×)`,
          })),
          {
            label: 'in flash (board kernels)',
            value: c.compressed_bytes,
            text: `${fmt(c.compressed_bytes)} B (${fmt(c.ratio, 1)}×)`,
            color: color(1),
          },
        ],
      }),
    );
  }
  if (c.layers?.length) {
    const bits = new Map<string, number>();
    for (const s of steps) for (const l of s.layers ?? []) if (typeof l.bits_per_weight === 'number') bits.set(l.node, l.bits_per_weight);
    const rows = c.layers
      .map(
        (l) =>
          `<tr><td>${esc(l.node)}</td><td>${esc(l.op)}</td><td>${esc(l.format)}</td><td class="n">${fmt(l.params)}</td><td class="n">${l.params ? fmt((100 * l.kept_weights) / l.params, 1) : '—'}%</td>` +
          `<td class="n">${bits.has(l.node) ? fmt(bits.get(l.node)!, 1) : '—'}</td><td class="n">${l.kept_weights ? fmt((8 * l.bytes) / l.kept_weights, 2) : '—'}</td><td class="n">${fmt(l.bytes)}</td><td class="n">${l.bytes ? fmt((4 * l.params) / l.bytes, 1) : '—'}×</td></tr>`,
      )
      .join('\n');
    out.push(`<figure data-chart="compression-layers"><figcaption>Per layer, as deployed (Deep Compression's table)</figcaption><table>
<tr><th>layer</th><th>op</th><th>format</th><th class="n">weights</th><th class="n">kept</th><th class="n">bits/weight</th><th class="n">bytes per kept weight × 8</th><th class="n">bytes</th><th class="n">vs float32</th></tr>
${rows}
<tr><th colspan="7">total</th><th class="n">${field('compression.compressed_bytes', fmt(c.compressed_bytes), 'span')}</th><th class="n">${fmt(c.ratio, 1)}×</th></tr>
</table></figure>`);
  }
  return out.join('\n');
}

function confusion(r: Report): string {
  const m = r.accuracy.confusion;
  if (!m?.length) return '';
  return confusionChart('confusion', `Confusion matrix of the device's answers (${r.accuracy.samples} samples)`, m, r.accuracy.classes);
}

export function renderHtml(r: Report, boardLimits?: BoardLimits): string {
  const sections = [
    summary(r),
    '<h2>Accuracy</h2>',
    accuracy(r),
    confusion(r),
    '<h2>Memory</h2>',
    memoryAgainstBoard(r, boardLimits),
    perLayerMemory(r),
    arena(r),
    r.latency.per_layer?.length ? '<h2>Latency</h2>' : '',
    perLayerLatency(r),
    '<h2>Compression</h2>',
    compression(r) || '<p class="note">Nothing was compressed: the weights are deployed as the model file holds them.</p>',
  ];
  return page(
    `tinyforge report: ${r.model.name} on ${r.board}`,
    `<h1>${esc(r.model.name)} on ${esc(r.board)}</h1>\n<p><span class="tag">${esc(r.target.kind)}</span> ${esc(r.target.detail)}</p>\n${sections.filter(Boolean).join('\n')}`,
    `Generated by tinyforge ${esc(r.tool.version)} at ${esc(r.created_at)} from report.json.`,
  );
}
