// `--mlperf` (issue 8): the four MLPerf Tiny int8 models deployed on mps2-an386 (and others with --boards), measured
// next to TFLM + CMSIS-NN on the same emulated board; KWS also top-1 and agreement with TFLM's device outputs.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Graph } from '../src/ir/graph.ts';
import { graphStats } from '../src/ir/stats.ts';
import { prepareModel } from '../src/cli/steps.ts';
import { loadMlperfFolder, type MlperfFolderDataset } from '../src/data/mlperf-folder.ts';
import { readTflmDeviceOutputs, sameAsTflm, type TflmDeviceRow } from '../src/data/tflm-reference-outputs.ts';
import { bytesOf, outputValues } from '../src/device/measure.ts';
import { profileLayers } from '../src/device/layer-views.ts';
import { runGraph } from '../src/reference/interpreter.ts';
import { argmax } from '../src/reference/model-input.ts';
import { summarize } from '../src/report/report.ts';
import { table } from '../src/cli/output.ts';
import { deployToBoard } from './deploy-board.ts';
import { num, pct, ratio, type Figure } from './format.ts';

/** The committed MLPerf Tiny fixtures, found from this file so the bench runs from any working directory. */
const MLPERF = fileURLToPath(new URL('../examples/mlperf-tiny/', import.meta.url));

interface TflmFigures {
  instructions: number;
  arena: number;
  flash: number;
}

interface MlperfModel {
  key: string;
  name: string;
  file: string;
  samples: string;
  /** TFLM + CMSIS-NN on mps2-an386 (issue 8), and per other board where it was measured (instructions only). */
  tflm: TflmFigures;
  tflmInstructionsByBoard: Record<string, number>;
  /** Largest live set the issue names as the arena floor. */
  floorBytes?: number;
}

export const MLPERF_MODELS: MlperfModel[] = [
  { key: 'kws', name: 'KWS DS-CNN', file: 'kws01/models/kws_ref_model.tflite', samples: 'kws01/samples', tflm: { instructions: 7_697_225, arena: 22_832, flash: 109_324 }, tflmInstructionsByBoard: { 'mps2-an385': 10_531_605, 'mps2-an385-armv6m': 28_999_575 }, floorBytes: 16_000 },
  { key: 'ic', name: 'IC ResNet-8', file: 'ic01/models/pretrainedResnet_quant.tflite', samples: 'ic01/samples', tflm: { instructions: 29_861_810, arena: 55_008, flash: 154_252 }, tflmInstructionsByBoard: {}, floorBytes: 49_200 },
  { key: 'vww', name: 'VWW MobileNetV1-0.25', file: 'vww01/models/vww_96_int8.tflite', samples: 'vww01/samples', tflm: { instructions: 24_101_525, arena: 100_720, flash: 415_840 }, tflmInstructionsByBoard: {}, floorBytes: 55_300 },
  { key: 'ad', name: 'AD autoencoder', file: 'ad01/models/ad01_int8.tflite', samples: 'ad01/samples', tflm: { instructions: 582_825, arena: 3_024, flash: 307_872 }, tflmInstructionsByBoard: {} },
];

/** Inputs run on models whose samples are absent, for latency and memory only. */
const SYNTHETIC_INPUTS = 3;

export interface MlperfRow {
  model: string;
  key: string;
  board: string;
  status: 'ok' | 'does-not-fit' | 'error';
  reason?: string;
  inputs: string;
  macs: number;
  instructions?: number | null;
  instructions_p90?: number | null;
  instr_per_mac?: number | null;
  /** TFLM + CMSIS-NN instructions on this board (null where it was not measured) and ours ÷ theirs. */
  tflm_instructions: number | null;
  instr_ratio?: number | null;
  arena_bytes?: number;
  arena_lower_bound_bytes?: number;
  arena_naive_bytes?: number;
  tflm_arena: number;
  arena_ratio?: number;
  flash_bytes?: number;
  /** TFLM flash was measured on mps2-an386 only. */
  tflm_flash: number | null;
  flash_ratio?: number | null;
  ram_bytes?: number;
  stack_bytes?: number | null;
  /** Instructions per op type on one profiled inference. */
  per_op?: Record<string, { instructions: number; macs: number }>;
  /** Inputs whose device output bytes equal our int8 reference interpreter's. */
  reference_identical?: number;
  samples?: number;
  top1?: number | null;
  tflm_top1?: number | null;
  tflm_same_top1?: number | null;
  tflm_identical?: number | null;
}

