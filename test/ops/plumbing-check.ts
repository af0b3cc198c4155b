// The checks every value-moving op (Slice, Split, Gather, Expand, ChannelShuffle, reflect/edge Pad) goes through, on a
// one-op ONNX model: import and float reference against onnxruntime, the ONNX export run by onnxruntime, int8
// quantization keeping the op int8 with values moved exactly (onnxruntime on the dequantized input, requantized, is
// the int8 result byte for byte), and the float and int8 C kernels against the reference on the host.
import { expect } from 'vitest';
import { exportOnnx } from '../../src/import/onnx-export.ts';
import { importOnnx } from '../../src/import/onnx.ts';
import { simplify } from '../../src/ir/optimize.ts';
import type { Graph, OpType } from '../../src/ir/graph.ts';
import { product } from '../../src/ir/graph.ts';
import { runPipeline } from '../../src/compress/pipeline.ts';
import { runGraph } from '../../src/reference/interpreter.ts';
import { dequantizeArray, quantizeArray } from '../../src/reference/quant.ts';
import { compare } from '../../src/conformance/run-case.ts';
import { randF32, rng } from '../codegen/graphs.ts';
import { checkAgainstReference } from '../firmware/kernel-check.ts';
import { runIr, runOrt } from '../import/onnx-fixtures.ts';

export interface PlumbingCase {
  /** One-input ONNX model. */
  bytes: Uint8Array;
  dims: number[];
  /** The IR op the import must produce (and int8 quantization keep). */
  op: OpType;
  /** C kernels the float and int8 builds must call. */
  kernels: { f32: string; s8: string };
  seed?: number;
}

export async function checkPlumbing(c: PlumbingCase): Promise<Graph> {
  const g = simplify(importOnnx(c.bytes, `${c.op}.onnx`));
  expect(g.nodes.map((n) => n.op)).toContain(c.op);
  const x = { dims: c.dims, data: randF32(rng(c.seed ?? 7), product(c.dims), -3, 3) };
  const ort = await runOrt(c.bytes, { x });
  const ours = runIr(g, [x]);
  ort.forEach((o, i) => expect(compare(ours[i], o), `output ${i} vs onnxruntime`).toBeUndefined());

  const exported = exportOnnx(g);
  const viaExport = await runOrt(exported, { x });
  ort.forEach((o, i) => expect(compare(viaExport[i], o), `exported output ${i}`).toBeUndefined());

  const r = rng((c.seed ?? 7) + 1);
  const xShape = g.tensors[g.inputs[0]].shape;
  const calibration = Array.from({ length: 16 }, () => ({ [g.inputs[0]]: randF32(r, product(xShape), -3, 3) }));
  const { ir } = await runPipeline(g, [{ step: 'quantize-int8', samples: 16 }], { data: { calibration } });
  expect(ir.nodes.map((n) => n.op)).toContain(c.op);
  const node = ir.nodes.find((n) => n.op === c.op)!;
  expect(ir.tensors[node.inputs[0]].dtype).toBe('i8');
  expect(ir.tensors[node.outputs[0]].dtype).toBe('i8');
  if (ir.nodes.length === 1) {
    // Moving int8 values: the float op on the dequantized input, requantized, is the int8 result exactly.
    const xq = ir.tensors[ir.inputs[0]];
    const yq = ir.tensors[ir.outputs[0]];
    const q8 = Int8Array.from({ length: product(xq.shape) }, (_, i) => ((i * 37) % 256) - 128);
    const y8 = runGraph(ir, { [ir.inputs[0]]: q8 }).outputs[ir.outputs[0]] as Int8Array;
    const yf = runGraph(g, { [g.inputs[0]]: dequantizeArray(q8, xq.quant!) }).outputs[g.outputs[0]] as Float32Array;
    expect(Array.from(y8)).toEqual(Array.from(quantizeArray(yf, yq.quant!)));
  }
  // The host runner compares one output: a Split is checked output by output.
  for (const o of g.outputs) checkAgainstReference(onlyOutput(g, o), { expectKernels: { reference: [c.kernels.f32] } });
  for (const o of ir.outputs) checkAgainstReference(onlyOutput(ir, o), { expectKernels: { reference: [c.kernels.s8] } });
  return g;
}

/** `g` cut down to the nodes that compute `output`. */
function onlyOutput(g: Graph, output: string): Graph {
  const need = new Set([output]);
  const kept: Graph['nodes'] = [];
  for (const n of [...g.nodes].reverse()) {
    if (!n.outputs.some((o) => need.has(o))) continue;
    kept.unshift(n);
    for (const i of n.inputs) need.add(i);
  }
  return { ...g, outputs: [output], nodes: kept };
}
