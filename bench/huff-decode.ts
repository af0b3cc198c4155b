// Cost of decoding Huffman-packed weights on a device: profiles a compressed model (an IR JSON with clustered + Huffman
// storage) layer by layer on an emulated board: packed, packed with the kernel's multiply-accumulate line removed
// (decode only: the stream is still fully decoded and checked), and the same weight values stored dense. Decode cost per
// kept weight = decode-only layer instructions / kept weights; compute = packed − decode-only.
// Usage: node --import tsx bench/huff-decode.ts <model.tfir.json> [board=mps2-an385] [images=5]
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildProject } from '../src/build/build-project.ts';
import { loadBoard } from '../src/build/boards.ts';
import { generateModel } from '../src/codegen/generate.ts';
import { loadProject, writeProject } from '../src/codegen/project.ts';
import { loadDataset } from '../src/data/load-dataset.ts';
import { openDevice } from '../src/device/device-session.ts';
import { bytesOf, outputValues } from '../src/device/measure.ts';
import { cloneGraph, product, type Graph } from '../src/ir/graph.ts';
import { loadIrJson } from '../src/ir/serialize.ts';
import { runGraph } from '../src/reference/interpreter.ts';
import { argmax, prepareInput } from '../src/reference/model-input.ts';

interface Profile { total: number; layers: number[]; agree: number; weightBytes: number }

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** The Dense kernel's multiply-accumulate, removed from the project's copy of the kernel for the decode-only variant. */
const MAC_LINE = 'acc += x[pos - row_start] * codebook[sym];';

async function profile(g: Graph, boardId: string, images: number, variant: 'packed' | 'decode-only' | 'dense'): Promise<Profile> {
  const board = loadBoard(boardId);
  const gen = generateModel(g, { board });
  const dir = join('out', 'bench-huff', `${boardId}-${variant}`);
  writeProject(dir, { graph: g, generated: gen, board: board.id, modelPath: 'bench', quantization: 'float32', lib: false, compression: {}, force: true });
  if (variant === 'decode-only') {
    const k = join(dir, 'tfg/kernels/packed/tfg_dense_f32_huff.c');
    const src = readFileSync(k, 'utf8');
    if (!src.includes(MAC_LINE)) throw new Error(`${k}: the MAC line changed; update MAC_LINE`);
    writeFileSync(k, src.replace(MAC_LINE, '(void)x; (void)codebook;'));
  }
  const project = loadProject(dir);
  const fw = await buildProject(project, board);
  const session = await openDevice(board, fw.elfPath);
  try {
    const data = await loadDataset('mnist', { split: 'test', limit: images });
    const totals: number[] = [];
    const layers: number[][] = [];
    let agree = 0;
    for (let i = 0; i < images; i++) {
      const input = prepareInput(project.graph, data.get(i).x);
      const r = await session.profile(bytesOf(input));
      if (r.status !== 0) throw new Error(`${variant}: device status ${r.status}`);
      totals.push(r.latency.value ?? NaN);
      r.layers.forEach((l, k) => (layers[k] ??= []).push(l.value ?? NaN));
      const ref = runGraph(project.graph, { [project.graph.inputs[0]]: input }).outputs[project.graph.outputs[0]];
      if (variant !== 'decode-only' && argmax(outputValues(project.graph, r.output)) === argmax(ref)) agree++;
    }
    return { total: median(totals), layers: layers.map(median), agree, weightBytes: gen.weightBytes };
  } finally {
    await session.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [irPath, boardId = 'mps2-an385', n = '5'] = process.argv.slice(2);
  const g = loadIrJson(irPath);
  const dense = cloneGraph(g);
  for (const t of Object.values(dense.tensors)) delete t.storage;
  const images = Number(n);
  const p = await profile(g, boardId, images, 'packed');
  const o = await profile(g, boardId, images, 'decode-only');
  const d = await profile(dense, boardId, images, 'dense');
  const rows = g.nodes.map((node, k) => {
    const w = node.op === 'Dense' ? g.tensors[node.inputs[1]] : undefined;
    if (w?.storage?.kind !== 'clustered') return undefined;
    const macs = product(w.shape);
    let kept = 0;
    for (let i = 0; i < macs; i++) if (w.data![i] !== 0) kept++;
    const r1 = (x: number) => Math.round(x * 10) / 10;
    return {
      node: node.name, macs, kept, packed_instructions: p.layers[k], decode_only_instructions: o.layers[k], dense_instructions: d.layers[k],
      decode_per_kept_weight: r1(o.layers[k] / kept), compute_per_kept_weight: r1((p.layers[k] - o.layers[k]) / kept), dense_per_mac: r1(d.layers[k] / macs),
    };
  }).filter(Boolean);
  const kept = rows.reduce((s, r) => s + r!.kept, 0);
  const decode = rows.reduce((s, r) => s + r!.decode_only_instructions, 0);
  process.stdout.write(JSON.stringify({
    board: boardId, images, packed_total: p.total, dense_total: d.total, packed_weight_bytes: p.weightBytes, dense_weight_bytes: d.weightBytes,
    packed_top1_agreement: `${p.agree}/${images}`, dense_top1_agreement: `${d.agree}/${images}`,
    decode_instructions_total: decode, decode_per_kept_weight: Math.round((decode / kept) * 10) / 10, layers: rows,
  }, null, 2) + '\n');
}
