// LayerNormalization: ONNX import (opset 17, every axis of 2-, 3- and 4-D inputs, scale broadcast, no bias) and the
// float reference against onnxruntime; the ONNX export (opset 14, written as the op's function) run by onnxruntime;
// int8 quantization keeping it in float with a float-fallback warning; the C kernel against the reference on the host;
// the optional Mean and InvStdDev outputs against onnxruntime and in C.
import { describe, expect, it } from 'vitest';
import { exportOnnx } from '../../src/import/onnx-export.ts';
import { importOnnx } from '../../src/import/onnx.ts';
import { encodeModel, floatTensor, makeModel, node, valueInfo } from '../../src/import/onnx-proto-write.ts';
import { GraphBuilder } from '../../src/ir/builder.ts';
import { product } from '../../src/ir/graph.ts';
import { simplify } from '../../src/ir/optimize.ts';
import { validateGraph } from '../../src/ir/validate.ts';
import { runPipeline } from '../../src/compress/pipeline.ts';
import { createLog } from '../../src/compress/pass.ts';
import { compare } from '../../src/conformance/run-case.ts';
import { randF32, rng } from '../codegen/graphs.ts';
import { checkAgainstReference } from '../firmware/kernel-check.ts';
import { errorOf } from '../errors.ts';
import { runIr, runOrt } from '../import/onnx-fixtures.ts';

interface Case {
  what: string;
  dims: number[];
  axis: number;
  scaleDims: number[];
  bias: boolean;
  epsilon?: number;
}

/** The model; with `stats`, Mean and InvStdDev are graph outputs too ([d0 … d(axis−1), 1 … 1]). */
function model(c: Case, stats = false): Uint8Array {
  const r = rng(c.dims.length * 10 + c.axis + 20);
  const n = product(c.scaleDims);
  const axis = c.axis < 0 ? c.axis + c.dims.length : c.axis;
  const statDims = c.dims.map((d, i) => (i >= axis ? 1 : d));
  return encodeModel(
    makeModel({
      inputs: [valueInfo('x', c.dims)],
      outputs: [valueInfo('y', c.dims), ...(stats ? [valueInfo('mean', statDims), valueInfo('inv_std', statDims)] : [])],
      initializers: [
        floatTensor('scale', c.scaleDims, randF32(r, n, 0.5, 1.5)),
        ...(c.bias ? [floatTensor('bias', c.scaleDims, randF32(r, n, -1, 1))] : []),
      ],
      nodes: [
        node(
          'LayerNormalization',
          ['x', 'scale', ...(c.bias ? ['bias'] : [])],
          ['y', ...(stats ? ['mean', 'inv_std'] : [])],
          { axis: c.axis, ...(c.epsilon !== undefined ? { epsilon: c.epsilon } : {}) },
          'ln',
        ),
      ],
      opset: 17,
    }),
  );
}

const CASES: Case[] = [
  { what: '[N, features], the last axis', dims: [3, 8], axis: -1, scaleDims: [8], bias: true },
  { what: '[N, T, features] over T and features, no bias', dims: [2, 4, 6], axis: 1, scaleDims: [4, 6], bias: false },
  { what: '[N, T, features] with a scale broadcast over T', dims: [2, 4, 6], axis: 1, scaleDims: [1, 6], bias: true, epsilon: 0.1 },
  { what: 'NCHW over C, H, W', dims: [2, 3, 4, 5], axis: 1, scaleDims: [3, 4, 5], bias: true },
  { what: 'NCHW over H and W', dims: [1, 3, 4, 5], axis: -2, scaleDims: [4, 5], bias: true },
  { what: 'the whole tensor (axis 0)', dims: [2, 3, 4], axis: 0, scaleDims: [2, 3, 4], bias: true },
];