export interface MlperfOptions {
  boards?: string[];
  kwsSamples: number;
  models?: string[];
  log?: (m: string) => void;
}

/** Seeded int8 inputs (xorshift), so synthetic runs are the same every time. */
function syntheticInputs(bytes: number, n: number): Int8Array[] {
  let s = 0x9e3779b9;
  return Array.from({ length: n }, () =>
    Int8Array.from({ length: bytes }, () => {
      s ^= s << 13;
      s ^= s >>> 17;
      s ^= s << 5;
      return (s >>> 0) % 256 - 128;
    }),
  );
}

function loadSamples(m: MlperfModel, g: Graph, limit: number): { ds: MlperfFolderDataset | null; why?: string } {
  const folder = join(MLPERF, m.samples);
  try {
    return { ds: loadMlperfFolder(folder, { split: 'test', input: g.tensors[g.inputs[0]], limit }) };
  } catch (e) {
    return { ds: null, why: (e as Error).message };
  }
}

async function measureModel(m: MlperfModel, boardId: string, opts: MlperfOptions, log: (s: string) => void): Promise<MlperfRow> {
  const modelPath = join(MLPERF, m.file);
  const prepared = await prepareModel({ modelPath, quantize: 'int8', calibrationSamples: 0 });
  const g = prepared.graph;
  const macs = graphStats(g).totals.macs;
  const onAn386 = boardId === 'mps2-an386';
  const base: MlperfRow = {
    model: m.name, key: m.key, board: boardId, status: 'ok', inputs: '', macs,
    tflm_instructions: onAn386 ? m.tflm.instructions : (m.tflmInstructionsByBoard[boardId] ?? null),
    tflm_arena: m.tflm.arena, tflm_flash: onAn386 ? m.tflm.flash : null,
  };
  const { ds, why } = loadSamples(m, g, m.key === 'kws' ? opts.kwsSamples : 200);
  const outcome = await deployToBoard(g, boardId, { modelPath, quantization: 'int8' });
  if (!outcome.ok) {
    log(`  ${m.name} ${boardId}: ${outcome.status} — ${outcome.reason}`);
    return { ...base, status: outcome.status, reason: outcome.reason };
  }
  const { session, project, elf, close } = outcome.deployed;
  try {
    const pg = project.graph;
    const inputBytes = session.hello.inputBytes;
    const n = ds ? ds.size : SYNTHETIC_INPUTS;
    const inputs = (i: number): Int8Array => (ds ? ds.getQuantized(i) : syntheticInputs(inputBytes, SYNTHETIC_INPUTS)[i]);
    const tflm: TflmDeviceRow[] | null = m.key === 'kws' && ds ? readTflmDeviceOutputs(join(MLPERF, 'kws01/reference_outputs/tflm_v0.5_nucleo_l4r5zi_device_outputs.csv')) : null;
    const latencies: number[] = [];
    let identical = 0;
    let top1 = 0;
    let tflmTop1 = 0;
    let sameTop1 = 0;
    let tflmIdentical = 0;
    const t0 = Date.now();
    for (let i = 0; i < n; i++) {
      const x = inputs(i);
      const r = await session.run(bytesOf(x));
      if (r.latency.value !== null) latencies.push(r.latency.value);
      const dev = outputValues(pg, r.output);
      const ref = runGraph(pg, { [pg.inputs[0]]: x }).outputs[pg.outputs[0]];
      if (dev.length === ref.length && dev.every((v, k) => v === ref[k])) identical++;
      if (ds) {
        const p = argmax(dev);
        if (p === ds.get(i).label) top1++;
        const row = tflm?.[i];
        if (row) {
          if (row.file !== ds.files[i]) throw new Error(`TFLM reference row ${i} is ${row.file}, sample is ${ds.files[i]}`);
          if (row.argmax === row.label) tflmTop1++;
          if (row.argmax === p) sameTop1++;
          if (sameAsTflm(dev, row)) tflmIdentical++;
        }
      }
      if (i === 0) log(`  ${m.name} ${boardId}: first inference ${num(r.latency.value)} ${r.latency.unit}, ${((Date.now() - t0) / 1000).toFixed(1)} s with the reference check`);
      if ((i + 1) % 100 === 0) log(`  ${m.name} ${boardId}: ${i + 1}/${n}`);
    }
    const stack = await session.stack();
    const perOp: Record<string, { instructions: number; macs: number }> = {};
    for (const l of await profileLayers(session, pg, inputs(0))) {
      perOp[l.op] ??= { instructions: 0, macs: 0 };
      perOp[l.op].instructions += l.latency;
      perOp[l.op].macs += l.macs;
    }
    const { median, p90 } = summarize(latencies);
    const row: MlperfRow = {
      ...base,
      inputs: ds ? `${ds.size} ${m.samples.split('/')[0]} samples` : `${SYNTHETIC_INPUTS} synthetic seeded int8 inputs (sample .bin files absent)`,
      instructions: median,
      instructions_p90: p90,
      instr_per_mac: median === null ? null : median / macs,
      instr_ratio: median !== null && base.tflm_instructions ? median / base.tflm_instructions : null,
      arena_bytes: project.manifest.arena_bytes,
      arena_lower_bound_bytes: project.manifest.arena_lower_bound_bytes,
      arena_naive_bytes: project.manifest.arena_naive_bytes,
      arena_ratio: project.manifest.arena_bytes / m.tflm.arena,
      flash_bytes: elf.flashBytes,
      flash_ratio: base.tflm_flash ? elf.flashBytes / base.tflm_flash : null,
      ram_bytes: elf.ramBytes,
      stack_bytes: stack.highWaterBytes,
      per_op: perOp,
      reference_identical: identical,
      samples: n,
      top1: ds ? top1 / n : null,
      tflm_top1: tflm ? tflmTop1 / n : null,
      tflm_same_top1: tflm ? sameTop1 / n : null,
      tflm_identical: tflm ? tflmIdentical : null,
    };
    if (!ds) log(`  ${m.name}: no samples (${why}); ran synthetic inputs`);
    log(`  ${m.name} ${boardId}: ${num(median)} instr (${ratio(row.instr_ratio)}× TFLM), arena ${num(row.arena_bytes)} B, flash ${num(row.flash_bytes)} B, ${((Date.now() - t0) / 1000).toFixed(0)} s`);
    return row;
  } catch (e) {
    log(`  ${m.name} ${boardId}: error — ${(e as Error).message}`);
    return { ...base, status: 'error', reason: (e as Error).message };
  } finally {
    await close();
  }
}

