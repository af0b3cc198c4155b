// Small random GRU / LSTM ONNX models for the int8 recurrent tests, imported and simplified, with their int8 form
// calibrated on seeded samples.
import { encodeModel, floatTensor, int64Tensor, makeModel, node, valueInfo } from '../../src/import/onnx-proto-write.ts';
import { importOnnx } from '../../src/import/onnx.ts';
import { simplify } from '../../src/ir/optimize.ts';
import type { Graph } from '../../src/ir/graph.ts';
import { createLog } from '../../src/compress/pass.ts';
import { runPipeline } from '../../src/compress/pipeline.ts';
import { randF32, rng } from '../codegen/graphs.ts';

export interface RnnInt8Case {
  op: 'GRU' | 'LSTM';
  steps: number;
  batch: number;
  inSize: number;
  hidden: number;
  linearBeforeReset?: boolean;
  reverse?: boolean;
  /** Y (every step) or Y_h (the last one). */
  output: 'Y' | 'Y_h';
  bias?: boolean;
  /** initial state: absent, a constant, or tanh of the input's first step (needs hidden = inSize). */
  initial?: 'none' | 'const' | 'runtime';
  /** A constant initial state's values lie in ±initialRange (default 0.8). */
  initialRange?: number;
  seed: number;
}

export function rnnInt8Model(c: RnnInt8Case): Uint8Array {
  const r = rng(c.seed);
  const g = (c.op === 'GRU' ? 3 : 4) * c.hidden;
  const inits = [
    floatTensor('W', [1, g, c.inSize], randF32(r, g * c.inSize, -0.6, 0.6)),
    floatTensor('R', [1, g, c.hidden], randF32(r, g * c.hidden, -0.6, 0.6)),
  ];
  if (c.bias ?? true) inits.push(floatTensor('B', [1, 2 * g], randF32(r, 2 * g, -0.5, 0.5)));
  const nodes = [];
  const stateNames = c.op === 'GRU' ? ['h0'] : ['h0', 'c0'];
  if (c.initial === 'const')
    stateNames.forEach((s) =>
      inits.push(floatTensor(s, [1, c.batch, c.hidden], randF32(r, c.batch * c.hidden, -(c.initialRange ?? 0.8), c.initialRange ?? 0.8))),
    );
  if (c.initial === 'runtime') {
    inits.push(int64Tensor('first', [1], [0]), int64Tensor('one', [1], [1]), int64Tensor('axis0', [1], [0]));
    nodes.push(node('Slice', ['x', 'first', 'one', 'axis0'], ['x0']));
    stateNames.forEach((s) => nodes.push(node('Tanh', ['x0'], [s])));
  }
  const state = c.initial && c.initial !== 'none' ? stateNames : [];
  const ins = ['x', 'W', 'R', c.bias === false ? '' : 'B', '', ...state];
  while (ins[ins.length - 1] === '') ins.pop();
  const attrs: Record<string, number | string> = { hidden_size: c.hidden };
  if (c.reverse) attrs.direction = 'reverse';
  if (c.op === 'GRU') attrs.linear_before_reset = c.linearBeforeReset ? 1 : 0;
  const outs = c.output === 'Y' ? ['Y'] : ['', 'Y_h'];
  nodes.push(node(c.op, ins, outs, attrs));
  const dims = c.output === 'Y' ? [c.steps, 1, c.batch, c.hidden] : [1, c.batch, c.hidden];
  return encodeModel(
    makeModel({
      nodes,
      initializers: inits,
      inputs: [valueInfo('x', [c.steps, c.batch, c.inSize])],
      outputs: [valueInfo(c.output, dims)],
      opset: 14,
    }),
  );
}

/** Seeded float inputs in [−2, 2]. */
export function rnnInputs(c: RnnInt8Case, count: number, seed: number): Float32Array[] {
  const r = rng(seed);
  return Array.from({ length: count }, () => randF32(r, c.steps * c.batch * c.inSize, -2, 2));
}

/** The float graph and its int8 quantization calibrated on 16 samples, with the pass's diagnostics codes. */
export async function rnnInt8Graphs(c: RnnInt8Case): Promise<{ float: Graph; int8: Graph; codes: string[] }> {
  const float = simplify(importOnnx(rnnInt8Model(c), `${c.op}.onnx`));
  const calibration = rnnInputs(c, 16, c.seed + 100).map((x) => ({ [float.inputs[0]]: x }));
  const log = createLog();
  const { ir } = await runPipeline(float, [{ step: 'quantize-int8', samples: 16 }], { data: { calibration }, log });
  return { float, int8: ir, codes: log.diagnostics.map((d) => d.code) };
}
