// The default benchmark (issue 3): both example MNIST models, float and int8, deployed on each emulated board;
// instructions, memory and device accuracy per row, then the issue's figures checked as PASS/FAIL.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Dataset } from '../src/data/dataset.ts';
import { loadDataset } from '../src/data/load-dataset.ts';
import { graphStats } from '../src/ir/stats.ts';
import { exportOnnx } from '../src/import/onnx-export.ts';
import { prepareModel, type PreparedModel } from '../src/cli/steps.ts';
import { measureOnDevice } from '../src/device/measure.ts';
import { profileLayers } from '../src/device/layer-views.ts';
import { evaluateOnHost } from '../src/reference/evaluate.ts';
import { prepareInput } from '../src/reference/model-input.ts';
import { summarize } from '../src/report/report.ts';
import { deployToBoard } from './deploy-board.ts';
import { num, pct, ratio, type DenseLayerFigure, type ExampleRow, type Figure } from './format.ts';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');

export const EXAMPLE_MODELS = ['mnist-lenet300', 'mnist-cnn'];
/** microbit runs the Cortex-M0 build but cannot time it; mps2-an385-armv6m runs the same instruction stream, timed. */
export const EXAMPLE_BOARDS = ['mps2-an385', 'mps2-an386', 'microbit', 'mps2-an385-armv6m'];
const TIMING_NOTES: Record<string, string> = {
  microbit: 'latency unavailable (QEMU microbit has no -icount timer); see mps2-an385-armv6m',
  'mps2-an385-armv6m': "microbit's Cortex-M0 code timed on mps2-an385",
};

export interface ExamplesOptions {
  samples: number;
  boards?: string[];
  quants?: ('none' | 'int8')[];
  /** Model files to run instead of the examples (smoke test, ad-hoc runs). */
  models?: string[];
  calibrationSamples?: number;
  log?: (message: string) => void;
}

export interface ExamplesResult {
  rows: ExampleRow[];
  figures: Figure[];
}

/** examples/<name>/model.onnx when committed; otherwise a stand-in of the same architecture trained briefly here. */
async function resolveExample(name: string, log: (m: string) => void): Promise<{ path: string; standIn: boolean }> {
  const committed = join(repoRoot, 'examples', name, 'model.onnx');
  if (existsSync(committed)) return { path: committed, standIn: false };
  const cached = join(repoRoot, '.tinyforge-cache', 'bench', `${name}-stand-in.onnx`);
  if (existsSync(cached)) return { path: cached, standIn: true };
  log(`${name}: examples/${name}/model.onnx is not on this branch; training a stand-in (1 epoch, 5,000 images) into ${cached}`);
  const { mnistCnn, mnistLenet300 } = await import('../examples/models.ts');
  const { trainGraph } = await import('../src/train/train.ts');
  const { initBackend } = await import('../src/train/backend.ts');
  await initBackend();
  const train = await loadDataset('mnist', { split: 'train', limit: 5000 });
  const build = name === 'mnist-cnn' ? mnistCnn : mnistLenet300;
  const r = await trainGraph(build(1), train, { epochs: 1, batchSize: 64, learningRate: 2e-3, optimizer: 'adam', seed: 1 });
  mkdirSync(dirname(cached), { recursive: true });
  writeFileSync(cached, exportOnnx(r.graph));
  return { path: cached, standIn: true };
}

/** examples/mnist-cnn/model.onnx → mnist-cnn; tiny.onnx → tiny. */
function modelName(path: string): string {
  const parts = path.split('/');
  const file = parts.pop()!.replace(/\.[^.]+$/, '');
  return file === 'model' && parts.length > 0 ? parts.pop()! : file;
}

/** Σ instructions / Σ MACs over the Dense layers of one profiled inference, and each Dense layer alone. */
function denseFigures(layers: { op: string; node: string; latency: number; macs: number }[]): { layers: DenseLayerFigure[]; total: number | null } {
  const dense = layers.filter((l) => l.op === 'Dense' && l.macs > 0);
  const fig = dense.map((l) => ({ node: l.node, macs: l.macs, instructions: l.latency, per_mac: l.latency / l.macs }));
  const macs = fig.reduce((a, d) => a + d.macs, 0);
  return { layers: fig, total: macs > 0 ? fig.reduce((a, d) => a + d.instructions, 0) / macs : null };
}

async function measureRow(
  prepared: PreparedModel,
  model: { name: string; path: string; standIn: boolean },
  boardId: string,
  data: Dataset,
  floatTop1: number,
  samples: number,
  log: (m: string) => void,
): Promise<ExampleRow> {
  const quant = prepared.quantization;
  const macs = graphStats(prepared.floatGraph).totals.macs;
  const base: ExampleRow = { model: model.name, model_path: model.path, stand_in: model.standIn, quant, board: boardId, status: 'ok', macs };
  const outcome = await deployToBoard(prepared.graph, boardId, { modelPath: model.path, quantization: quant, compression: prepared.compression });
  if (!outcome.ok) {
    log(`  ${model.name} ${quant} ${boardId}: ${outcome.status} — ${outcome.reason}`);
    return { ...base, status: outcome.status, reason: outcome.reason };
  }
  const { session, project, elf, close } = outcome.deployed;
  try {
    const g = project.graph;
    const m = await measureOnDevice(session, g, data, { samples });
    const stack = await session.stack();
    const layers = await profileLayers(session, g, prepareInput(g, data.get(0).x));
    const timed = m.unit === 'instructions' || m.unit === 'cycles';
    const { median, p90 } = summarize(m.latencies);
    const dense = timed ? denseFigures(layers) : { layers: [], total: null };
    const row: ExampleRow = {
      ...base,
      latency_unit: m.unit,
      instructions: timed ? median : null,
      instructions_p90: timed ? p90 : null,
      instr_per_mac: timed && median !== null ? median / macs : null,
      dense_layers: dense.layers,
      dense_instr_per_mac: dense.total,
      flash_bytes: elf.flashBytes,
      ram_bytes: elf.ramBytes,
      arena_bytes: project.manifest.arena_bytes,
      arena_lower_bound_bytes: project.manifest.arena_lower_bound_bytes,
      arena_naive_bytes: project.manifest.arena_naive_bytes,
      stack_bytes: stack.highWaterBytes,
      samples: m.samples,
      device_top1: m.deviceTop1,
      reference_top1: m.referenceTop1,
      float_top1: floatTop1,
      agreement: m.agreement,
      agreement_kind: m.agreementKind,
      timing_note: TIMING_NOTES[boardId],
    };
    log(`  ${model.name} ${quant} ${boardId}: ${row.instructions === null ? 'latency unavailable' : `${num(row.instructions)} instr`}, top-1 ${pct(m.deviceTop1)}, agreement ${pct(m.agreement)}`);
    return row;
  } catch (e) {
    log(`  ${model.name} ${quant} ${boardId}: error — ${(e as Error).message}`);
    return { ...base, status: 'error', reason: (e as Error).message };
  } finally {
    await close();
  }
}