describe('LayerNormalization', () => {
  it.each(CASES)('imports $what like onnxruntime, and exports it so', async (c) => {
    const bytes = model(c);
    const g = simplify(importOnnx(bytes, 'ln.onnx'));
    validateGraph(g);
    expect(g.nodes.map((n) => n.op)).toContain('LayerNormalization');
    const x = { name: 'x', dims: c.dims, data: randF32(rng(3), product(c.dims), -3, 3) };
    const [want] = await runOrt(bytes, { x });
    expect(compare(runIr(g, [x])[0], want)).toBeUndefined();
    const [viaExport] = await runOrt(exportOnnx(g), { x });
    expect(compare(viaExport, want)).toBeUndefined();
  });

  it.each(CASES)('runs $what in C on the host as the reference does', (c) => {
    const g = simplify(importOnnx(model(c), 'ln.onnx'));
    checkAgainstReference(g, { expectKernels: { reference: ['tfg_layernorm_f32'] } });
  });

  it.each(CASES)('computes Mean and InvStdDev of $what like onnxruntime, in C on the host as the reference does', async (c) => {
    const bytes = model(c, true);
    const g = simplify(importOnnx(bytes, 'ln.onnx'));
    validateGraph(g);
    const x = { name: 'x', dims: c.dims, data: randF32(rng(4), product(c.dims), -3, 3) };
    const want = await runOrt(bytes, { x });
    const ours = runIr(g, [x]);
    want.forEach((w, k) => expect(compare(ours[k], w), `output ${k}`).toBeUndefined());
    for (const k of [1, 2]) checkAgainstReference({ ...g, outputs: [g.outputs[k]] }, { expectKernels: { reference: ['tfg_reduce_f32'] } });
  });

  it('computes only the statistics a graph uses: Mean alone adds one ReduceMean', () => {
    const c = CASES[0];
    const r = rng(9);
    const bytes = encodeModel(
      makeModel({
        inputs: [valueInfo('x', c.dims)],
        outputs: [valueInfo('y', c.dims), valueInfo('mean', [3, 1])],
        initializers: [floatTensor('scale', [8], randF32(r, 8, 0.5, 1.5))],
        nodes: [node('LayerNormalization', ['x', 'scale'], ['y', 'mean', ''], { axis: -1 }, 'ln')],
        opset: 17,
      }),
    );
    const g = simplify(importOnnx(bytes, 'ln.onnx'));
    expect(g.nodes.map((n) => n.op).filter((op) => op !== 'Reshape')).toEqual(['LayerNormalization', 'ReduceMean']);
  });

  it('int8 quantization keeps it in float between Dequantize and Quantize, with a float-fallback warning', async () => {
    const g = importOnnx(model(CASES[0]), 'ln.onnx');
    const r = rng(5);
    const calibration = Array.from({ length: 16 }, () => ({ [g.inputs[0]]: randF32(r, 24, -3, 3) }));
    const log = createLog();
    const { ir } = await runPipeline(g, [{ step: 'quantize-int8', samples: 16 }], { data: { calibration }, log });
    expect(ir.nodes.map((n) => n.op)).toEqual(['Dequantize', 'LayerNormalization', 'Quantize']);
    expect(log.diagnostics.map((d) => d.code)).toEqual(['float-fallback']);
  });

  it('the IR op names the shape a wrong scale must have', () => {
    const b = new GraphBuilder('t');
    const x = b.input('x', [2, 3, 4]);
    const y = b.node('LayerNormalization', [x, b.constant('s', new Float32Array(4), [4])], { axis: 1 });
    const e = errorOf(() => b.output(y).build());
    expect(e.message).toContain('scale must be [3,4] (the normalised axes), got [4]');
  });

  it('refuses a scale that does not fit the normalised axes, naming the node', () => {
    const badScale = errorOf(() => importOnnx(model({ ...CASES[0], scaleDims: [7] }), 'ln.onnx'));
    expect(badScale.code).toBe('unsupported-attribute');
    expect(badScale.diagnostic.notes![0]).toMatch(/scale has shape \[7\], which does not broadcast to the normalised axes \[8\]/);
  });
});