export async function benchMlperf(opts: MlperfOptions): Promise<{ rows: MlperfRow[]; figures: Figure[] }> {
  const log = opts.log ?? (() => undefined);
  if (!existsSync(MLPERF)) throw new Error(`${MLPERF} is missing: --mlperf reads the MLPerf Tiny models committed in examples/mlperf-tiny/ (restore it with git checkout)`);
  const models = MLPERF_MODELS.filter((m) => !opts.models || opts.models.includes(m.key));
  const rows: MlperfRow[] = [];
  for (const board of opts.boards ?? ['mps2-an386']) for (const m of models) rows.push(await measureModel(m, board, opts, log));
  return { rows, figures: mlperfFigures(rows) };
}

/** Issue 8's targets (on mps2-an386, where the TFLM figures were measured). */
export function mlperfFigures(rows: MlperfRow[]): Figure[] {
  const figures: Figure[] = [];
  for (const r of rows.filter((r) => r.board === 'mps2-an386')) {
    const ok = r.status === 'ok';
    const na = (v: unknown) => (ok && v !== null && v !== undefined ? null : `not measured (${r.status}${r.reason ? ': ' + r.reason : ''})`);
    figures.push({ name: `${r.model} instructions`, target: `≤ 0.8 × ${num(r.tflm_instructions)}`, measured: na(r.instructions) ?? `${num(r.instructions)} (${ratio(r.instr_ratio, 3)}×)`, pass: ok && r.instr_ratio != null ? r.instr_ratio <= 0.8 : null });
    // The issue floors the arena target at the model's largest live set ("floor: … IC 49.2 KB"): no plan can go below it.
    const floor = MLPERF_MODELS.find((m) => m.key === r.key)?.floorBytes ?? 0;
    const arenaLimit = Math.max(0.75 * r.tflm_arena, floor);
    const arenaTarget = `≤ 0.75 × ${num(r.tflm_arena)} B${floor > 0.75 * r.tflm_arena ? `, floored at the largest live set ${num(floor)} B` : ''}`;
    figures.push({ name: `${r.model} arena`, target: arenaTarget, measured: na(r.arena_bytes) ?? `${num(r.arena_bytes)} B (${ratio(r.arena_ratio, 3)}×; lower bound ${num(r.arena_lower_bound_bytes)} B)`, pass: ok && r.arena_bytes != null ? r.arena_bytes <= arenaLimit : null });
    figures.push({ name: `${r.model} flash`, target: `≤ 0.6 × ${num(r.tflm_flash)} B`, measured: na(r.flash_bytes) ?? `${num(r.flash_bytes)} B (${ratio(r.flash_ratio, 3)}×)`, pass: ok && r.flash_ratio != null ? r.flash_ratio <= 0.6 : null });
    if (r.key === 'kws') {
      figures.push({ name: 'KWS top-1', target: '≥ 90.0% on the 1000 samples', measured: na(r.top1) ?? `${pct(r.top1)} on ${r.samples}`, pass: ok && r.top1 != null ? r.top1 >= 0.9 && r.samples === 1000 : null });
      figures.push({
        name: 'KWS same top-1 as TFLM device', target: '≥ 99.5%',
        measured: na(r.tflm_same_top1) ?? `${pct(r.tflm_same_top1)} (identical vectors ${r.tflm_identical}/${r.samples})`,
        pass: ok && r.tflm_same_top1 != null ? r.tflm_same_top1 >= 0.995 : null,
      });
    }
  }
  return figures;
}