export async function benchExamples(opts: ExamplesOptions): Promise<ExamplesResult> {
  const log = opts.log ?? (() => undefined);
  const boards = opts.boards ?? EXAMPLE_BOARDS;
  const quants = opts.quants ?? ['none', 'int8'];
  const models = opts.models
    ? opts.models.map((p) => ({ name: modelName(p), path: p, standIn: false }))
    : await Promise.all(EXAMPLE_MODELS.map(async (n) => ({ name: n, ...(await resolveExample(n, log)) })));
  const data = await loadDataset('mnist', { split: 'test', limit: opts.samples });
  const rows: ExampleRow[] = [];
  for (const model of models) {
    // Float top-1 on the very images the device sees, by the reference interpreter of the float graph.
    let floatTop1: number | null = null;
    for (const quantize of quants) {
      log(`${model.name}: preparing ${quantize === 'none' ? 'float32' : 'int8 (PTQ, 200 calibration images)'}`);
      const prepared = await prepareModel({ modelPath: model.path, quantize, dataset: 'mnist', calibrationSamples: opts.calibrationSamples ?? 200 });
      floatTop1 ??= (await evaluateOnHost(prepared.floatGraph, data, { limit: opts.samples })).referenceTop1;
      for (const board of boards) rows.push(await measureRow(prepared, model, board, data, floatTop1, opts.samples, log));
    }
  }
  return { rows, figures: exampleFigures(rows) };
}

/** Issue 3's targets, checked on the measured rows. */
export function exampleFigures(rows: ExampleRow[]): Figure[] {
  const ok = rows.filter((r) => r.status === 'ok');
  const figures: Figure[] = [];
  for (const r of ok.filter((r) => r.quant === 'int8' && r.board === 'mps2-an386')) {
    const drop = (r.float_top1 ?? 0) - (r.device_top1 ?? 0);
    figures.push({
      name: `${r.model} int8 top-1 vs float, mps2-an386`,
      target: 'within 0.5 pt of float on the same images',
      measured: `${pct(r.device_top1, 2)} vs float ${pct(r.float_top1, 2)} (${drop >= 0 ? '−' : '+'}${(Math.abs(drop) * 100).toFixed(2)} pt, ${r.samples} images)`,
      pass: r.float_top1 !== null && r.float_top1 !== undefined ? drop <= 0.005 + 1e-12 : null,
    });
  }
  for (const r of ok.filter((r) => r.quant === 'int8')) {
    figures.push({
      name: `${r.model} int8 agreement, ${r.board}`,
      target: '100% identical output bytes vs int8 reference',
      measured: `${pct(r.agreement, 2)} of ${r.samples}`,
      pass: r.agreement === 1,
    });
  }
  const lenet = ok.find((r) => /lenet/.test(r.model) && r.quant === 'int8' && r.board === 'mps2-an386');
  figures.push({
    name: 'LeNet-300-100 int8 dense layers, mps2-an386',
    target: '≤ 3 instructions per MAC (Σ over Dense layers)',
    measured: lenet?.dense_instr_per_mac != null
      ? `${ratio(lenet.dense_instr_per_mac)} (per layer ${lenet.dense_layers!.map((d) => `${d.node} ${ratio(d.per_mac)}`).join(', ')})`
      : 'not measured',
    pass: lenet?.dense_instr_per_mac != null ? lenet.dense_instr_per_mac <= 3 : null,
  });
  // The arena does not depend on the board except through alignment: one line per distinct (model, quant, arena).
  const arenas = new Map<string, { r: ExampleRow; boards: string[] }>();
  for (const r of ok) {
    const key = `${r.model}|${r.quant}|${r.arena_bytes}|${r.arena_lower_bound_bytes}`;
    const e = arenas.get(key);
    if (e) e.boards.push(r.board);
    else arenas.set(key, { r, boards: [r.board] });
  }
  for (const { r, boards } of arenas.values()) {
    const bound = r.arena_lower_bound_bytes ?? 0;
    figures.push({
      name: `${r.model} ${r.quant} arena (${boards.join(', ')})`,
      target: '≤ lower bound × 1.1',
      measured: `${num(r.arena_bytes)} B vs bound ${num(bound)} B (${ratio((r.arena_bytes ?? 0) / Math.max(1, bound))}×)`,
      pass: (r.arena_bytes ?? Infinity) <= bound * 1.1,
    });
  }
  return figures;
}
