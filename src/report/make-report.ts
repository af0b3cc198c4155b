// Assembles report.json from what each stage measured; nothing here measures, it only puts the figures together.
import type { Graph } from '../ir/graph.ts';
import { graphStats } from '../ir/stats.ts';
import type { Board } from '../build/boards.ts';
import type { ElfSize } from '../build/elf-size.ts';
import type { ProjectManifest } from '../codegen/project.ts';
import { deployedLayers, graphWeightFlash, type DeployedLayer } from '../packing/flash-bytes.ts';
import { float32WeightBytes } from '../compress/deep-compression-table.ts';
import type { Compression } from '../compress/pipeline.ts';
import type { DeviceMeasurement } from '../device/measure.ts';
import type { StackReport } from '../device/protocol.ts';
import type { TflmComparison } from '../data/tflm-reference-outputs.ts';
import { TOOL_VERSION } from '../package.ts';
import { summarize, toMs, type LayerLatency, type Report } from './report.ts';
import { arenaTimeline } from './arena-timeline.ts';
import { confusionMatrix } from './confusion.ts';
import { product } from '../ir/graph.ts';

export function targetOf(board: Board): Report['target'] {
  if (board.emulator)
    return {
      kind: 'emulator',
      detail: `QEMU ${board.emulator.machine} with -icount shift=${board.emulator.icountShift}: figures are emulated, not measured on hardware`,
    };
  if (board.flasher === 'host-process') return { kind: 'host', detail: 'native process on this machine, over a pty' };
  return { kind: 'hardware', detail: `${board.name} over a serial port` };
}

export interface ReportInputs {
  board: Board;
  graph: Graph;
  floatGraph: Graph;
  modelPath: string;
  manifest: ProjectManifest;
  compression: Compression;
  elf: ElfSize;
  measurement: DeviceMeasurement;
  dataset: string;
  stack: StackReport | null;
  perLayer?: LayerLatency[];
  /** `--stream`: one step's count on the device (latency.stream.step). */
  streamStep?: number | null;
  floatTop1?: number | null;
  /** Why floatTop1 is null, when it is. */
  floatNote?: string;
  latencyNote?: string;
  tflmReference?: TflmComparison;
  classes?: string[];
  datasetNotes?: string[];
}

/** What is in flash, per layer, from the compiled project (an older project without weight_arrays: from its graph). */
export function flashLayers(graph: Graph, manifest: ProjectManifest): { layers: DeployedLayer[]; layoutBytes: number } {
  const arrays = manifest.weight_arrays ?? graphWeightFlash(graph);
  return { layers: deployedLayers(graph, arrays), layoutBytes: arrays.reduce((s, a) => s + (a.layoutBytes ?? 0), 0) };
}

export function makeReport(r: ReportInputs): Report {
  const stats = graphStats(r.graph); // the deployed graph
  const { median, p90 } = summarize(r.measurement.latencies);
  // Host wall-clock nanoseconds are noisy and not a device figure: kept in the note, not as the latency.
  const unit = r.measurement.unit;
  // The ratio: float32 weight bytes of the input model ÷ weight bytes in flash, also for a model that came in
  // compressed (a .tfir.json from `compress` carries its input model's figures; an int8 .tflite counts as float32).
  const original = r.compression.original_bytes || float32WeightBytes(r.floatGraph);
  const deployed = r.manifest.weight_bytes;
  const flash = flashLayers(r.graph, r.manifest);
  const timeline = arenaTimeline(r.graph, r.manifest.arena_bytes, r.manifest.arena_buffers);
  // A classifier's answers (one output per class, up to 100 of them) make a matrix worth drawing.
  const classes = product(r.graph.tensors[r.graph.outputs[0]].shape);
  const labels = r.measurement.labels ?? [];
  const confusion =
    classes >= 2 && classes <= 100 && labels.length > 0 && labels.every((l) => l < classes)
      ? confusionMatrix(labels, r.measurement.devicePredictions, classes)
      : undefined;
  return {
    tool: { name: 'tinyforge', version: TOOL_VERSION },
    board: r.board.id,
    target: targetOf(r.board),
    model: {
      name: r.graph.name,
      path: r.modelPath,
      params: stats.totals.params,
      macs: stats.totals.macs,
      kept_weights: flash.layers.reduce((s, l) => s + l.kept_weights, 0),
      quantization: r.manifest.quantization,
    },
    compression: {
      steps: r.compression.steps as unknown as Report['compression']['steps'],
      original_bytes: original,
      compressed_bytes: deployed,
      ratio: deployed > 0 ? original / deployed : 1,
      params_before: r.compression.params_before,
      macs_before: r.compression.macs_before,
      bytes_before: r.compression.bytes_before,
      source: r.compression.source,
      layers: flash.layers,
      ...(flash.layoutBytes > 0 ? { layout_bytes: flash.layoutBytes } : {}),
    },
    memory: {
      flash_bytes: r.elf.flashBytes,
      ram_bytes: r.elf.ramBytes,
      arena_bytes: r.manifest.arena_bytes,
      stack_bytes: r.stack ? r.stack.highWaterBytes : null,
      stack_planned_bytes: r.manifest.stack?.planned_bytes ?? null,
      stack_limit_bytes: r.stack ? r.stack.stackBytes : (r.manifest.stack?.limit_bytes ?? null),
      arena_naive_bytes: r.manifest.arena_naive_bytes,
      arena_lower_bound_bytes: r.manifest.arena_lower_bound_bytes,
      sections: { text: r.elf.text, rodata: r.elf.rodata, data: r.elf.data, bss: r.elf.bss },
      ...(timeline ? { arena_timeline: timeline } : {}),
      ...(r.manifest.stream ? { state_bytes: r.manifest.stream.state_bytes } : {}),
    },
    latency: {
      unit: unit === 'nanoseconds' ? 'unavailable' : unit,
      median: unit === 'nanoseconds' ? null : median,
      p90: unit === 'nanoseconds' ? null : p90,
      clock_hz: r.board.clockHz,
      ms: unit === 'nanoseconds' ? (median === null ? null : median / 1e6) : toMs(median, r.board.clockHz),
      note:
        unit === 'nanoseconds'
          ? `host wall-clock: median ${median} ns (not a device figure)`
          : (r.latencyNote ?? r.board.cycleCounter.note),
      per_layer: r.perLayer,
      ...(r.manifest.stream ? { stream: { steps: r.manifest.stream.steps, step: r.streamStep ?? null } } : {}),
    },
    accuracy: {
      samples: r.measurement.samples,
      dataset: r.dataset,
      device_top1: r.measurement.deviceTop1,
      reference_top1: r.measurement.referenceTop1,
      agreement: r.measurement.agreement,
      agreement_kind: r.measurement.agreementKind,
      float_top1: r.floatTop1 ?? null,
      ...(r.tflmReference ? { tflm_reference: r.tflmReference } : {}),
      ...(r.classes ? { classes: r.classes } : {}),
      ...(r.datasetNotes?.length ? { notes: r.datasetNotes } : {}),
      ...(r.floatNote ? { float_note: r.floatNote } : {}),
      ...(confusion ? { confusion } : {}),
    },
    created_at: new Date().toISOString(),
  };
}
