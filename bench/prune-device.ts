// The pruning bench's device rows: deploys models on an emulated board (mps2-an386) through the library and measures
// flash, instructions per inference and top-1, so structured pruning's speed-up can be set against its MAC cut and
// sparse (weight-pruned) storage shown to save flash but not time.
import type { Dataset } from '../src/data/dataset.ts';
import type { Graph, TensorData } from '../src/ir/graph.ts';
import { graphStats } from '../src/ir/stats.ts';
import { runPipeline } from '../src/compress/pipeline.ts';
import { measureOnDevice } from '../src/device/measure.ts';
import { runGraph } from '../src/reference/interpreter.ts';
import { argmax, prepareInput } from '../src/reference/model-input.ts';
import { deployToBoard } from './deploy-board.ts';

export interface DeviceModelRow {
  name: string;
  board: string;
  quant: 'int8' | 'float32';
  /** How the weights are stored in flash: dense arrays, or the library's sparse clustered (Huffman) stream. */
  storage: 'dense' | 'sparse-clustered';
  params: number;
  macs: number;
  /** Non-zero weights (Dense / Conv weights only). */
  nonzero_weights: number;
  status: 'ok' | 'does-not-fit' | 'error';
  reason?: string;
  flash_bytes?: number;
  weight_bytes?: number;
  latency_unit?: string;
  /** Median per inference over the device samples. */
  instructions?: number | null;
  device_samples?: number;
  device_top1?: number;
  /** int8: identical output bytes vs the reference interpreter; float: same top-1. */
  agreement?: number;
  /** The deployed graph's top-1 on the whole test set (reference interpreter for int8, tfjs for float). */
  top1: number;
}

/** Weights of Dense / Conv layers that are not zero. */
export function nonzeroWeights(g: Graph): number {
  let n = 0;
  for (const node of g.nodes) {
    if (!['Dense', 'Conv2D', 'DepthwiseConv2D'].includes(node.op)) continue;
    const d = g.tensors[node.inputs[1]!]!.data!;
    for (let i = 0; i < d.length; i++) if (d[i] !== 0) n++;
  }
  return n;
}

/** Post-training int8 (the library's PTQ) calibrated on `calibration` (preprocessed graph-input records). */
export async function toInt8(g: Graph, calibration: Record<string, TensorData>[]): Promise<Graph> {
  return (await runPipeline(g, 'int8', { data: { calibration } })).ir;
}

/** Top-1 of a (float or int8) graph through the reference interpreter, over all of `ds`. */
export function referenceTop1(g: Graph, ds: Dataset): number {
  let ok = 0;
  for (let i = 0; i < ds.size; i++) {
    const { x, label } = ds.get(i);
    const out = runGraph(g, { [g.inputs[0]!]: prepareInput(g, x) }).outputs[g.outputs[0]!]!;
    if (argmax(out) === label) ok++;
  }
  return ok / Math.max(1, ds.size);
}

/**
 * Builds `g` for `boardId`, runs `samples` test images on the emulated device (outputs checked against the reference
 * interpreter) and returns flash, median instructions per inference and top-1. `stats` is the float graph the
 * params / MACs are counted on; `top1` the full-test-set figure measured by the caller.
 */
export async function deviceRow(
  name: string, g: Graph, stats: Graph, boardId: string, test: Dataset, samples: number, top1: number,
  storage: DeviceModelRow['storage'], say: (m: string) => void,
): Promise<DeviceModelRow> {
  const quant = Object.values(g.tensors).some((t) => t.dtype === 'i8') ? 'int8' : 'float32';
  const s = graphStats(stats).totals;
  const base: DeviceModelRow = { name, board: boardId, quant, storage, params: s.params, macs: s.macs, nonzero_weights: nonzeroWeights(stats), status: 'ok', top1 };
  const outcome = await deployToBoard(g, boardId, { modelPath: `${name}.tfir.json`, quantization: quant });
  if (!outcome.ok) {
    say(`  ${name} on ${boardId}: ${outcome.status} — ${outcome.reason}`);
    return { ...base, status: outcome.status, reason: outcome.reason };
  }
  const { session, project, elf, close } = outcome.deployed;
  try {
    const m = await measureOnDevice(session, project.graph, test, { samples });
    const sorted = [...m.latencies].sort((a, b) => a - b);
    const row: DeviceModelRow = {
      ...base, flash_bytes: elf.flashBytes, weight_bytes: project.manifest.weight_bytes, latency_unit: m.unit,
      instructions: sorted.length ? sorted[Math.floor(sorted.length / 2)]! : null, device_samples: m.samples, device_top1: m.deviceTop1, agreement: m.agreement,
    };
    say(`  ${name} (${quant}, ${storage}) on ${boardId}: flash ${row.flash_bytes} B, ${row.instructions} ${m.unit}/inference, device top-1 ${(m.deviceTop1 * 100).toFixed(1)}% on ${m.samples}, agreement ${(m.agreement * 100).toFixed(1)}%`);
    return row;
  } finally {
    await close();
  }
}
