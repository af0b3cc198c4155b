// Binarized activations (XNOR-popcount) vs BinaryConnect (add/subtract) on LeNet-300-100: trains each from the float
// example model with the binary pass (last layer kept in float), reports reference top-1 on the MNIST test set, then
// deploys each on an emulated board: device top-1 vs the reference, instructions per inference and per layer.
// Usage: node --import tsx bench/xnor.ts [--train 20000] [--test 10000] [--epochs 3] [--board mps2-an386] [--device 100]
//        [--reuse]  (load the models a previous run saved under out/bench-xnor/ instead of training them again)
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { binary } from '../src/compress/binary.ts';
import { createLog } from '../src/compress/pass.ts';
import { weightRatio } from '../src/compress/deep-compression-table.ts';
import { buildProject } from '../src/build/build-project.ts';
import { loadBoard } from '../src/build/boards.ts';
import { generateModel } from '../src/codegen/generate.ts';
import { loadProject, writeProject } from '../src/codegen/project.ts';
import { type Dataset } from '../src/data/dataset.ts';
import { loadDataset } from '../src/data/load-dataset.ts';
import { openDevice } from '../src/device/device-session.ts';
import { bytesOf, outputValues } from '../src/device/measure.ts';
import { importOnnx } from '../src/import/onnx.ts';
import type { Graph } from '../src/ir/graph.ts';
import { loadIrJson, saveIrJson } from '../src/ir/serialize.ts';
import { runGraph } from '../src/reference/interpreter.ts';
import { argmax, prepareInput } from '../src/reference/model-input.ts';

const arg = (name: string, def: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : def;
};

function referenceTop1(g: Graph, ds: Dataset): number {
  let ok = 0;
  for (let i = 0; i < ds.size; i++) {
    const { x, label } = ds.get(i);
    if (argmax(runGraph(g, { [g.inputs[0]]: prepareInput(g, x) }).outputs[g.outputs[0]]) === label) ok++;
  }
  return ok / ds.size;
}

export async function onDevice(g: Graph, boardId: string, tag: string, test: Dataset, n: number) {
  const board = loadBoard(boardId);
  const gen = generateModel(g, { board });
  const dir = join('out', 'bench-xnor', `${boardId}-${tag}`);
  writeProject(dir, { graph: g, generated: gen, board: board.id, modelPath: 'bench', quantization: 'float32', lib: false, compression: {}, force: true });
  const project = loadProject(dir);
  const fw = await buildProject(project, board);
  const session = await openDevice(board, fw.elfPath);
  try {
    let agree = 0;
    let correct = 0;
    const totals: number[] = [];
    const layers: number[][] = [];
    for (let i = 0; i < n; i++) {
      const { x, label } = test.get(i);
      const input = prepareInput(g, x);
      const r = await session.profile(bytesOf(input));
      totals.push(r.latency.value ?? NaN);
      r.layers.forEach((l, k) => (layers[k] ??= []).push(l.value ?? NaN));
      const dev = argmax(outputValues(g, r.output));
      if (dev === argmax(runGraph(g, { [g.inputs[0]]: input }).outputs[g.outputs[0]])) agree++;
      if (dev === label) correct++;
    }
    const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    return {
      kernels: gen.kernels, samples: n, device_top1: correct / n, top1_agreement_with_reference: agree / n, instructions_median: med(totals),
      layers: g.nodes.map((node, k) => ({ node: node.name, op: node.op, instructions: med(layers[k] ?? [NaN]) })), weight_bytes: gen.weightBytes, flash_bytes: fw.size.flashBytes,
    };
  } finally {
    await session.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const trainN = Number(arg('train', '20000'));
  const testN = Number(arg('test', '10000'));
  const epochs = Number(arg('epochs', '3'));
  const boardId = arg('board', 'mps2-an386');
  const deviceN = Number(arg('device', '100'));
  const say = (m: string) => process.stderr.write(`${m}\n`);
  const path = 'examples/mnist-lenet300/model.onnx';
  const float = importOnnx(new Uint8Array(readFileSync(path)), path);
  const train = await loadDataset('mnist', { split: 'train', limit: trainN });
  const test = await loadDataset('mnist', { split: 'test', limit: testN });
  mkdirSync(join('out', 'bench-xnor'), { recursive: true });
  const rows: Record<string, unknown>[] = [{ variant: 'float', top1: referenceTop1(float, test) }];
  // binaryconnect: fc1, fc2 1-bit (add/subtract); xnor: the same with fc2 on binarized inputs; xnor-keep-first: fc1 float,
  // fc2 XNOR (a BNN hidden layer between full-precision first and last layers).
  for (const [tag, xnor, keepFirst] of [['binaryconnect', false, false], ['xnor', true, false], ['xnor-keep-first', true, true]] as const) {
    const t0 = Date.now();
    const params = { mode: 'deterministic', alpha: 'per-channel', keep_first: keepFirst, keep_last: true, binarize_activations: xnor, epochs, lr: 1e-3, samples: trainN, val_samples: 1000, batch_size: 64, seed: 1 };
    const saved = join('out', 'bench-xnor', `lenet300-${tag}.tfir.json`);
    let ir: Graph;
    let notes: string[] = [];
    if (process.argv.includes('--reuse') && existsSync(saved)) {
      ir = loadIrJson(saved);
      notes = [`reused ${saved}`];
    } else {
      const out = await binary.run(float, { params, data: { dataset: train } }, createLog((m) => say(m)));
      ir = out.ir;
      notes = out.report.notes ?? [];
      saveIrJson(ir, saved);
    }
    const top1 = referenceTop1(ir, test);
    say(`${tag}: top-1 ${top1} (${Math.round((Date.now() - t0) / 1000)} s); on ${boardId}…`);
    rows.push({ variant: tag, top1, train_images: trainN, epochs, seconds: Math.round((Date.now() - t0) / 1000), ratio: weightRatio(ir).ratio, notes,
      device: { board: boardId, ...(await onDevice(ir, boardId, tag, test, deviceN)) } });
  }
  process.stdout.write(JSON.stringify({ test_images: testN, rows }, null, 2) + '\n');
}
