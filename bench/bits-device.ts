// Runs a compressed model (an IR JSON saved by bench/bits.ts) on an emulated board: device top-1 on N test images vs the
// reference interpreter, latency, flash/RAM/stack. `nodecode` deploys the same weight values stored dense (no Huffman
// decoding) and runs every MAC, zeros included: its instructions per MAC times the MACs on kept weights is the compute
// cost of the packed build, and the rest of the packed build's instructions is the decode cost.
// Usage: node --import tsx bench/bits-device.ts <model.tfir.json> <board> [samples] [--nodecode]
import { join } from 'node:path';
import { buildProject } from '../src/build/build-project.ts';
import { loadBoard } from '../src/build/boards.ts';
import { generateModel } from '../src/codegen/generate.ts';
import { loadProject, writeProject } from '../src/codegen/project.ts';
import { loadDataset } from '../src/data/load-dataset.ts';
import { openDevice } from '../src/device/device-session.ts';
import { measureOnDevice } from '../src/device/measure.ts';
import { cloneGraph, product, type Graph } from '../src/ir/graph.ts';
import { graphStats } from '../src/ir/stats.ts';
import { loadIrJson } from '../src/ir/serialize.ts';

export interface DeviceBitsRow {
  board: string;
  variant: 'packed' | 'dense-weights';
  samples: number;
  device_top1: number;
  reference_top1: number;
  agreement: number;
  latency_unit: string;
  latency_median: number | null;
  flash_bytes: number;
  ram_bytes: number;
  arena_bytes: number;
  weight_bytes: number;
  stack_bytes: number | null;
  /** MACs of the graph, and MACs on nonzero weights (what a sparse kernel computes). */
  macs: number;
  kept_macs: number;
}

/** MACs on nonzero Dense/Conv2D weights: each conv weight is used once per output pixel. */
export function keptMacs(g: Graph): number {
  let m = 0;
  for (const n of g.nodes) {
    if (n.op !== 'Dense' && n.op !== 'Conv2D') continue;
    const w = g.tensors[n.inputs[1]];
    const y = g.tensors[n.outputs[0]];
    if (!w?.data) continue;
    let nz = 0;
    for (const v of w.data) if (v !== 0) nz++;
    m += nz * (product(y.shape) / w.shape[0]);
  }
  return m;
}

export async function deviceBits(irPath: string, boardId: string, samples = 500, nodecode = false): Promise<DeviceBitsRow> {
  let g = loadIrJson(irPath);
  if (nodecode) {
    g = cloneGraph(g);
    for (const t of Object.values(g.tensors)) delete t.storage;
  }
  const board = loadBoard(boardId);
  const gen = generateModel(g, { board });
  const dir = join('out', 'bench-device', `${boardId}-${nodecode ? 'dense' : 'packed'}`);
  writeProject(dir, { graph: g, generated: gen, board: board.id, modelPath: irPath, quantization: 'float32', lib: false, compression: {}, force: true });
  const project = loadProject(dir);
  const fw = await buildProject(project, board);
  const session = await openDevice(board, fw.elfPath);
  try {
    const data = await loadDataset('mnist', { split: 'test', limit: samples });
    const m = await measureOnDevice(session, project.graph, data, { samples });
    const stack = await session.stack();
    const sorted = [...m.latencies].sort((a, b) => a - b);
    return {
      board: boardId, variant: nodecode ? 'dense-weights' : 'packed', samples: m.samples, device_top1: m.deviceTop1, reference_top1: m.referenceTop1,
      agreement: m.agreement, latency_unit: m.unit, latency_median: sorted.length ? sorted[Math.floor(sorted.length / 2)] : null,
      flash_bytes: fw.size.flashBytes, ram_bytes: fw.size.ramBytes, arena_bytes: gen.arenaBytes, weight_bytes: gen.weightBytes,
      stack_bytes: stack.highWaterBytes, macs: graphStats(g).totals.macs, kept_macs: keptMacs(g),
    };
  } finally {
    await session.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [irPath, board, n] = process.argv.slice(2).filter((a) => !a.startsWith('--'));
  const row = await deviceBits(irPath, board, n ? Number(n) : 500, process.argv.includes('--nodecode'));
  process.stdout.write(JSON.stringify(row, null, 2) + '\n');
}
