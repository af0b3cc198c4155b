// A small float CNN put through PTQ (runPipeline 'int8') and codegen: the generated C that the RISC-V and ESP-IDF
// tests build, with the reference interpreter's int8 outputs to compare against.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { generateModel, type GeneratedModel } from '../../src/codegen/generate.ts';
import { runPipeline } from '../../src/compress/pipeline.ts';
import { GraphBuilder } from '../../src/ir/builder.ts';
import type { Graph, TensorData } from '../../src/ir/graph.ts';
import { runGraph } from '../../src/reference/interpreter.ts';
import { randF32, randI8, rng } from '../codegen/graphs.ts';

/** conv3x3 (relu) → maxpool 2 → dense 16 relu → dense 10 → softmax on an 8×8×1 image. */
export function floatCnn(seed = 7): Graph {
  const r = rng(seed);
  const b = new GraphBuilder('tiny-cnn');
  const x = b.input('image', [1, 8, 8, 1]);
  const w1 = b.constant('conv.weight', randF32(r, 4 * 3 * 3, -0.6, 0.6), [4, 3, 3, 1]);
  const b1 = b.constant('conv.bias', randF32(r, 4, -0.1, 0.1), [4]);
  const c1 = b.node('Conv2D', [x, w1, b1], { pads: [1, 1, 1, 1], activation: 'relu' }, 'conv');
  const p1 = b.node('MaxPool', [c1], { kernel: [2, 2], strides: [2, 2], pads: [0, 0, 0, 0] }, 'pool');
  const f = b.node('Reshape', [p1], { shape: [1, 64] }, 'flatten');
  const w2 = b.constant('fc1.weight', randF32(r, 16 * 64, -0.3, 0.3), [16, 64]);
  const b2 = b.constant('fc1.bias', randF32(r, 16, -0.1, 0.1), [16]);
  const d1 = b.node('Dense', [f, w2, b2], { activation: 'relu' }, 'fc1');
  const w3 = b.constant('fc2.weight', randF32(r, 10 * 16, -0.5, 0.5), [10, 16]);
  const d2 = b.node('Dense', [d1, w3, ''], {}, 'fc2');
  b.output(b.node('Softmax', [d2], { axis: -1, beta: 1 }, 'probs'));
  return b.build();
}

export interface Int8Model {
  graph: Graph;
  gen: GeneratedModel;
  inputName: string;
  outputName: string;
}

/** PTQ with 32 calibration images, then C for the board's kernel set. */
export async function int8Cnn(kernels = 'reference'): Promise<Int8Model> {
  const g = floatCnn();
  const r = rng(11);
  const calibration = Array.from({ length: 32 }, () => ({ image: randF32(r, 64, 0, 1) }));
  const { ir } = await runPipeline(g, 'int8', { data: { calibration } });
  return { graph: ir, gen: generateModel(ir, { board: { kernels } }), inputName: ir.inputs[0], outputName: ir.outputs[0] };
}

/** Seeded int8 inputs for the model. */
export function int8Inputs(n: number, seed = 5): Int8Array[] {
  const r = rng(seed);
  return Array.from({ length: n }, () => randI8(r, 64));
}

/** The reference interpreter's output bytes for one input. */
export function referenceOutput(m: Int8Model, input: Int8Array): Uint8Array {
  const out = runGraph(m.graph, { [m.inputName]: input as TensorData }).outputs[m.outputName];
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength).slice();
}

/** Writes every generated file under `dir`; returns the absolute .c paths (model.c first). */
export function writeModel(dir: string, gen: GeneratedModel): string[] {
  for (const [rel, text] of Object.entries(gen.files)) {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
  return gen.sources.map((s) => join(dir, s));
}