export function formatMlperfTable(rows: MlperfRow[]): string {
  const body = rows.map((r) => {
    if (r.status !== 'ok') return [r.model, r.board, r.status, '', '', '', '', '', '', '', '', r.reason ?? ''];
    const vs = (ours: number | null | undefined, theirs: number | null, q: number | null | undefined) => (theirs ? `${num(ours)} (${num(theirs)}, ${ratio(q)}×)` : num(ours));
    return [
      r.model, r.board, vs(r.instructions, r.tflm_instructions, r.instr_ratio), ratio(r.instr_per_mac),
      `${vs(r.arena_bytes, r.tflm_arena, r.arena_ratio)} ≥${num(r.arena_lower_bound_bytes)}`, vs(r.flash_bytes, r.tflm_flash, r.flash_ratio),
      num(r.ram_bytes), num(r.stack_bytes), `${r.reference_identical}/${r.samples}`,
      pct(r.top1), r.tflm_same_top1 == null ? '—' : `${pct(r.tflm_same_top1)} / ${r.tflm_identical} identical`, r.inputs,
    ];
  });
  return table(
    ['model', 'board', 'instr/inf (TFLM+CMSIS-NN, ratio)', 'instr/MAC', 'arena B (TFLM, ratio) ≥lower bound', 'flash B (TFLM, ratio)', 'static RAM B', 'stack B', 'same bytes as our ref', 'top-1', 'vs TFLM device: same top-1 / identical', 'inputs'],
    body,
  );
}
